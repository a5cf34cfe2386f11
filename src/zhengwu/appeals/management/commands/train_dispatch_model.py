"""Train a dispatch model and store it as a new version (never at request time).

    manage.py train_dispatch_model                      # from this platform's closed appeals
    manage.py train_dispatch_model --csv history.csv \
        --title-column 标题 --text-column 内容 --label-column 分类   # a new city's history
    manage.py train_dispatch_model --from-catalogue     # cold start from catalogue keywords
    add --activate to use it at once (otherwise activate it on the model page)

Lives in the hub because reading appeals is the hub's business; dispatch gets plain rows.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from zhengwu.appeals.smart_dispatch import training_rows
from zhengwu.dispatch.bootstrap import catalogue_rows
from zhengwu.dispatch.models import Category, ModelVersion
from zhengwu.dispatch.versions import TrainingRow, do_train_model


def category_index() -> dict[str, int]:
    """Label text → category: the full path ("城乡建设 > 物业管理") or a unique name."""
    index: dict[str, int] = {}
    seen: dict[str, int] = {}
    for pk, name, path in Category.objects.values_list("pk", "name", "path"):
        index[path] = pk
        index[path.replace(" > ", ">")] = pk
        seen[name] = seen.get(name, 0) + 1
        index.setdefault(name, pk)
    return {k: v for k, v in index.items() if ">" in k or seen.get(k, 0) == 1}


def csv_rows(path: Path, title: str, text: str, label: str) -> tuple[list[TrainingRow], int]:
    index, rows, unknown = category_index(), [], 0
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in (title, text, label) if c not in (reader.fieldnames or [])]
        if missing:
            raise CommandError(f"{path}: missing column(s) {', '.join(missing)}")
        for row in reader:
            category = index.get((row[label] or "").strip())
            if category is None:
                unknown += 1
                continue
            rows.append(TrainingRow(row[title] or "", row[text] or "", category))
    return rows, unknown


class Command(BaseCommand):
    help = "Train a new dispatch model version from closed appeals, a CSV or the catalogue."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--csv", type=Path, help="historical work orders with labels")
        parser.add_argument("--title-column", default="留言主题")
        parser.add_argument("--text-column", default="留言详情")
        parser.add_argument("--label-column", default="一级标签")
        parser.add_argument("--from-catalogue", action="store_true")
        parser.add_argument("--activate", action="store_true")
        parser.add_argument("--note", default="")

    def handle(self, *args, **options) -> None:
        rows, source = self._rows(options)
        self.stdout.write(f"训练数据：{len(rows)} 条。")
        try:
            version = do_train_model(
                rows,
                source=source,
                acting_user=None,
                note=options["note"],
                activate=options["activate"],
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        state = "已启用" if version.is_active else "未启用（可在派单模型页面启用）"
        self.stdout.write(
            self.style.SUCCESS(
                f"模型 #{version.pk}：{version.n_messages} 条，{len(version.labels)} 个分类，"
                f"耗时 {version.training_seconds} 秒，{state}。"
            )
        )

    def _rows(self, options: dict) -> tuple[list[TrainingRow], str]:
        if options["csv"]:
            if not options["csv"].is_file():
                raise CommandError(f"文件不存在：{options['csv']}")
            rows, unknown = csv_rows(
                options["csv"],
                options["title_column"],
                options["text_column"],
                options["label_column"],
            )
            if unknown:
                self.stdout.write(f"{unknown} 行的分类在派单目录中找不到，已跳过。")
            return rows, ModelVersion.Source.CSV
        if options["from_catalogue"]:
            return catalogue_rows(), ModelVersion.Source.CATALOGUE
        return training_rows(), ModelVersion.Source.APPEALS
