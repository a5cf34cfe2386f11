"""Near-duplicate messages (并单 candidates): the same matter, the same place, close in time.

Text similarity is the cosine of character-shingle sets (title bigrams plus text trigrams):
robust to reordering and small edits, cheap enough to compare a new message with every open
one of its district in the time window at intake.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass

from zhengwu.dispatch import text as t

BODY_CHARS = 600
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Doc:
    key: int
    title: str
    text: str
    division_code: str = ""
    at: dt.datetime | None = None


def signature(title: str, text: str) -> frozenset[str]:
    title_part = {f"T{s}" for s in t.shingles(t.clean(title, 200), 2)}
    return frozenset(title_part | t.shingles(t.clean(text, BODY_CHARS), 3))


def cosine(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))


def same_place(a: str, b: str) -> bool:
    """Unknown places never rule a pair out; known ones must share the county (6 digits)."""
    return not a or not b or a[:6] == b[:6]


def near_in_time(a: dt.datetime | None, b: dt.datetime | None, days: int) -> bool:
    return a is None or b is None or abs(a - b) <= dt.timedelta(days=days)


def duplicates(
    target: Doc, candidates: Iterable[Doc], *, threshold: float = 0.5, days: int = 7
) -> list[tuple[Doc, float]]:
    """The most similar candidates (best first) that pass place, time and text thresholds."""
    mine = signature(target.title, target.text)
    found = []
    for doc in candidates:
        if doc.key == target.key or not same_place(target.division_code, doc.division_code):
            continue
        if not near_in_time(target.at, doc.at, days):
            continue
        score = cosine(mine, signature(doc.title, doc.text))
        if score >= threshold:
            found.append((doc, round(score, 3)))
    found.sort(key=lambda pair: -pair[1])
    return found[:MAX_CANDIDATES]
