"""An embedded PostgreSQL for machines without a server: `leadgen demo` and the tests.

Binaries come from a local installation when one is found (Debian's /usr/lib/postgresql/N/bin,
or `pg_ctl` on PATH), else from the `pgserver` wheel, which bundles them. The cluster lives in a
data directory of the project's own and listens on 127.0.0.1 only, with trust auth.

PostgreSQL refuses to run as root, and CI runs as root: then the server runs as an unprivileged
system user (`postgres` where it exists, else one we create), and the data directory is placed
where that user can reach it.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from leadgen.errors import DatabaseUnavailable

SERVICE_USER = "leadgen-pg"


@dataclass(frozen=True)
class EmbeddedServer:
    data_dir: Path
    port: int
    bindir: Path

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"


def pgserver_bindir() -> Path | None:
    """The binaries bundled in the pgserver wheel, if installed."""
    try:
        import pgserver
    except ImportError:  # pragma: no cover - pgserver is a dependency
        return None
    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def find_bindir() -> Path:
    """The directory holding initdb and pg_ctl: LEADGEN_PG_BINDIR, local, then pgserver's."""
    candidates: list[Path] = []
    forced = os.environ.get("LEADGEN_PG_BINDIR")
    if forced:
        candidates.append(Path(forced))
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(Path(on_path).parent)
    for found in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=_version_key, reverse=True):
        candidates.append(Path(found))
    for bindir in candidates:
        if (bindir / "initdb").exists() and (bindir / "pg_ctl").exists():
            return bindir
    bundled = pgserver_bindir()  # imported only when needed: it is slow and noisy to import
    if bundled is not None and (bundled / "initdb").exists():
        return bundled
    raise DatabaseUnavailable(
        "no PostgreSQL binaries found for the embedded database",
        hint="set DATABASE_URL to a running server, or reinstall (`pip install pgserver`)",
    )


def _version_key(path: str) -> int:
    part = Path(path).parent.name
    return int(part) if part.isdigit() else 0


def _run_as() -> str | None:
    """The user to run the server as, or None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", SERVICE_USER):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    subprocess.run(
        ["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVICE_USER],
        check=True,
        capture_output=True,
    )
    return SERVICE_USER


def _reachable_by(user: str, path: Path) -> bool:
    probe = subprocess.run(["runuser", "-u", user, "--", "test", "-x", str(path)], check=False)
    return probe.returncode == 0


def _command(user: str | None, args: list[str]) -> list[str]:
    return args if user is None else ["runuser", "-u", user, "--", *args]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _is_listening(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def _effective_root(data_root: Path, user: str | None) -> Path:
    data_root = data_root.resolve()
    data_root.mkdir(parents=True, exist_ok=True)
    if user is not None and not _reachable_by(user, data_root):
        # e.g. a checkout under /root: keep the cluster somewhere the service user can enter.
        digest = hashlib.sha256(str(data_root).encode()).hexdigest()[:12]
        data_root = Path("/var/tmp") / f"leadgen-pg-{digest}"
        data_root.mkdir(parents=True, exist_ok=True)
    return data_root


def _bindir_for(bindir: Path, user: str | None) -> Path:
    """`bindir`, or a copy of its installation the service user can execute: pgserver's
    binaries live in the checkout's .venv, which may sit in a folder only root can enter
    (under /root, or a `mktemp -d`)."""
    if user is None or _reachable_by(user, bindir / "initdb"):
        return bindir
    install = bindir.parent  # site-packages/pgserver/pginstall
    package = install.parent
    digest = hashlib.sha256(str(install.resolve()).encode()).hexdigest()[:12]
    copy = Path("/var/tmp") / f"leadgen-pgbin-{digest}"
    # Same layout as in site-packages: the binaries find their libraries through an RPATH
    # relative to themselves ($ORIGIN/../../../pgserver.libs).
    copied_bin = copy / package.name / install.name / bindir.name
    if not (copied_bin / "initdb").exists():
        staging = copy.with_name(copy.name + f".{os.getpid()}")
        shutil.rmtree(staging, ignore_errors=True)
        shutil.copytree(install, staging / package.name / install.name, symlinks=True,
                        ignore=shutil.ignore_patterns("include"))
        for libs in package.parent.glob(f"{package.name}.libs"):
            shutil.copytree(libs, staging / libs.name, symlinks=True)
        for folder in (staging, staging / package.name):
            os.chmod(folder, 0o755)
        try:
            staging.rename(copy)  # atomic: a concurrent start sees all of it or nothing
        except OSError:
            shutil.rmtree(staging, ignore_errors=True)  # another process made it first
    return copied_bin


def start(data_root: Path) -> EmbeddedServer:
    """Start (or reuse) the embedded cluster under `data_root` and return where it listens."""
    user = _run_as()
    bindir = _bindir_for(find_bindir(), user)
    data_root = _effective_root(data_root, user)
    data_dir = data_root / "pgdata"
    port_file = data_root / "port"
    log_file = data_root / "server.log"

    if port_file.exists():
        port = int(port_file.read_text().strip())
        if _is_listening(port):
            return EmbeddedServer(data_dir, port, bindir)
    if user is not None:
        shutil.chown(data_root, user)
        os.chmod(data_root, 0o700)
    if not (data_dir / "PG_VERSION").exists():
        initdb = [str(bindir / "initdb"), "-D", str(data_dir), "-U", "postgres",
                  "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8"]
        result = subprocess.run(_command(user, initdb), capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise DatabaseUnavailable(
                f"initdb failed: {result.stderr.strip()[-500:]}",
                hint=f"remove {data_dir} and retry, or set DATABASE_URL to a running server",
            )
    port = _free_port()
    options = f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''"
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data_dir), "-l", str(log_file),
              "-o", options, "-w", "-t", "60", "start"]
    result = subprocess.run(_command(user, pg_ctl), capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = log_file.read_text(errors="replace")[-800:] if log_file.exists() else ""
        raise DatabaseUnavailable(
            f"the embedded PostgreSQL did not start: {result.stderr.strip()} {tail}",
            hint=f"see {log_file}; or set DATABASE_URL to a running server",
        )
    port_file.write_text(str(port))
    deadline = time.monotonic() + 30
    while not _is_listening(port):
        if time.monotonic() > deadline:
            raise DatabaseUnavailable(f"embedded PostgreSQL is not listening on port {port}")
        time.sleep(0.1)
    return EmbeddedServer(data_dir, port, bindir)


def stop(data_root: Path) -> None:
    """Stop the embedded cluster if it runs (used by tests that start their own)."""
    user = _run_as()
    data_dir = _effective_root(data_root, user) / "pgdata"
    if not (data_dir / "postmaster.pid").exists():
        return
    cmd = [str(_bindir_for(find_bindir(), user) / "pg_ctl"), "-D", str(data_dir), "-m", "fast",
           "-w", "stop"]
    subprocess.run(_command(user, cmd), capture_output=True, check=False)
