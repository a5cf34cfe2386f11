from __future__ import annotations

from django.http import HttpRequest

from zhengwu.org import access


def capabilities(request: HttpRequest) -> dict[str, dict[str, bool]]:
    return {"can": access.capabilities(request.user)}
