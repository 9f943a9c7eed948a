"""What the list endpoints share: opaque keyset cursors and the literal search pattern for `q`.

A cursor is the sort key of the last row a page showed, base64url-encoded so clients treat it
as opaque; a malformed one is a 400 `invalid_cursor`, never a 500.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

from leadgen.api.errors import ApiError


def encode_cursor(*parts: Any) -> str:
    text = "\x1f".join("" if p is None else str(p) for p in parts)
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str, kinds: tuple[type, ...]) -> tuple[Any, ...]:
    """The values of `cursor`, converted to `kinds` (int, str, UUID); ApiError when malformed."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        parts = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8").split("\x1f")
        if len(parts) != len(kinds):
            raise ValueError("wrong arity")
        return tuple(kind(p) if kind is not UUID else UUID(p) for kind, p in zip(kinds, parts,
                                                                               strict=True))
    except (ValueError, UnicodeError, binascii.Error) as exc:
        raise ApiError(400, "invalid_cursor", "the cursor is not one this API handed out",
                       hint="start again without `cursor`") from exc


def like(q: str | None) -> str | None:
    """An ILIKE pattern matching `q` literally anywhere."""
    if q is None or not q.strip():
        return None
    escaped = q.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"
