"""The snapshot directory: the one interface between export, generate, emulate and migrate.

    DIR/manifest.json           {"base_id", "base_name", "exported_at", "complete",
                                 "tables": {tableId: {"name", "records", "sha256"}}}
    DIR/schema.json             the body of GET /v0/meta/bases/{baseId}/tables
    DIR/records/<tableId>.jsonl one record a line: {"id", "createdTime", "fields": {fldId: value}}

Writes are atomic (temp file + fsync + rename) so a killed writer never leaves a torn file.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from leadgen.errors import ConfigError

Record = dict[str, Any]
JSON = dict[str, Any]


def dumps_record(record: Record) -> str:
    """One canonical JSONL line (UTF-8 kept, compact) so equal records give equal bytes."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def write_bytes_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json_atomic(path: Path, obj: Any) -> None:
    data = json.dumps(obj, ensure_ascii=False, indent=2, sort_keys=False) + "\n"
    write_bytes_atomic(path, data.encode("utf-8"))


def encode_records(records: Iterable[Record]) -> tuple[bytes, int]:
    """The JSONL bytes of `records` and how many there were."""
    lines = [dumps_record(r) for r in records]
    body = ("\n".join(lines) + "\n") if lines else ""
    return body.encode("utf-8"), len(lines)


def write_records(root: Path, table_id: str, records: Iterable[Record]) -> tuple[int, str]:
    """Write one table's records atomically; returns (count, sha256 of the file)."""
    data, count = encode_records(records)
    write_bytes_atomic(root / "records" / f"{table_id}.jsonl", data)
    return count, hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Snapshot:
    """A snapshot directory opened for reading."""

    root: Path
    manifest: JSON
    schema: JSON

    @classmethod
    def open(cls, root: Path | str) -> Snapshot:
        root = Path(root)
        if not root.is_dir():
            raise ConfigError(
                f"snapshot directory {root} does not exist",
                hint="pass the folder written by `leadgen airtable export` or `generate`",
            )
        try:
            manifest = json.loads((root / "manifest.json").read_text("utf-8"))
            schema = json.loads((root / "schema.json").read_text("utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(
                f"{root} is not a snapshot: {Path(exc.filename).name} is missing",
                hint="a snapshot has manifest.json, schema.json and records/<tableId>.jsonl",
            ) from exc
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{root}: invalid JSON ({exc})", hint="re-run the export") from exc
        if not isinstance(schema.get("tables"), list):
            raise ConfigError(f"{root}/schema.json has no 'tables' list")
        return cls(root=root, manifest=manifest, schema=schema)

    @property
    def base_id(self) -> str:
        return str(self.manifest.get("base_id", ""))

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete"))

    @property
    def tables(self) -> list[JSON]:
        return list(self.schema["tables"])

    def table(self, name_or_id: str) -> JSON:
        for table in self.schema["tables"]:
            if name_or_id in (table["id"], table["name"]):
                return dict(table)
        raise ConfigError(f"table {name_or_id!r} is not in the snapshot's schema")

    def records_path(self, table_id: str) -> Path:
        return self.root / "records" / f"{table_id}.jsonl"

    def iter_records(self, table_id: str) -> Iterator[Record]:
        path = self.records_path(table_id)
        if not path.exists():
            return
        with path.open("r", encoding="utf-8") as fh:
            for lineno, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    raise ConfigError(
                        f"{path}:{lineno}: not a JSON record ({exc.msg})",
                        hint="the file is damaged; re-run the export for this table",
                    ) from exc

    def records(self, table_id: str) -> list[Record]:
        return list(self.iter_records(table_id))


def write_snapshot(
    root: Path,
    *,
    base_id: str,
    base_name: str,
    schema: JSON,
    records: dict[str, list[Record]],
    exported_at: str,
) -> None:
    """Write a whole snapshot (used by the generator and by tests)."""
    tables: dict[str, JSON] = {}
    for table in schema["tables"]:
        count, sha = write_records(root, table["id"], records.get(table["id"], []))
        tables[table["id"]] = {"name": table["name"], "records": count, "sha256": sha}
    write_json_atomic(root / "schema.json", schema)
    write_json_atomic(
        root / "manifest.json",
        {
            "base_id": base_id,
            "base_name": base_name,
            "exported_at": exported_at,
            "complete": True,
            "tables": tables,
        },
    )
