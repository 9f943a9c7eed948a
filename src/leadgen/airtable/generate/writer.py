"""Write a generated base as a snapshot directory, refusing to clobber anything else.

An existing snapshot (manifest.json or schema.json + records/) may be overwritten; any other
non-empty directory is refused, because `--out ~/Documents` by mistake must not scatter files.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from leadgen.airtable.generate.base import DEFAULT_BASE_ID, GeneratedBase, generate_base
from leadgen.airtable.snapshot import write_snapshot
from leadgen.errors import ConfigError


def looks_like_snapshot(path: Path) -> bool:
    return (path / "manifest.json").is_file() or (
        (path / "schema.json").is_file() and (path / "records").is_dir()
    )


def prepare_out_dir(out: Path) -> None:
    """Create `out` (or accept an old snapshot there) and prove we can write into it."""
    if out.exists() and not out.is_dir():
        raise ConfigError(
            f"--out {out} is a file, not a directory",
            hint="pass a new or empty directory (it is created if missing)",
        )
    if out.is_dir() and any(out.iterdir()) and not looks_like_snapshot(out):
        raise ConfigError(
            f"--out {out} is not empty and does not hold a snapshot",
            hint="choose a new or empty directory; an earlier snapshot there may be overwritten",
        )
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(dir=out, prefix=".write-probe.")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise ConfigError(
            f"cannot write to --out {out}: {exc.strerror or exc}",
            hint="pick a directory you can write to, e.g. /tmp/leadgen-snapshot",
        ) from exc


def write_generated(
    out: Path | str,
    base: GeneratedBase | None = None,
    *,
    companies: int = 0,
    seed: int = 1,
    base_id: str = DEFAULT_BASE_ID,
) -> GeneratedBase:
    """Write `base` (or a freshly generated one of `companies`/`seed`) to `out`.

    Overwriting a previous snapshot first removes its manifest, so a crash half-way leaves a
    directory that no reader mistakes for a complete snapshot.
    """
    out = Path(out)
    if base is None:
        base = generate_base(companies, seed, base_id=base_id)
    prepare_out_dir(out)
    (out / "manifest.json").unlink(missing_ok=True)
    table_ids = {t["id"] for t in base.schema["tables"]}
    records_dir = out / "records"
    if records_dir.is_dir():
        for stale in sorted(records_dir.glob("*.jsonl")):
            if stale.stem not in table_ids:
                stale.unlink()  # a table of an older, different schema
    write_snapshot(
        out,
        base_id=base.base_id,
        base_name=base.base_name,
        schema=base.schema,
        records=base.records,
        exported_at=base.exported_at,
    )
    return base
