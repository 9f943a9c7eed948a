"""Airtable's error responses, with their exact bodies (https://airtable.com/developers/web/api/errors).

Handlers raise `ApiError`; the transport turns it into the status and JSON body. Every body
here is copied from the reference table so a client sees what real Airtable would send.
"""

from __future__ import annotations

from typing import Any

PERMISSIONS_OR_NOT_FOUND = (
    "Invalid permissions, or the requested model was not found. Check that both your user and "
    "your token have the required permissions, and that the model names and/or ids are correct."
)
GENERIC_INVALID = "Invalid request: parameter validation failed. Check your request data."


class ApiError(Exception):
    """An HTTP error response: `status` and the JSON `body` exactly as Airtable sends it."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(f"{status} {body}")
        self.status = status
        self.body = body


def typed(status: int, type_: str, message: str | None = None) -> ApiError:
    error: dict[str, Any] = {"type": type_}
    if message is not None:
        error["message"] = message
    return ApiError(status, {"error": error})


def authentication_required() -> ApiError:
    return typed(401, "AUTHENTICATION_REQUIRED", "Authentication required")


def not_found() -> ApiError:
    # Unknown route and unknown base on the data API use the legacy bare-string form (https://airtable.com/developers/web/api/errors).
    return ApiError(404, {"error": "NOT_FOUND"})


def model_not_found() -> ApiError:
    return typed(403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND", PERMISSIONS_OR_NOT_FOUND)


def table_not_found(table: str, base_id: str) -> ApiError:
    # Legacy (2020–21) behaviour for an unknown table, kept behind a switch.
    return typed(404, "TABLE_NOT_FOUND", f"Could not find table {table} in application {base_id}")


def record_not_found_legacy() -> ApiError:
    return typed(404, "MODEL_ID_NOT_FOUND", "Record not found")


def invalid_request(status: int = 422) -> ApiError:
    return typed(status, "INVALID_REQUEST_UNKNOWN", GENERIC_INVALID)


def unknown_field(name: str) -> ApiError:
    return typed(422, "UNKNOWN_FIELD_NAME", f'Unknown field name: "{name}"')


def view_not_found(name: str) -> ApiError:
    return typed(422, "VIEW_NAME_NOT_FOUND", f"View {name} not found")


def invalid_page_size() -> ApiError:
    return typed(
        422, "INVALID_PAGE_SIZE_ARGUMENT", "Page size argument should be between 0 and 100"
    )


def iterator_not_available() -> ApiError:
    # The documented body has no message (https://airtable.com/developers/web/api/list-records).
    return typed(422, "LIST_RECORDS_ITERATOR_NOT_AVAILABLE")


def invalid_offset(offset: str) -> ApiError:
    # Third parties saw this type live; the message wording is our own.
    return typed(422, "INVALID_OFFSET_VALUE", f"The value of offset {offset} is invalid")


def invalid_formula(message: str) -> ApiError:
    return typed(422, "INVALID_FILTER_BY_FORMULA", message)


def rate_limited() -> ApiError:
    # No trailing period, and no Retry-After header: none is documented for 429 (https://airtable.com/developers/web/api/rate-limits).
    return typed(429, "RATE_LIMIT_REACHED", "Rate limit exceeded. Please try again later")


def too_many_records(verb: str, count: int) -> ApiError:
    # Body recorded by a pyairtable maintainer against live Airtable (gtalarico/pyairtable#144).
    return typed(
        422,
        "INVALID_RECORDS",
        f"A maximum of 10 records can be {verb} per request but you have provided {count}.",
    )


def row_does_not_exist(record_id: str) -> ApiError:
    # Wording seen live (domdomegg/airtable-mcp-server#28); the type is in
    # https://airtable.com/developers/web/api/errors.
    return typed(422, "ROW_DOES_NOT_EXIST", f"Record ID {record_id} does not exist in this table")


def delete_not_found(record_id: str) -> ApiError:
    return typed(404, "NOT_FOUND", f'Could not find a record with ID "{record_id}".')


def computed_field(name: str) -> ApiError:
    # Recorded live response (grouparoo airtable fixtures): computed fields refuse writes.
    return typed(
        422,
        "INVALID_VALUE_FOR_COLUMN",
        f'Field "{name}" cannot accept a value because the field is computed',
    )


def invalid_value(name: str, detail: str) -> ApiError:
    return typed(
        422,
        "INVALID_VALUE_FOR_COLUMN",
        f'Field "{name}" cannot accept the provided value: {detail}',
    )


def invalid_choice(value: str) -> ApiError:
    return typed(
        422,
        "INVALID_MULTIPLE_CHOICE_OPTIONS",
        f'Insufficient permissions to create new select option "{value}"',
    )


def server_error(status: int) -> ApiError:
    if status == 503:
        return typed(
            503,
            "RETRIABLE_ERROR",
            "Server encountered an error while processing your request, and it is safe to retry "
            "the request",
        )
    if status == 502:
        return typed(502, "BAD_GATEWAY", "Bad gateway")
    return typed(status, "SERVER_ERROR", "Server error")
