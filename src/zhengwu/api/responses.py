"""Response declarations shared by the endpoints, so the OpenAPI document lists every status
an endpoint can answer (schemathesis checks that it does)."""

from __future__ import annotations

from typing import Any

from zhengwu.api.errors import ERROR_STATUSES
from zhengwu.api.schemas import ErrorOut


def responses(ok: Any, status: int = 200, **extra: Any) -> dict[int, Any]:
    declared: dict[int, Any] = {code: ErrorOut for code in ERROR_STATUSES}
    declared[status] = ok
    for code, schema in extra.items():
        declared[int(code.removeprefix("s"))] = schema
    return declared
