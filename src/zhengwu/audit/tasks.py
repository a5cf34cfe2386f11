"""Background work of the audit trail."""

from __future__ import annotations

from django_tasks import task


@task()
def chain_audit() -> int:
    from zhengwu.audit.chain import chain_pending

    return chain_pending()
