# leadgen API + dashboard. Build: docker build -t leadgen .   Run: see compose.yaml
# The base image is an argument so the same file builds on a local stand-in for python:3.11-slim.
ARG PYTHON_IMAGE=python:3.11-slim
FROM ${PYTHON_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
# The runtime lock alone first (its layer is reused until the lock changes): every package at
# its pinned version, each file checked against its sha256; no test tooling. Then leadgen
# itself without dependencies, built by the locked setuptools rather than one fetched now.
COPY requirements.txt ./
RUN pip install --require-hashes -r requirements.txt
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-deps --no-build-isolation . \
    && pip check \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin leadgen \
    && mkdir -p /app/.leadgen && chown leadgen /app/.leadgen

USER leadgen
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2).status != 200)"
CMD ["leadgen", "serve", "--host", "0.0.0.0", "--port", "8000"]
