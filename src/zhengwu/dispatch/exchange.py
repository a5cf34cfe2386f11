"""Catalogue import and export as CSV or Excel, one row per category.

Columns: 一级分类, 二级分类, 三级分类, 主办单位, 协办单位 (separated by 、), 关键词, 启用.
A blank lead means "as the parent category" (that is how export writes inherited leads, so an
exported file imports back unchanged). Import is all or nothing: every row goes through
do_save_category inside one transaction, and the first bad row stops it with its row number.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from zhengwu.audit.models import AuditEvent
from zhengwu.dispatch.actions import CATEGORY_SAVED, do_save_category
from zhengwu.dispatch.models import Category
from zhengwu.org.models import Organisation

HEADER = ["一级分类", "二级分类", "三级分类", "主办单位", "协办单位", "关键词", "启用"]
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
YES = {"是", "1", "true", "yes", "启用", "y", ""}
NO = {"否", "0", "false", "no", "停用", "n"}


def export_rows() -> list[list[str]]:
    categories = Category.objects.select_related("lead_department").prefetch_related("co_handlers")
    rows = []
    for category in categories.order_by("path"):
        path = [part.strip() for part in category.path.split(">")]
        rows.append(
            [
                *[*path, "", "", ""][:3],
                category.lead_department.name if category.lead_department_id else "",
                "、".join(sorted(o.name for o in category.co_handlers.all())),
                category.keywords,
                "是" if category.is_active else "否",
            ]
        )
    return rows


def to_csv(rows: Iterable[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")  # the BOM lets Excel open it as UTF-8


def to_xlsx(rows: Iterable[list[str]]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "派单目录"
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def read_table(name: str, content: bytes) -> list[list[str]]:
    """Rows of an uploaded .csv or .xlsx as text cells (header included)."""
    if len(content) > MAX_BYTES:
        raise ValidationError(_("文件过大（最多2MB）。"))
    if name.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    if name.lower().endswith(".csv"):
        try:
            return list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        except (UnicodeDecodeError, csv.Error) as exc:
            raise ValidationError(_("无法读取CSV文件，请使用UTF-8编码。")) from exc
    raise ValidationError(_("请上传 .csv 或 .xlsx 文件。"))


def _read_xlsx(content: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged file
        raise ValidationError(_("无法读取Excel文件。")) from exc
    rows = []
    for row in book.worksheets[0].iter_rows(values_only=True):
        rows.append(["" if cell is None else str(cell).strip() for cell in row])
        if len(rows) > MAX_ROWS + 1:
            break
    return rows


@dataclass(frozen=True)
class ImportResult:
    rows: int
    changed: int


def _organisation(name: str, row_number: int) -> Organisation | None:
    if not name.strip():
        return None
    found = Organisation.objects.filter(name=name.strip()).first()
    if found is None:
        raise ValidationError(
            _("第%(n)d行：找不到单位“%(o)s”。") % {"n": row_number, "o": name.strip()}
        )
    return found


def _row(cells: list[str], number: int) -> tuple[tuple[str, ...], dict[str, Any], list]:
    cells = [(c or "").strip() for c in cells] + [""] * len(HEADER)
    path = tuple(name for name in cells[:3] if name)
    active = cells[6].lower()
    if active not in YES | NO:
        raise ValidationError(_("第%(n)d行：“启用”应为是或否。") % {"n": number})
    co_names = [n for n in cells[4].replace(",", "、").replace("，", "、").split("、") if n.strip()]
    values = {
        "lead_department": _organisation(cells[3], number),
        "keywords": cells[5],
        "is_active": active not in NO,
    }
    return path, values, [_organisation(n, number) for n in co_names]


@transaction.atomic
def do_import_catalogue(table: list[list[str]], *, acting_user: Any) -> ImportResult:
    """Create or update every row's category (parents before children)."""
    if not table or [c.strip() for c in table[0][:3]] != HEADER[:3]:
        raise ValidationError(_("第一行应为表头：%(h)s。") % {"h": "，".join(HEADER)})
    body = [(number, row) for number, row in enumerate(table[1:], start=2) if any(row)]
    if len(body) > MAX_ROWS:
        raise ValidationError(_("一次最多导入%(n)d行。") % {"n": MAX_ROWS})
    parsed = [(number, *_row(row, number)) for number, row in body]
    before = AuditEvent.objects.filter(action=CATEGORY_SAVED).count()
    for number, path, values, co in sorted(parsed, key=lambda item: len(item[1])):
        try:
            do_save_category(path, values, co_handlers=co, acting_user=acting_user)
        except ValidationError as exc:
            message = " ".join(exc.messages)
            raise ValidationError(_("第%(n)d行：%(m)s") % {"n": number, "m": message}) from exc
    changed = AuditEvent.objects.filter(action=CATEGORY_SAVED).count() - before
    return ImportResult(len(parsed), changed)
