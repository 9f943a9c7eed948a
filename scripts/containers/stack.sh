# The steps of scripts/test-containers.sh (sourced by it): tools, stand-in base images, the
# compose stack and its checks. Everything it names carries "leadgen-stand-in" or the run's
# compose project, so it never touches other images or containers on the machine.

CACHE="${LEADGEN_CONTAINERS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/leadgen-containers}"
# podman's settings for this machine, without editing /etc/containers/containers.conf.
export CONTAINERS_CONF="$HERE/containers.conf"
BASE_STAND_IN=localhost/leadgen-stand-in/bookworm-minbase:latest
PY_STAND_IN=localhost/leadgen-stand-in/python:3.11-slim
PG_STAND_IN=localhost/leadgen-stand-in/postgres:15
IMAGE=localhost/leadgen:containers-test
PODMAN_COMPOSE="$CACHE/podman-compose/bin/podman-compose"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
USER_EMAIL=owner@acme.test
# Variables the shell may carry would override .env in compose's interpolation; unset them so
# the stack sees exactly the .env written below.
unset POSTGRES_DB POSTGRES_PASSWORD APP_ROLE_PASSWORD ADMIN_ROLE_PASSWORD API_PORT API_BIND \
  COOKIE_SECURE AIRTABLE_TOKEN POSTGRES_IMAGE PYTHON_IMAGE LEADGEN_IMAGE COMPOSE_PROFILES

fail() { echo "FAILED: $*" >&2; exit 1; }
random_secret() { python3 -c 'import secrets; print(secrets.token_urlsafe(24))'; }

stand_ins_cached() {
  [ "$(id -u)" = 0 ] && command -v podman >/dev/null && [ -x "$PODMAN_COMPOSE" ] \
    && podman image exists "$PY_STAND_IN" && podman image exists "$PG_STAND_IN"
}

install_tools() {
  local missing=()
  for tool in podman runc debootstrap; do
    command -v "$tool" >/dev/null || missing+=("$tool")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    if ! command -v apt-get >/dev/null; then
      echo "test-containers needs ${missing[*]} and cannot install them here (no apt-get);" \
           "install podman, runc and debootstrap, then run it again" >&2
      exit 2
    fi
    echo "installing ${missing[*]} from Debian…" >&2
    if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
          apt-get install -y -qq podman runc debootstrap) >"$CACHE.apt.log" 2>&1; then
      echo "could not install podman, runc and debootstrap (see $CACHE.apt.log);" \
           "install them, then run it again" >&2
      exit 2
    fi
  fi
  # podman-compose pinned by hash; the venv is rebuilt when the pin file changes.
  local pins="$HERE/podman-compose.txt" stamp
  stamp="$CACHE/podman-compose/.pins-$(sha256sum "$pins" | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    mkdir -p "$CACHE"
    python3 -m venv --clear "$CACHE/podman-compose"
    PIP_CONFIG_FILE=/dev/null "$CACHE/podman-compose/bin/pip" install --quiet \
      --require-hashes -r "$pins"
    touch "$stamp"
  fi
  echo "$(podman --version), $("$PODMAN_COMPOSE" --version 2>/dev/null | head -n 1)"
}

# The stand-ins: bookworm from debootstrap (its tarball cached), then Debian's Python 3.11 and
# PostgreSQL 15 on it. Each is reused while it is in podman's store.
ensure_base_images() {
  if ! podman image exists "$BASE_STAND_IN"; then
    local tarball="$CACHE/bookworm-minbase.tar"
    if [ ! -f "$tarball" ]; then
      echo "debootstrap bookworm (a few minutes, once)…" >&2
      local rootfs="$CACHE/rootfs.tmp"
      rm -rf "$rootfs" && mkdir -p "$CACHE"
      debootstrap --variant=minbase bookworm "$rootfs" "$DEBIAN_MIRROR" >"$CACHE.debootstrap.log"
      tar -C "$rootfs" -c . > "$tarball.tmp" && mv "$tarball.tmp" "$tarball"
      rm -rf "$rootfs"
    fi
    podman import --quiet "$tarball" "$BASE_STAND_IN" >/dev/null
  fi
  # The stand-ins' build context: their files, plus the machine's locally added certificate
  # authorities (none on most machines) for pip's TLS behind an inspecting proxy.
  local context="$CACHE/stand-in-context" image file
  rm -rf "$context" && mkdir -p "$context/local-ca"
  cp "$HERE/python.Containerfile" "$HERE/postgres.Containerfile" "$HERE/postgres-entrypoint.sh" \
    "$context/"
  find /usr/local/share/ca-certificates -name '*.crt' -exec cp {} "$context/local-ca/" \; \
    2>/dev/null || true
  for pair in "$PY_STAND_IN:python.Containerfile" "$PG_STAND_IN:postgres.Containerfile"; do
    image="${pair%:*}" file="${pair##*:}"
    if ! podman image exists "$image"; then
      echo "building the stand-in $image…" >&2
      podman build --quiet --network host --build-arg "BASE_IMAGE=$BASE_STAND_IN" \
        -f "$context/$file" -t "$image" "$context" >/dev/null
    fi
  done
}

# .env as the README tells a customer to write it: .env.example with the passwords set, plus
# the stand-in images. AIRTABLE_TOKEN holds a marker the image and the API must never hold.
write_env() {
  local env="$1"
  API_PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  USER_PASSWORD="$(random_secret)"
  TOKEN_MARKER="patLeadgenMarker$(random_secret | tr -dc 'A-Za-z0-9')"
  sed -e "s|^POSTGRES_PASSWORD=.*|POSTGRES_PASSWORD=$(random_secret)|" \
      -e "s|^APP_ROLE_PASSWORD=.*|APP_ROLE_PASSWORD=$(random_secret)|" \
      -e "s|^ADMIN_ROLE_PASSWORD=.*|ADMIN_ROLE_PASSWORD=$(random_secret)|" \
      -e "s|^API_PORT=.*|API_PORT=$API_PORT|" \
      -e "s|^AIRTABLE_TOKEN=.*|AIRTABLE_TOKEN=$TOKEN_MARKER|" \
      "$ROOT/.env.example" > "$env"
  printf 'POSTGRES_IMAGE=%s\nPYTHON_IMAGE=%s\nLEADGEN_IMAGE=%s\n' \
    "$PG_STAND_IN" "$PY_STAND_IN" "$IMAGE" >> "$env"
}

# compose PROJECT [--env-file FILE] ARGS…: podman-compose on the repo's compose.yaml.
compose() {
  local project="$1" env="$WORK/.env"
  shift
  if [ "${1:-}" = --env-file ]; then env="$2"; shift 2; fi
  "$PODMAN_COMPOSE" --env-file "$env" -p "$project" -f "$ROOT/compose.yaml" "$@" \
    2> >(grep -v -e "$PODMAN_NOISE" >&2)
}
# What podman and podman-compose say on every start here, none of it about the stack: no
# systemd for healthcheck timers and no syslog (wait_healthy runs the checks instead), and
# podman 4.3 lacking the `healthy` condition that wait_healthy stands in for.
PODMAN_NOISE='systemd connection to\|failed to connect to syslog\|condition check due to podman'


# admin PROJECT [-v SPEC] ARGS…: `leadgen ARGS…` in the one-off `leadgen` service.
admin() {
  local project="$1" volume=()
  shift
  if [ "${1:-}" = -v ]; then volume=(-v "$2"); shift 2; fi
  compose "$project" --profile admin run --rm -T "${volume[@]}" leadgen "$@"
}

container_of() {  # container_of PROJECT SERVICE → its container's name
  podman ps -a --filter "label=io.podman.compose.project=$1" \
    --filter "label=io.podman.compose.service=$2" --format '{{.Names}}' | head -n 1
}

# podman-compose 1.6 does not wait for `condition: service_healthy` reliably, and without
# systemd podman runs no healthcheck timers: run the image's own healthcheck until it passes.
wait_healthy() {
  local project="$1" service="$2" timeout="$3" name started=$SECONDS
  name="$(container_of "$project" "$service")"
  [ -n "$name" ] || fail "compose started no $service container"
  until podman healthcheck run "$name" >/dev/null 2>&1; do
    if [ "$(podman inspect --format '{{.State.Status}}' "$name")" = exited ]; then
      podman logs --tail 20 "$name" >&2
      fail "$service exited before it was healthy"
    fi
    if (( SECONDS - started > timeout )); then
      podman logs --tail 20 "$name" >&2
      fail "$service not healthy after $timeout s"
    fi
    sleep 1
  done
}

teardown() {
  local status=$? project
  for project in "$PROJECT" "$PROJECT-restore" "$PROJECT-missing"; do
    compose "$project" down -v >/dev/null 2>&1 || true
  done
  local left
  left="$(podman ps -a --format '{{.Names}}' | grep -F "$PROJECT" || true)"
  if [ -n "$left" ]; then
    echo "FAILED: containers left behind: $left" >&2
    status=1
  fi
  left="$(podman volume ls --format '{{.Name}}' | grep -F "$PROJECT" || true)"
  [ -z "$left" ] || { echo "FAILED: volumes left behind: $left" >&2; status=1; }
  rm -rf "$WORK"
  exit "$status"
}
