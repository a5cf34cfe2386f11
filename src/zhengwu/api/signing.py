"""Webhook signatures: HMAC-SHA256 over "<timestamp>.<body>", as partners verify them.

Signing the timestamp with the body lets a receiver refuse replays of an old, captured request.
"""

from __future__ import annotations

import hashlib
import hmac
import time

SIGNATURE_HEADER = "X-Zhengwu-Signature"
TIMESTAMP_HEADER = "X-Zhengwu-Timestamp"
EVENT_HEADER = "X-Zhengwu-Event"
DELIVERY_HEADER = "X-Zhengwu-Delivery"
# How old a signed request a receiver should still accept.
TOLERANCE_SECONDS = 300


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, now: float | None = None
) -> bool:
    """What a receiver does (docs/integration.md shows the same in a few lines)."""
    if not timestamp.isdigit():
        return False
    if abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)
