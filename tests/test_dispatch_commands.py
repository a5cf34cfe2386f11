"""The training, evaluation and hot-spot commands on small CSV files written here."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.dispatch_helpers import LIGHT_TEXTS, NOISE_TEXTS, small_catalogue
from tests.factories import City
from zhengwu.dispatch import evaluation
from zhengwu.dispatch.models import ModelVersion

HEADER = ["标题", "内容", "分类", "时间", "用户", "点赞"]


def write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def labelled(label_lights: str = "路灯不亮", label_noise: str = "施工噪声") -> list[list[str]]:
    rows = [
        [t, x, label_lights, "2026/5/1 10:00:00", f"u{i}", "0"]
        for i, (t, x) in enumerate(LIGHT_TEXTS)
    ]
    rows += [
        [t, x, label_noise, "2026/5/2 10:00:00", f"v{i}", "1"]
        for i, (t, x) in enumerate(NOISE_TEXTS)
    ]
    return rows


COLUMNS = ["--title-column", "标题", "--text-column", "内容", "--label-column", "分类"]


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_evaluation_with_a_test_file_and_other_column_names(tmp_path: Path) -> None:
    train = write_csv(tmp_path / "train.csv", labelled("灯", "噪"))
    test = write_csv(tmp_path / "test.csv", labelled("灯", "噪")[::3])
    output = run("evaluate_dispatch_model", str(train), "--test", str(test), *COLUMNS)
    assert "macro-F1 1.0000" in output and "top-3 1.0000" in output and "p99" in output
    assert "路灯" not in output  # aggregates only, never a message


def test_cross_validation_keeps_duplicates_in_one_fold(tmp_path: Path) -> None:
    rows = labelled("灯", "噪")
    rows.append(list(rows[0]))  # an exact duplicate
    path = write_csv(tmp_path / "cv.csv", rows)
    corpus = evaluation.read_corpus(path, evaluation.Columns("标题", "内容", "分类"))
    groups = evaluation.duplicate_groups(corpus.keys)
    assert groups[0] == groups[-1] and len(set(groups)) == len(rows) - 1
    output = run("evaluate_dispatch_model", str(path), "--folds", "3", *COLUMNS)
    assert "3-fold CV, fold seed 0" in output
    assert "3 folds over 12 duplicate groups" in output and "per-class F1" in output
    output = run("evaluate_dispatch_model", str(path), "--folds", "3", "--seed", "7", *COLUMNS)
    assert "3-fold CV, fold seed 7" in output and "3 folds over 12 duplicate groups" in output


def test_evaluation_says_when_the_data_is_missing(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="数据文件不存在"):
        run("evaluate_dispatch_model", str(tmp_path / "absent.csv"))
    bad = write_csv(tmp_path / "bad.csv", labelled())
    with pytest.raises(CommandError, match="missing column"):
        run("evaluate_dispatch_model", str(bad))


@pytest.mark.django_db
def test_training_from_a_csv_maps_labels_to_the_catalogue(tmp_path: Path, city: City) -> None:
    small_catalogue(city)
    rows = [*labelled(), ["别的", "不在目录里的分类", "不存在", "", "", ""]]
    path = write_csv(tmp_path / "history.csv", rows)
    output = run("train_dispatch_model", "--csv", str(path), "--activate", *COLUMNS)
    assert "1 行的分类在派单目录中找不到" in output and "已启用" in output
    version = ModelVersion.objects.defer("artefact").get()
    assert version.is_active and version.n_messages == 12 and len(version.labels) == 2


@pytest.mark.django_db
def test_training_from_closed_appeals_needs_enough_of_them(city: City) -> None:
    with pytest.raises(CommandError, match="训练数据不足"):
        run("train_dispatch_model")


def test_the_hot_spot_benchmark(tmp_path: Path) -> None:
    text = "锦绣花园小区旁边的搅拌站日夜作业，粉尘和噪音严重扰民。"
    rows = [
        [f"锦绣花园搅拌站扰民{i}", text, "", f"2026/5/{i + 1} 10:00:00", f"u{i}", "3"]
        for i in range(4)
    ]
    rows += [["咨询社保卡", "社保卡丢了去哪里补办", "", "2026/5/3 09:00:00", "x", "0"]]
    path = write_csv(tmp_path / "hot.csv", rows)
    options = ["--title-column", "标题", "--text-column", "内容", "--time-column", "时间"]
    options += ["--user-column", "用户", "--likes-column", "点赞"]
    output = run("benchmark_hotspots", str(path), *options)
    assert "5 messages → 1 hot spots" in output and "support    12" in output
    quiet = run("benchmark_hotspots", str(path), "--repeat-to", "20", "--aggregate-only", *options)
    assert "20 messages → 4 hot spots" in quiet and "锦绣" not in quiet
