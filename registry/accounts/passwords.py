"""Password hashing with argon2id (argon2-cffi's recommended parameters)."""

from __future__ import annotations

import os

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.profiles import CHEAPEST

# The test suite (REGISTRY_ENV=test) logs in thousands of times: there the cheapest parameters keep a
# log-in at microseconds instead of ~150 ms of CPU. Every other environment uses the recommended ones
# (and a hash made with other parameters is upgraded at the next log-in, see needs_rehash).
_hasher = PasswordHasher.from_parameters(CHEAPEST) if os.environ.get("REGISTRY_ENV") == "test" else PasswordHasher()
# Verifying against this when the user name is unknown makes both cases take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return _hasher.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)
