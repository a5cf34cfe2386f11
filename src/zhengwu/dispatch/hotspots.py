"""Hot spots (热点): clusters of messages about the same matter over a period, ranked by heat.

Clustering. Each message becomes a TF-IDF vector of its words (title words count twice; only the
first part of the text is read). Words found in more than 2 % of the messages are dropped: what
makes two complaints "the same matter" is the rarer words they share — an estate, a school, a
road, a company — not 小区 or 反映. Messages are compared only with those within `window_days`
of them (sorted by time, compared block by block), pairs whose cosine reaches `threshold` are
linked, then groups whose centroids are close join (a second pass over a wider window), and
groups of at least `min_size` messages are hot spots.

Heat score (documented in docs/dispatch.md, shown on the page):

    heat = (2·ln(1+n) + 2·ln(1+c) + ln(1+s)) × (1 + 0.5·g) × (0.5 + 0.5·r)

n = messages, c = distinct citizens, s = support (likes, merged appeals), g = growth: messages
in the last 7 days of the period against the 7 days before, (a − b) / max(b, 1) clipped to
[0, 2]; r = recency: 0.5 ** (days from the cluster's last message to the period end / 14).
Size and breadth of support dominate; growth can add half again; a cluster gone quiet for a
month keeps a little over half its score.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy import sparse

from zhengwu.dispatch import text as t

TEXT_CHARS = 200
BLOCK = 1000
MERGE_THRESHOLD = 0.4
GROWTH_DAYS = 7
RECENCY_HALF_LIFE_DAYS = 14


@dataclass(frozen=True)
class Item:
    key: Hashable
    title: str
    text: str
    at: dt.datetime | None = None
    place: str = ""
    citizen: str = ""
    support: int = 0


@dataclass
class HotSpot:
    title: str
    place: str
    first: dt.datetime | None
    last: dt.datetime | None
    members: list[Hashable]
    citizens: int
    support: int
    growth: float
    recency: float
    heat: float
    keywords: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.members)


def heat_score(n: int, citizens: int, support: int, growth: float, recency: float) -> float:
    base = 2 * math.log1p(n) + 2 * math.log1p(citizens) + math.log1p(max(0, support))
    return round(base * (1 + 0.5 * growth) * (0.5 + 0.5 * recency), 2)


def _tokens(item: Item) -> list[str]:
    title = [w for w in t.words(t.clean(item.title, 100)) if len(w) > 1]
    body = [w for w in t.words(t.clean(item.text, TEXT_CHARS)) if len(w) > 1]
    return title * 2 + body


def _vectors(items: Sequence[Item]) -> tuple[sparse.csr_matrix, list[str]]:
    from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

    # A word in more than 2 % of messages (at least 50) describes a kind of matter, not one;
    # a lower cap would drop the name of the very estate a big hot spot is about.
    max_df = max(50, int(0.02 * len(items)))
    counter = CountVectorizer(analyzer=lambda tokens: tokens, min_df=2, max_df=max_df)
    try:
        counts = counter.fit_transform([_tokens(item) for item in items])
    except ValueError:  # no word occurs twice: nothing can cluster
        return sparse.csr_matrix((len(items), 0)), []
    matrix = TfidfTransformer(sublinear_tf=True).fit_transform(counts).tocsr()
    return matrix, list(counter.get_feature_names_out())


def _edges(matrix: sparse.csr_matrix, times: np.ndarray, window: float, threshold: float):
    """Yield (i, j, cosine) for i < j within the window, block by block (rows sorted by time)."""
    n = matrix.shape[0]
    for start in range(0, n, BLOCK):
        stop = min(n, start + BLOCK)
        reach = int(np.searchsorted(times, times[stop - 1] + window, side="right"))
        product = (matrix[start:stop] @ matrix[start:reach].T).tocoo()
        rows, cols = product.row + start, product.col + start
        keep = (cols > rows) & (product.data >= threshold)
        keep &= np.abs(times[cols] - times[rows]) <= window
        yield from zip(rows[keep], cols[keep], product.data[keep], strict=True)


def _components(n: int, edges: list[tuple[int, int, float]]) -> list[list[int]]:
    """Connected groups (singletons included)."""
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, j, _s in edges:
        parent[find(i)] = find(j)
    groups: dict[int, list[int]] = {}
    for i in range(n):
        groups.setdefault(find(i), []).append(i)
    return list(groups.values())


def _merge_groups(
    matrix: sparse.csr_matrix, stamps: np.ndarray, groups: list[list[int]], window: float
) -> list[list[int]]:
    """Second pass: one complaint is worded many ways, so pairs miss each other; the groups'
    centroids (and lone messages) that are close enough join, over a wider window."""
    if not groups:
        return groups
    # Group × message membership, so the centroids stay sparse (one product, no dense rows).
    members = np.concatenate([np.asarray(g) for g in groups])
    owners = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    assignment = sparse.csr_matrix(
        (np.ones(len(members), dtype=np.float32), (owners, members)),
        shape=(len(groups), matrix.shape[0]),
    )
    centroids = (assignment @ matrix).tocsr()
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    centroids = sparse.diags(1 / norms) @ centroids
    middle = np.array([float(np.median(stamps[g])) for g in groups])
    order = np.argsort(middle, kind="stable")
    links = _edges(centroids[order].tocsr(), middle[order], window, MERGE_THRESHOLD)
    merged = _components(len(groups), list(links))
    return [[i for k in part for i in groups[order[k]]] for part in merged]


def find_hotspots(
    items: Sequence[Item],
    *,
    end: dt.datetime | None = None,
    window_days: int = 60,
    threshold: float = 0.3,
    min_size: int = 2,
    limit: int = 50,
) -> list[HotSpot]:
    """Hot spots among `items`, hottest first. `end` is the end of the period (default: the
    latest message); messages without a time count as sent at `end`."""
    if not items:
        return []
    known = [i.at for i in items if i.at is not None]
    end = end or (max(known) if known else dt.datetime.now(dt.UTC))
    stamps = np.array([(i.at or end).timestamp() for i in items])
    order = np.argsort(stamps, kind="stable")
    ordered = [items[i] for i in order]
    matrix, vocabulary = _vectors(ordered)
    times, window = stamps[order], window_days * 86400.0
    edges = list(_edges(matrix, times, window, threshold))
    groups = _merge_groups(matrix, times, _components(len(ordered), edges), 3 * window)
    groups = [g for g in groups if len(g) >= min_size]
    strength = Counter()
    for i, j, s in edges:
        strength[i] += s
        strength[j] += s
    spots = [_describe(ordered, g, strength, matrix, vocabulary, end) for g in groups]
    spots.sort(key=lambda spot: (-spot.heat, -spot.size))
    return spots[:limit]


def _describe(
    items: Sequence[Item],
    members: list[int],
    strength: Counter,
    matrix: sparse.csr_matrix,
    vocabulary: list[str],
    end: dt.datetime,
) -> HotSpot:
    members.sort()
    chosen = [items[i] for i in members]
    centre = max(members, key=lambda i: (strength[i], -i))
    times = [i.at or end for i in chosen]
    places = Counter(i.place for i in chosen if i.place)
    citizens = len({i.citizen for i in chosen if i.citizen}) + sum(
        1 for i in chosen if not i.citizen
    )
    support = sum(max(0, i.support) for i in chosen)
    growth, recency = _growth(times, end), 0.5 ** ((end - max(times)).days / RECENCY_HALF_LIFE_DAYS)
    return HotSpot(
        title=items[centre].title,
        place=places.most_common(1)[0][0] if places else "",
        first=min(times),
        last=max(times),
        members=[i.key for i in chosen],
        citizens=citizens,
        support=support,
        growth=round(growth, 2),
        recency=round(recency, 3),
        heat=heat_score(len(chosen), citizens, support, growth, recency),
        keywords=_keywords(matrix, members, vocabulary),
    )


def _growth(times: list[dt.datetime], end: dt.datetime) -> float:
    week = dt.timedelta(days=GROWTH_DAYS)
    recent = sum(1 for x in times if end - week < x <= end)
    before = sum(1 for x in times if end - 2 * week < x <= end - week)
    return min(2.0, max(0.0, (recent - before) / max(before, 1)))


def _keywords(matrix: sparse.csr_matrix, members: list[int], vocabulary: list[str]) -> list[str]:
    if not vocabulary:
        return []
    weights = np.asarray(matrix[members].sum(axis=0)).ravel()
    return [vocabulary[i] for i in np.argsort(-weights)[:3] if weights[i] > 0]
