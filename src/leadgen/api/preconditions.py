"""If-Match: the header parsed by the entity-tag grammar and evaluated the way RFC 9110 says.

Grammar (RFC 9110 section 8.8.3, https://www.rfc-editor.org/rfc/rfc9110#section-8.8.3 , and
section 13.1.1, https://www.rfc-editor.org/rfc/rfc9110#section-13.1.1):

    If-Match    = "*" / #entity-tag
    entity-tag  = [ "W/" ] DQUOTE *etagc DQUOTE
    etagc       = %x21 / %x23-7E / obs-text

Evaluation (section 13.1.1): `*` is true when the resource has a current representation; a
list is true when one of its tags matches the current ETag by the *strong* comparison of
section 8.8.3.2, so a weak tag (`W/"7"`) never matches. Several If-Match field lines are one
comma-separated list (section 5.3). An empty list is grammatical and matches nothing.

A value outside the grammar (`7` without quotes, `"7` unterminated) is answered 400 (section
15.5.1, https://www.rfc-editor.org/rfc/rfc9110#section-15.5.1): the client has a bug to fix,
and a 412 would tell it that someone else changed the message, which is not what happened.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Header, Request

from leadgen.api.errors import ApiError

_TAG = re.compile(r'(W/)?"([\x21\x23-\x7e\x80-\xff]*)"')
_HINT = 'send If-Match: "<version>" with the ETag of GET /api/messages/{id} (quoted, e.g. "4")'


@dataclass(frozen=True)
class EntityTag:
    """One entity tag: its opaque text between the quotes, and whether it is weak."""

    opaque: str
    weak: bool


@dataclass(frozen=True)
class IfMatch:
    """A parsed If-Match: `*` (any) or a list of tags."""

    any: bool
    tags: tuple[EntityTag, ...]

    def matches(self, current: str) -> bool:
        """Whether the condition holds for a resource whose strong ETag's opaque is `current`."""
        return self.any or any(not t.weak and t.opaque == current for t in self.tags)


def _malformed(value: str) -> ApiError:
    shown = value if len(value) <= 60 else value[:57] + "..."
    return ApiError(400, "invalid_if_match",
                    f"If-Match is neither * nor a list of quoted entity tags: {shown!r}",
                    hint=_HINT)


def _tags(value: str) -> list[EntityTag]:
    found: list[EntityTag] = []
    pos, end = 0, len(value)
    while pos < end:
        while pos < end and value[pos] in " \t,":  # OWS and empty list elements (section 5.6.1)
            pos += 1
        if pos == end:
            break
        tag = _TAG.match(value, pos)
        if tag is None:
            raise _malformed(value)
        found.append(EntityTag(tag.group(2), weak=tag.group(1) is not None))
        pos = tag.end()
        while pos < end and value[pos] in " \t":
            pos += 1
        if pos < end and value[pos] != ",":
            raise _malformed(value)
    return found


def parse_if_match(values: list[str]) -> IfMatch | None:
    """The condition of every If-Match field line of a request; None when there is none."""
    if not values:
        return None
    if len(values) == 1 and values[0].strip(" \t") == "*":
        return IfMatch(any=True, tags=())
    return IfMatch(any=False, tags=tuple(t for v in values for t in _tags(v)))


async def if_match_condition(
    request: Request,
    if_match: Annotated[str | None, Header(
        description='`*` or a list of ETags (`"4"`, `"3", "4"`); compared strongly')] = None,
) -> IfMatch | None:
    # the parameter documents the header in OpenAPI; the request has every field line of it
    del if_match
    return parse_if_match(request.headers.getlist("if-match"))


IfMatchHeader = Annotated[IfMatch | None, Depends(if_match_condition)]


def required(condition: IfMatch | None) -> IfMatch:
    """The condition of a write that must name the version it changes (428 without one)."""
    if condition is None:
        raise ApiError(428, "precondition_required", "edits need the version you are editing",
                       hint=_HINT)
    return condition


def etag(version: int) -> str:
    """The strong ETag of a message version (its opaque text is the version number)."""
    return f'"{version}"'
