"""Where is the matter? Division names found in the place field and the text.

The gazetteer is built from the organisation directory's division tree plus the centre's place
aliases (roads, estates, landmarks). Citizens write short forms — 金水 for 金水区, 花园路 for
花园路街道, 农科路 for 农科路社区 — so each division is known by its full name, its recorded
short name, and its name without the administrative suffix when that is still three characters
or more (two-character remainders such as 南关 are too often ordinary words).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from zhengwu.dispatch import text as t
from zhengwu.dispatch.models import PlaceAlias
from zhengwu.org.models import Division

SUFFIXES = ("街道办事处", "办事处", "街道", "社区", "居委会", "村委会", "新区", "区", "县", "市")
SUFFIXES += ("镇", "乡", "村")
# The place field is what the citizen says about location; the title usually names the place
# in a few words; the text mentions many places in passing.
WEIGHTS = {"division": 6.0, "place": 3.0, "title": 2.0, "text": 1.0}
FULL_NAME_BONUS = 1.0
TEXT_SCAN_LIMIT = 1000
MIN_SHORT = 3


@dataclass(frozen=True)
class Entry:
    code: str
    name: str
    level: int


@dataclass
class Gazetteer:
    names: dict[str, list[Entry]] = field(default_factory=dict)
    full_names: set[str] = field(default_factory=set)
    by_code: dict[str, Entry] = field(default_factory=dict)
    longest: int = 0

    def add(self, name: str, entry: Entry, *, full: bool = False) -> None:
        if len(name) < 2:
            return
        bucket = self.names.setdefault(name, [])
        if entry not in bucket:
            bucket.append(entry)
        if full:
            self.full_names.add(name)
        self.longest = max(self.longest, len(name))

    def scan(self, text: str) -> list[str]:
        """Names found in `text`, longest first at each position, without overlaps."""
        found, i = [], 0
        while i < len(text):
            for size in range(min(self.longest, len(text) - i), 1, -1):
                if text[i : i + size] in self.names:
                    found.append(text[i : i + size])
                    i += size
                    break
            else:
                i += 1
        return found


def short_forms(division_name: str) -> list[str]:
    for suffix in SUFFIXES:
        if division_name.endswith(suffix) and len(division_name) - len(suffix) >= MIN_SHORT:
            return [division_name[: -len(suffix)]]
    return []


def build(
    divisions: list[tuple[str, str, str, int]] | None = None,
    aliases: list[tuple[str, str]] | None = None,
) -> Gazetteer:
    """From (code, name, short_name, level) rows and (alias, code) rows; from the database when
    not given."""
    if divisions is None:
        divisions = list(Division.objects.values_list("code", "name", "short_name", "level"))
    if aliases is None:
        aliases = list(PlaceAlias.objects.values_list("alias", "division__code"))
    gazetteer = Gazetteer()
    for code, name, short_name, level in divisions:
        entry = Entry(code, name, level)
        gazetteer.by_code[code] = entry
        gazetteer.add(name, entry, full=True)
        for short in {short_name, *short_forms(name)} - {""}:
            gazetteer.add(short, entry)
    for alias, code in aliases:
        if code in gazetteer.by_code:
            gazetteer.add(t.clean(alias, 30), gazetteer.by_code[code])
    return gazetteer


@dataclass(frozen=True)
class Place:
    code: str
    name: str
    path: list[str]  # names from the county down
    reason: str
    score: float


def _prefix(code: str, level: int) -> str:
    return code[: Division.PREFIX_LENGTH[level]]


def _contains(outer: Entry, inner: Entry) -> bool:
    """`outer` is `inner` or one of its ancestors."""
    return outer.level <= inner.level and inner.code.startswith(_prefix(outer.code, outer.level))


def _evidence(
    gazetteer: Gazetteer, place: str, title: str, body: str, division_code: str
) -> list[tuple[str, str, Entry, float]]:
    """(source, name, entry, weight) for every mention; an ambiguous name shares its weight."""
    found = []
    if division_code in gazetteer.by_code:
        entry = gazetteer.by_code[division_code]
        found.append(("division", entry.name, entry, WEIGHTS["division"]))
    for source, raw, limit in (("place", place, 200), ("title", title, 200), ("text", body, 0)):
        cleaned = t.clean(raw, limit or TEXT_SCAN_LIMIT)
        for name in gazetteer.scan(cleaned):
            if source == "text" and len(name) < MIN_SHORT:
                continue  # 上街, 中原: in running text two characters are too often other words
            entries = gazetteer.names[name]
            bonus = FULL_NAME_BONUS if name in gazetteer.full_names else 0.0
            weight = (WEIGHTS[source] + bonus) / len(entries)
            found += [(source, name, entry, weight) for entry in entries]
    return found


def locate(
    gazetteer: Gazetteer,
    *,
    place: str = "",
    title: str = "",
    text: str = "",
    division_code: str = "",
) -> Place | None:
    """The deepest division that the mentions agree on, or None if nothing is mentioned.

    Each candidate scores the weight of every mention of itself or of a division above it;
    the best score wins, and among equals the deeper division."""
    mentions = _evidence(gazetteer, place, title, text, division_code)
    if not mentions:
        return None
    scores: dict[Entry, float] = defaultdict(float)
    for _source, _name, candidate, _weight in mentions:
        if candidate in scores:
            continue
        scores[candidate] = sum(w for _s, _n, e, w in mentions if _contains(e, candidate))
    best = max(scores, key=lambda e: (scores[e], e.level, e.code))
    return Place(
        best.code, best.name, _path(gazetteer, best), _reason(mentions, best), scores[best]
    )


def _path(gazetteer: Gazetteer, entry: Entry) -> list[str]:
    path = []
    for level in range(2, entry.level + 1):
        code = _prefix(entry.code, level).ljust(12, "0")
        if code in gazetteer.by_code:
            path.append(gazetteer.by_code[code].name)
    return path


SOURCE_LABELS = {"division": "所选区域", "place": "地址", "title": "标题", "text": "正文"}


def _reason(mentions: list, best: Entry) -> str:
    used = dict.fromkeys(
        (SOURCE_LABELS[source], name)
        for source, name, entry, _w in mentions
        if _contains(entry, best)
    )
    return "；".join(f"{source}“{name}”" for source, name in used)
