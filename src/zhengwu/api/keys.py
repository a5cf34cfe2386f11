"""API keys: random secrets shown once, stored as SHA-256 digests."""

from __future__ import annotations

import hashlib
import secrets

PREFIX = "zw_"
# 32 random bytes: guessing is hopeless, so a fast digest is enough to keep keys unreadable.
KEY_BYTES = 32
MAX_KEY_LENGTH = 100


def new_key() -> str:
    return PREFIX + secrets.token_urlsafe(KEY_BYTES)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def display_prefix(key: str) -> str:
    return key[:10]


def looks_like_key(value: str) -> bool:
    return value.startswith(PREFIX) and len(value) <= MAX_KEY_LENGTH and value.isascii()


def new_webhook_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(KEY_BYTES)
