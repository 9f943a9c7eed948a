"""What the list endpoints share: keyset cursors round-trip, a forged one is a 400, and `q` is
matched literally (ILIKE wildcards in it are escaped)."""

from __future__ import annotations

from uuid import UUID

import pytest

from leadgen.api.errors import ApiError
from leadgen.api.listing import decode_cursor, encode_cursor, like


def test_a_cursor_round_trips_its_sort_key() -> None:
    last = UUID("00000000-0000-4000-8000-000000000007")
    cursor = encode_cursor(-42, last)
    assert "=" not in cursor and decode_cursor(cursor, (int, UUID)) == (-42, last)
    assert decode_cursor(encode_cursor("Ämber, \x00 Co", last), (str, UUID)) == (
        "Ämber, \x00 Co", last)


@pytest.mark.parametrize("cursor", ["not base64!", encode_cursor(1), encode_cursor("x", "y")])
def test_a_cursor_this_api_did_not_hand_out_is_a_400(cursor: str) -> None:
    with pytest.raises(ApiError) as caught:
        decode_cursor(cursor, (int, UUID))
    assert (caught.value.status, caught.value.code) == (400, "invalid_cursor")
    assert caught.value.hint == "start again without `cursor`"


def test_like_matches_the_text_literally() -> None:
    assert like(None) is None and like("   ") is None
    assert like(" acme ") == "%acme%"
    assert like("50%_off\\") == "%50\\%\\_off\\\\%"
