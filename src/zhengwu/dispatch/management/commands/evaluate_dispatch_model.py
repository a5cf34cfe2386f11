"""Benchmark the dispatch classifier on a labelled CSV (e.g. the shared 泰迪杯 data).

    manage.py evaluate_dispatch_model ../shared/data/taidi2020/messages_labeled.csv \
        --fallback-text-column seg_text [--seed 1]
    manage.py evaluate_dispatch_model train.csv --test test.csv
    manage.py evaluate_dispatch_model export.csv --title-column 标题 --text-column 内容 \
        --label-column 分类

Prints aggregate metrics only. Nothing is stored: the model trained here is thrown away.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.dispatch import classifier, evaluation


class Command(BaseCommand):
    help = "Evaluate the dispatch classifier: duplicate-grouped cross-validation or --test FILE."

    def add_arguments(self, parser) -> None:
        parser.add_argument("data", type=Path, help="labelled CSV to train (and cross-validate) on")
        parser.add_argument("--test", type=Path, help="score on this labelled CSV instead of CV")
        parser.add_argument("--title-column", default="留言主题")
        parser.add_argument("--text-column", default="留言详情")
        parser.add_argument("--label-column", default="一级标签")
        parser.add_argument(
            "--fallback-text-column",
            default="",
            help="train on this column where the text is empty (those rows are not scored)",
        )
        parser.add_argument("--folds", type=int, default=5)
        parser.add_argument(
            "--seed",
            type=int,
            default=0,
            help="shuffles the cross-validation split (try a few: the scores vary between splits)",
        )
        parser.add_argument("--c", type=float, default=classifier.Config.c)
        parser.add_argument(
            "--timing-rows", type=int, default=0, help="also time training on this many rows"
        )

    def handle(self, *args, **options) -> None:
        columns = evaluation.Columns(
            options["title_column"],
            options["text_column"],
            options["label_column"],
            options["fallback_text_column"],
        )
        config = classifier.Config(c=options["c"])
        train = self._read(options["data"], columns)
        started = time.perf_counter()
        if options["test"]:
            report = evaluation.holdout(train, self._read(options["test"], columns), config)
            title = f"train {options['data'].name} → test {options['test'].name}"
        else:
            report = evaluation.cross_validate(
                train, config, options["folds"], seed=options["seed"]
            )
            title = (
                f"{options['data'].name}: duplicate-grouped {options['folds']}-fold CV, "
                f"fold seed {options['seed']}"
            )
        self.stdout.write(evaluation.format_report(report, title))
        self.stdout.write(f"  wall time {time.perf_counter() - started:.0f} s, {self._machine()}")
        if options["timing_rows"]:
            seconds = evaluation.training_time(train, config, options["timing_rows"])
            self.stdout.write(f"  training on {options['timing_rows']} rows: {seconds:.1f} s")

    def _read(self, path: Path, columns: evaluation.Columns) -> evaluation.Corpus:
        if not path.is_file():
            raise CommandError(f"数据文件不存在：{path}（评估数据不随代码提供，请给出路径）")
        try:
            corpus = evaluation.read_corpus(path, columns)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if len(set(corpus.labels)) < 2:
            raise CommandError(f"{path}: fewer than two labels")
        return corpus

    @staticmethod
    def _machine() -> str:
        load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
        return f"{os.cpu_count()} cores, load average {load:.1f}"
