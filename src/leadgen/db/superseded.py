"""Checksums an applied migration may still carry after only its comments were reworded.

The runner refuses an applied file whose sha256 changed, because a changed statement means the
database and the file disagree. A reworded comment changes the sha256 too, so
`superseded_checksums.json` lists, per version, the sha256 of each earlier text and the sha256
of that text with its comment lines removed. A recorded checksum is accepted (and then rewritten
to the current one) only when it is listed for that version and the current file, comment lines
removed, still hashes to the listed value: a list entry can never let a changed statement through.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from importlib import resources

DATA_FILE = "superseded_checksums.json"


@dataclass(frozen=True)
class Superseded:
    version: str
    sha256: str
    statements_sha256: str
    reason: str


def statements_checksum(sql: str) -> str:
    """The sha256 of `sql` without its whole-line `--` comments (blank lines dropped too)."""
    kept = [line.rstrip() for line in sql.splitlines()
            if line.strip() and not line.lstrip().startswith("--")]
    return hashlib.sha256("\n".join(kept).encode("utf-8")).hexdigest()


def load() -> dict[str, list[Superseded]]:
    """version → its superseded checksums, from the data file shipped beside the migrations."""
    text = resources.files("leadgen.db").joinpath(DATA_FILE).read_text("utf-8")
    found: dict[str, list[Superseded]] = {}
    for version, entries in json.loads(text).items():
        found[version] = [
            Superseded(version, e["sha256"], e["statements_sha256"], e["reason"]) for e in entries]
    return found


def accepts(entries: list[Superseded], recorded: str, current_sql: str) -> bool:
    """True when `recorded` is a listed earlier checksum and only comments changed since."""
    current = statements_checksum(current_sql)
    return any(e.sha256 == recorded and e.statements_sha256 == current for e in entries)
