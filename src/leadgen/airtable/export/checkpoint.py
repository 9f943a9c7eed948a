"""Resumable snapshot writing: one table = one atomic records file + one manifest entry.

Checkpoint granularity is the table (not the page): Airtable's `offset` is a server-side
iterator that may expire (https://airtable.com/developers/web/api/list-records), so a page-level
checkpoint could not be trusted after a crash anyway — the scan would restart from the first
page. A table is *finished* when its `records/<tableId>.jsonl` was renamed into place (fsync'd
first) and the manifest, rewritten atomically after that, says `"complete": true` with its count
and sha256. Killed between the two, the table is simply read again.

`TableWriter` streams records to a temp file while reading (memory holds only the ids seen,
for de-duplication after an iterator restart), then renames it into place. The bytes are the
same as `snapshot.write_records` would produce (`dumps_record` + newline per record).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path
from types import TracebackType
from typing import Any

from leadgen.airtable.snapshot import (
    JSON,
    Record,
    dumps_record,
    file_sha256,
    write_json_atomic,
)
from leadgen.errors import ConfigError


class TableWriter:
    """Append de-duplicated records of one table; `commit()` makes the file appear atomically."""

    def __init__(self, root: Path, table_id: str) -> None:
        self.path = root / "records" / f"{table_id}.jsonl"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        self._tmp = Path(tmp)
        self._fh = os.fdopen(fd, "wb")
        self._digest = hashlib.sha256()
        self._seen: set[str] = set()
        self.count = 0
        self.duplicates = 0

    def add(self, records: list[Record]) -> int:
        """Write the records not seen before (in the order given); returns how many were new."""
        new = 0
        for record in records:
            rid = str(record["id"])
            if rid in self._seen:
                # An iterator restart re-reads from the first page; first sighting wins, so the
                # file keeps the server's order and never holds a record twice.
                self.duplicates += 1
                continue
            self._seen.add(rid)
            line = (dumps_record(record) + "\n").encode("utf-8")
            self._fh.write(line)
            self._digest.update(line)
            new += 1
        self.count += new
        return new

    def commit(self) -> tuple[int, str]:
        """fsync + rename into place; returns (count, sha256)."""
        self._fh.flush()
        os.fsync(self._fh.fileno())
        self._fh.close()
        os.replace(self._tmp, self.path)
        return self.count, self._digest.hexdigest()

    def discard(self) -> None:
        if not self._fh.closed:
            self._fh.close()
        self._tmp.unlink(missing_ok=True)

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.discard()  # after commit() the temp file is gone; this only cleans failures


def read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except json.JSONDecodeError as exc:
        # Our writes are atomic, so this file was not written by us (or was edited by hand).
        raise ConfigError(
            f"{path} is not valid JSON ({exc.msg})",
            hint="move the folder away, or pass a new --out, and export again",
        ) from exc


class Checkpoint:
    """The manifest of a snapshot being written; decides what a re-run may skip."""

    def __init__(self, root: Path, base_id: str) -> None:
        self.root = root
        self.base_id = base_id
        self._lock = threading.Lock()
        previous = read_json(root / "manifest.json")
        if previous is not None and previous.get("base_id") not in (None, base_id):
            raise ConfigError(
                f"{root} holds a snapshot of base {previous.get('base_id')}, not {base_id}",
                hint="pass another --out folder for this base",
            )
        self.previous: JSON = previous or {}
        self.previous_schema: JSON = read_json(root / "schema.json") or {}
        self.manifest: JSON = {}

    def previous_count(self, table_id: str) -> int | None:
        """The table's record count from the last run, if it got that far (for progress)."""
        entry = self.previous.get("tables", {}).get(table_id) or {}
        for key in ("records", "previous_records"):
            if isinstance(entry.get(key), int):
                return int(entry[key])
        return None

    def is_finished(self, table: JSON) -> bool:
        """Finished = complete in the manifest, file intact, and the table's schema unchanged."""
        entry = self.previous.get("tables", {}).get(table["id"])
        if not entry or entry.get("complete") is not True:
            return False
        path = self.root / "records" / f"{table['id']}.jsonl"
        if not path.exists() or file_sha256(path) != entry.get("sha256"):
            return False
        old_tables = {t.get("id"): t for t in self.previous_schema.get("tables", [])}
        # New or changed fields mean the old records lack values: read the table again.
        return bool(old_tables.get(table["id"]) == table)

    def start(self, *, base_name: str, schema: JSON, finished: set[str], started_at: str) -> None:
        """Write schema.json and a manifest that keeps finished tables and marks the rest open."""
        tables: dict[str, JSON] = {}
        for table in schema["tables"]:
            if table["id"] in finished:
                tables[table["id"]] = dict(self.previous["tables"][table["id"]])
            else:
                tables[table["id"]] = self._open_entry(table)
        write_json_atomic(self.root / "schema.json", schema)
        self.manifest = {
            "base_id": self.base_id,
            "base_name": base_name,
            "exported_at": started_at,
            "complete": False,
            "tables": tables,
        }
        self._write()

    def _open_entry(self, table: JSON) -> JSON:
        entry: JSON = {"name": table["name"], "records": None, "sha256": None, "complete": False}
        count = self.previous_count(table["id"])
        if count is not None:
            entry["previous_records"] = count  # a progress total for the next run
        return entry

    def finish_table(self, table_id: str, *, count: int, sha256: str) -> None:
        with self._lock:
            name = self.manifest["tables"][table_id]["name"]
            self.manifest["tables"][table_id] = {
                "name": name,
                "records": count,
                "sha256": sha256,
                "complete": True,
            }
            self._write()

    def finish(self, *, exported_at: str) -> bool:
        """Mark the snapshot complete if every table is; returns whether it is."""
        with self._lock:
            done = all(t.get("complete") is True for t in self.manifest["tables"].values())
            if done:
                self.manifest["complete"] = True
                self.manifest["exported_at"] = exported_at
                self._write()
            return done

    def _write(self) -> None:
        write_json_atomic(self.root / "manifest.json", self.manifest)


def remove_stale_temp_files(root: Path) -> int:
    """Delete temp files left by a killed writer (`.<name>.<random>.tmp`); returns how many."""
    removed = 0
    for folder in (root, root / "records"):
        if folder.is_dir():
            for tmp in folder.glob(".*.tmp"):
                tmp.unlink(missing_ok=True)
                removed += 1
    return removed
