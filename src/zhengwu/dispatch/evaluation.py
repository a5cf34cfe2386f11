"""Measuring the classifier on labelled files: duplicate-grouped cross-validation or a
train-file/test-file split, with the metrics the centre needs to decide on auto-dispatch.

Works on any CSV export whose column names are given (a city's own export need not be edited);
reads every cell as text. Prints aggregates only — never a message — so the output can go into
logs and docs.
"""

from __future__ import annotations

import csv
import itertools
import random
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from zhengwu.dispatch import classifier
from zhengwu.dispatch import text as t

LATENCY_SAMPLE = 500


@dataclass(frozen=True)
class Columns:
    title: str = "留言主题"
    text: str = "留言详情"
    label: str = "一级标签"
    fallback: str = ""  # used for training when `text` is empty (e.g. a segmented copy)


@dataclass
class Corpus:
    titles: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    scored: list[bool] = field(default_factory=list)  # False: training-only (fallback text)
    keys: list[tuple[str, ...]] = field(default_factory=list)  # for duplicate grouping

    def __len__(self) -> int:
        return len(self.labels)

    def subset(self, index: Sequence[int]) -> Corpus:
        return Corpus(
            [self.titles[i] for i in index],
            [self.texts[i] for i in index],
            [self.labels[i] for i in index],
            [self.scored[i] for i in index],
            [self.keys[i] for i in index],
        )


def read_corpus(path: Path, columns: Columns) -> Corpus:
    """Rows with a label; raises ValueError naming a missing column."""
    corpus = Corpus()
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        wanted = [columns.title, columns.text, columns.label]
        missing = [
            c for c in [*wanted, columns.fallback] if c and c not in (reader.fieldnames or [])
        ]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}")
        for row in reader:
            _add(corpus, row, columns)
    return corpus


def _add(corpus: Corpus, row: dict[str, str], columns: Columns) -> None:
    label = (row.get(columns.label) or "").strip()
    if not label:
        return
    title, text = row.get(columns.title) or "", row.get(columns.text) or ""
    fallback = row.get(columns.fallback) or "" if columns.fallback else ""
    corpus.titles.append(title)
    corpus.texts.append(text or fallback)
    corpus.labels.append(label)
    corpus.scored.append(bool(t.clean(text)) or not fallback)
    corpus.keys.append(
        tuple(
            f"{n}:{t.clean(v)}"
            for n, v in enumerate((title, text, fallback))
            if len(t.clean(v)) > 1
        )
    )


def duplicate_groups(keys: Sequence[tuple[str, ...]]) -> np.ndarray:
    """Rows that share any normalised title or text end up in one group (union-find), so
    near-identical messages never sit on both sides of a split."""
    parent = list(range(len(keys)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, row_keys in enumerate(keys):
        for key in row_keys:
            if key in first:
                parent[find(i)] = find(first[key])
            else:
                first[key] = i
    return np.array([find(i) for i in range(len(keys))])


@dataclass
class Report:
    rows: int = 0
    scored: int = 0
    folds: int = 0
    groups: int = 0
    accuracy: float = 0.0
    macro_f1: float = 0.0
    top2: float = 0.0
    top3: float = 0.0
    ece: float = 0.0
    per_class: dict[str, tuple[float, int]] = field(default_factory=dict)
    train_seconds: list[float] = field(default_factory=list)
    latency_ms: list[float] = field(default_factory=list)


def _train(corpus: Corpus, config: classifier.Config) -> tuple[classifier.Model, float]:
    started = time.perf_counter()
    model = classifier.train(corpus.titles, corpus.texts, corpus.labels, config)
    return model, time.perf_counter() - started


def _score(report: Report, labels: Sequence[str], truth: Sequence[str], probs: np.ndarray) -> None:
    from sklearn.metrics import accuracy_score, f1_score, precision_recall_fscore_support

    order = np.argsort(-probs, axis=1)
    names = np.array(labels)
    predicted = names[order[:, 0]]
    truth_arr = np.array(truth)
    report.accuracy = float(accuracy_score(truth_arr, predicted))
    report.macro_f1 = float(f1_score(truth_arr, predicted, average="macro"))
    for k in (2, 3):
        hits = np.any(names[order[:, :k]] == truth_arr[:, None], axis=1)
        setattr(report, f"top{k}", float(hits.mean()))
    classes = sorted(set(truth_arr))
    _p, _r, f1, support = precision_recall_fscore_support(
        truth_arr, predicted, labels=classes, zero_division=0
    )
    report.per_class = {c: (float(f), int(s)) for c, f, s in zip(classes, f1, support, strict=True)}
    report.ece = expected_calibration_error(probs.max(axis=1), predicted == truth_arr)
    report.scored = len(truth_arr)


def expected_calibration_error(
    confidence: np.ndarray, correct: np.ndarray, bins: int = 10
) -> float:
    """Mean |accuracy − confidence| over ten confidence bins, weighted by bin size."""
    edges = np.linspace(0, 1, bins + 1)
    total = 0.0
    for low, high in itertools.pairwise(edges):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(correct[inside].mean() - confidence[inside].mean())
    return float(total)


def cross_validate(
    corpus: Corpus, config: classifier.Config, folds: int = 5, seed: int = 0
) -> Report:
    """Stratified k-fold over duplicate groups; training-only rows train every fold whose test
    part holds none of their group. `seed` shuffles the split (only the split: the model is
    trained with `config.seed` whatever it is), so the spread of the scores across splits can
    be measured."""
    from sklearn.model_selection import StratifiedGroupKFold

    groups = duplicate_groups(corpus.keys)
    scored = np.array([i for i in range(len(corpus)) if corpus.scored[i]])
    extra = np.array([i for i in range(len(corpus)) if not corpus.scored[i]], dtype=int)
    labels = np.array(corpus.labels)
    splitter = StratifiedGroupKFold(n_splits=folds, shuffle=True, random_state=seed)
    report = Report(rows=len(corpus), folds=folds, groups=len(set(groups)))
    truth: list[str] = []
    rows: list[np.ndarray] = []
    model = None
    for train_at, test_at in splitter.split(scored, labels[scored], groups[scored]):
        test = scored[test_at]
        held = set(groups[test])
        train = np.concatenate([scored[train_at], [i for i in extra if groups[i] not in held]])
        model, seconds = _train(corpus.subset(train.astype(int)), config)
        report.train_seconds.append(seconds)
        part = corpus.subset(test)
        rows.append(
            _aligned(model, model.predict_many(part.titles, part.texts), sorted(set(labels)))
        )
        truth += part.labels
    names = sorted(set(labels))
    _score(report, names, truth, np.vstack(rows))
    if model is not None:
        report.latency_ms = latency(model, corpus.subset(scored))
    return report


def _aligned(model: classifier.Model, probs: np.ndarray, names: list[str]) -> np.ndarray:
    """Columns in `names` order (a fold's model may lack a rare class)."""
    out = np.zeros((probs.shape[0], len(names)))
    for j, label in enumerate(model.labels):
        out[:, names.index(label)] = probs[:, j]
    return out


def holdout(train: Corpus, test: Corpus, config: classifier.Config) -> Report:
    """Train on one file, score on another (only the test file's scored rows count)."""
    model, seconds = _train(train, config)
    part = test.subset([i for i in range(len(test)) if test.scored[i]])
    names = sorted(set(model.labels) | set(part.labels))
    report = Report(rows=len(train), folds=0, train_seconds=[seconds])
    _score(
        report,
        names,
        part.labels,
        _aligned(model, model.predict_many(part.titles, part.texts), names),
    )
    report.latency_ms = latency(model, part)
    return report


def latency(model: classifier.Model, corpus: Corpus, sample: int = LATENCY_SAMPLE) -> list[float]:
    """Milliseconds per message through the production path (clean, cut, hash, score), one
    message at a time."""
    picks = random.Random(0).sample(range(len(corpus)), min(sample, len(corpus)))
    times = []
    for i in picks:
        started = time.perf_counter()
        model.predict(corpus.titles[i], corpus.texts[i])
        times.append((time.perf_counter() - started) * 1000)
    return times


def training_time(corpus: Corpus, config: classifier.Config, rows: int) -> float:
    """Seconds to train on `rows` messages drawn (with repetition if needed) from the corpus."""
    rng = random.Random(1)
    picks = [rng.randrange(len(corpus)) for _ in range(rows)]
    return _train(corpus.subset(picks), config)[1]


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    return float(np.percentile(np.array(values), q))


def format_report(report: Report, title: str) -> str:
    lines = [
        title,
        f"  rows {report.rows}, scored {report.scored}"
        + (f", {report.folds} folds over {report.groups} duplicate groups" if report.folds else ""),
        f"  macro-F1 {report.macro_f1:.4f}   accuracy {report.accuracy:.4f}   "
        f"top-2 {report.top2:.4f}   top-3 {report.top3:.4f}   ECE {report.ece:.4f}",
        "  per-class F1:",
    ]
    for label, (f1, support) in sorted(report.per_class.items(), key=lambda kv: -kv[1][1]):
        lines.append(f"    {label:<12} {f1:.4f}  (n={support})")
    if report.train_seconds:
        trained_on = (
            report.rows * (report.folds - 1) // report.folds if report.folds else report.rows
        )
        lines.append(
            f"  training: {statistics.mean(report.train_seconds):.1f} s per model "
            f"(on ~{trained_on} rows)"
        )
    lines.append(
        f"  latency per message: p50 {percentile(report.latency_ms, 50):.2f} ms, "
        f"p99 {percentile(report.latency_ms, 99):.2f} ms (n={len(report.latency_ms)})"
    )
    return "\n".join(lines)
