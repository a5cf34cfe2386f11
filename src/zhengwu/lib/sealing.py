"""Secrets the platform must read back (a webhook's signing key), kept sealed at rest.

A database dump or backup alone does not reveal them: they are encrypted (Fernet: AES-128-CBC
with an HMAC-SHA256 tag) under keys derived from Django's SECRET_KEY. Rotating SECRET_KEY the
Django way (the old value moved to SECRET_KEY_FALLBACKS) keeps every sealed secret readable;
`reseal` then re-encrypts under the new key.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

# A purpose string: a key derived for sealing is useless for anything else signed with SECRET_KEY.
PURPOSE = b"zhengwu.lib.sealing/1"


class Unreadable(Exception):
    """The sealed value was made under a key the platform no longer has (or was altered)."""


def _fernet(secret_key: str) -> Fernet:
    key = hashlib.sha256(PURPOSE + b"\x00" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(key))


def _keys() -> MultiFernet:
    return MultiFernet(
        [_fernet(k) for k in [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]]
    )


def seal(plain: str) -> str:
    return _keys().encrypt(plain.encode()).decode()


def unseal(sealed: str) -> str:
    try:
        return _keys().decrypt(sealed.encode()).decode()
    except InvalidToken as exc:
        raise Unreadable("sealed with a key that is no longer configured, or altered") from exc


def reseal(sealed: str) -> str:
    """The same secret under the current key (after a SECRET_KEY rotation)."""
    try:
        return _keys().rotate(sealed.encode()).decode()
    except InvalidToken as exc:
        raise Unreadable("sealed with a key that is no longer configured, or altered") from exc
