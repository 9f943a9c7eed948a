"""The error hierarchy every command and endpoint maps to exit codes and HTTP statuses.

A user sees what went wrong and what to do; never a traceback for bad input.

    LeadgenError                exit 1   (generic)
    ├── ConfigError             exit 2   bad settings / arguments / input files
    ├── DatabaseUnavailable     exit 4   no PostgreSQL reachable
    ├── SchemaError             exit 5   migration checksum mismatch, schema drift
    ├── AirtableError           exit 6   auth, unknown base, network
    ├── MappingError            exit 7   mapping does not cover the base
    ├── NotFound                exit 8   tenant / user / record not found
    ├── LoadRejected            exit 3   load finished with more rejects than allowed
    └── (migration.verify_report.VerifyFailed  exit 9   verify found unexpected differences)
"""

from __future__ import annotations


class LeadgenError(Exception):
    """Base class: a message for a person, and what they should do next."""

    exit_code = 1
    http_status = 500

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message if not self.hint else f"{self.message}\n  → {self.hint}"


class ConfigError(LeadgenError):
    exit_code = 2
    http_status = 400


class LoadRejected(LeadgenError):
    exit_code = 3
    http_status = 422


class DatabaseUnavailable(LeadgenError):
    exit_code = 4
    http_status = 503


class SchemaError(LeadgenError):
    exit_code = 5
    http_status = 500


class AirtableError(LeadgenError):
    exit_code = 6
    http_status = 502


class MappingError(LeadgenError):
    exit_code = 7
    http_status = 422


class NotFound(LeadgenError):
    exit_code = 8
    http_status = 404


EXIT_CODES: dict[int, str] = {
    0: "success",
    1: "unexpected error",
    2: "bad configuration, arguments or input",
    3: "load completed with more rejects than --max-rejects",
    4: "database unavailable",
    5: "schema problem (changed migration, schema drift)",
    6: "Airtable problem (token, base, network)",
    7: "mapping does not cover the base",
    8: "not found",
    9: "verify found unexpected differences",
}
