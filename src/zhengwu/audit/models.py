"""The platform's one audit trail: append-only and hash-chained."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from zhengwu.lib.hashing import canonical_json, sha256_hex
from zhengwu.lib.inserts import PreparedInsert

GENESIS_HASH = "0" * 64


class AppendOnlyError(RuntimeError):
    pass


class AuditEvent(PreparedInsert):
    """One change: who (and in which role and body), what, to which object, from where, when.

    A change writes its row in its own transaction, unchained (`seq` empty); the chainer
    (`zhengwu.audit.chain`) then gives committed rows their place in the chain, in commit order:
    `seq`, and a `hash` covering the row's content and the previous row's hash, so editing,
    deleting or inserting a chained row breaks the chain at that point (`manage.py
    verify_audit`).
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True, null=True, blank=True)
    created_at = models.DateTimeField(_("时间"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    actor_role = models.CharField(_("角色"), max_length=16, blank=True)
    organisation = models.ForeignKey(
        "org.Organisation",
        verbose_name=_("单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象"), max_length=64, blank=True)
    summary = models.JSONField(_("摘要"), default=dict, blank=True)
    ip = models.GenericIPAddressField(_("IP地址"), null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("审计记录")
        verbose_name_plural = _("审计记录")
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # Filtered by whole names only: no LIKE index beside it (db_index=True adds one).
            models.Index(fields=["action"], name="audit_action"),
            # The rows still to chain: a handful, found without reading the whole trail.
            models.Index(
                fields=["id"], condition=models.Q(seq__isnull=True), name="audit_unchained"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.action}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None:
            raise AppendOnlyError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("audit events are append-only")

    def content(self) -> dict:
        return {
            "seq": self.seq,
            "created_at": self.created_at.isoformat(),
            "actor": self.actor_id,
            "actor_role": self.actor_role,
            "organisation": self.organisation_id,
            "action": self.action,
            "object_type": self.object_type,
            "object_id": self.object_id,
            "summary": self.summary,
            "ip": self.ip,
        }

    def compute_hash(self) -> str:
        return sha256_hex(self.prev_hash, canonical_json(self.content()))


class AuditChainHead(models.Model):
    """The chain's tip, locked by the chainer while it appends (one chainer at a time), and
    remembered so a deleted tail is detected."""

    seq = models.PositiveBigIntegerField(default=0)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("审计链头")
        verbose_name_plural = _("审计链头")

    def __str__(self) -> str:
        return f"#{self.seq} {self.hash[:12]}"
