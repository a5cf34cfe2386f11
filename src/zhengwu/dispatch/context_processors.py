from __future__ import annotations

from django.http import HttpRequest

from zhengwu.dispatch import access


def capabilities(request: HttpRequest) -> dict[str, dict[str, bool]]:
    """Booleans for the navigation to the smart-dispatch pages."""
    return {"dispatch_can": access.capabilities(request.user)}
