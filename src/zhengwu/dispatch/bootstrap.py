"""Cold start: training rows written from the catalogue itself, for a city with no history.

Each category with keywords yields a few short messages built from its own name and keywords
(templated sentences, no real text), so a first model can rank categories by their vocabulary
until closed appeals or an imported history replace it.
"""

from __future__ import annotations

import itertools
import random

from zhengwu.dispatch.models import Category
from zhengwu.dispatch.versions import TrainingRow

TEMPLATES = (
    ("{a}问题", "反映{name}方面的问题：{a}，{b}，希望有关部门尽快处理。"),
    ("关于{b}的{kind}", "我想{kind}一下{a}的事情，{b}情况一直没有解决，请{name}相关部门协调。"),
    ("{a}{b}", "{a}，{b}，{c}，影响群众生活，请予解决。"),
)
KINDS = ("投诉", "咨询", "建议")


def catalogue_rows(per_category: int = 6, seed: int = 0) -> list[TrainingRow]:
    rng = random.Random(seed)
    rows = []
    for category in Category.objects.filter(is_active=True).exclude(keywords=""):
        words = category.keywords.split()
        triples = list(itertools.permutations([*words, category.name], 3))
        rng.shuffle(triples)
        for i, (a, b, c) in enumerate(triples[:per_category]):
            title, text = TEMPLATES[i % len(TEMPLATES)]
            fill = {"a": a, "b": b, "c": c, "name": category.name, "kind": KINDS[i % 3]}
            rows.append(TrainingRow(title.format(**fill), text.format(**fill), category.pk))
    return rows
