"""Password hashing with Argon2id (argon2-cffi's defaults follow RFC 9106's recommendations)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from leadgen.errors import ConfigError

_hasher = PasswordHasher()  # Argon2id
MIN_LENGTH = 10


def hash_password(password: str) -> str:
    if len(password) < MIN_LENGTH:
        raise ConfigError(
            f"password too short ({len(password)} characters)",
            hint=f"use at least {MIN_LENGTH} characters",
        )
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


# Verifying against this keeps a login for an unknown email as slow as one for a known email.
DUMMY_HASH = _hasher.hash("not-a-real-password-0")
