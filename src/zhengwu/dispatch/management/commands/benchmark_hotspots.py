"""Hot-spot run over a CSV of messages (e.g. the shared 泰迪杯 messages_hotspot.csv).

    manage.py benchmark_hotspots ../shared/data/taidi2020/messages_hotspot.csv
    manage.py benchmark_hotspots messages.csv --repeat-to 100000 --aggregate-only
    manage.py benchmark_hotspots export.csv --title-column 标题 --text-column 内容 \
        --time-column 时间 --user-column 来电人 --likes-column 点赞 --place-column 地点

--repeat-to N copies the file, each copy shifted later in time by more than the comparison
window, to time a run over N messages that are as dense in time as the real file.
--aggregate-only prints sizes and scores without any message text (for logs and docs).
"""

from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zhengwu.dispatch import hotspots

TIME_FORMATS = ("%Y/%m/%d %H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y-%m-%d")


def parse_time(value: str) -> dt.datetime | None:
    value = (value or "").strip()
    for fmt in TIME_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def _int(value: str) -> int:
    try:
        return int(float(value or 0))
    except ValueError:
        return 0


class Command(BaseCommand):
    help = "Find hot spots in a CSV of messages and print the top clusters and the run time."

    def add_arguments(self, parser) -> None:
        parser.add_argument("data", type=Path)
        parser.add_argument("--title-column", default="留言主题")
        parser.add_argument("--text-column", default="留言详情")
        parser.add_argument("--time-column", default="留言时间")
        parser.add_argument("--user-column", default="留言用户")
        parser.add_argument("--likes-column", default="点赞数")
        parser.add_argument("--dislikes-column", default="反对数")
        parser.add_argument("--place-column", default="")
        parser.add_argument("--top", type=int, default=10)
        parser.add_argument("--window-days", type=int, default=60)
        parser.add_argument("--threshold", type=float, default=0.3)
        parser.add_argument("--repeat-to", type=int, default=0)
        parser.add_argument("--aggregate-only", action="store_true")

    def handle(self, *args, **options) -> None:
        items = self._items(options)
        if options["repeat_to"]:
            items = repeat(items, options["repeat_to"], options["window_days"])
        started = time.perf_counter()
        spots = hotspots.find_hotspots(
            items,
            window_days=options["window_days"],
            threshold=options["threshold"],
            limit=100000,
        )
        seconds = time.perf_counter() - started
        clustered = sum(s.size for s in spots)
        self.stdout.write(
            f"{len(items)} messages → {len(spots)} hot spots ({clustered} messages clustered, "
            f"largest {max((s.size for s in spots), default=0)}) in {seconds:.1f} s"
        )
        for rank, spot in enumerate(spots[: options["top"]], start=1):
            self.stdout.write(self._line(rank, spot, options["aggregate_only"]))

    def _line(self, rank: int, spot: hotspots.HotSpot, aggregate_only: bool) -> str:
        span = f"{spot.first:%Y-%m-%d}–{spot.last:%Y-%m-%d}" if spot.first and spot.last else ""
        line = (
            f"{rank:>3}. heat {spot.heat:>6}  {spot.size:>3} msgs  {spot.citizens:>3} citizens  "
            f"support {spot.support:>5}  {span}"
        )
        if not aggregate_only:
            line += f"  {spot.title[:40]}  [{'、'.join(spot.keywords)}] {spot.place}"
        return line

    def _items(self, options: dict) -> list[hotspots.Item]:
        path = options["data"]
        if not path.is_file():
            raise CommandError(f"数据文件不存在：{path}（评估数据不随代码提供，请给出路径）")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            needed = [options["title_column"], options["text_column"]]
            missing = [c for c in needed if c not in (reader.fieldnames or [])]
            if missing:
                raise CommandError(f"{path}: missing column(s) {', '.join(missing)}")
            return [self._item(n, row, options) for n, row in enumerate(reader)]

    @staticmethod
    def _item(n: int, row: dict, o: dict) -> hotspots.Item:
        support = _int(row.get(o["likes_column"], "")) - _int(row.get(o["dislikes_column"], ""))
        return hotspots.Item(
            key=n,
            title=row.get(o["title_column"]) or "",
            text=row.get(o["text_column"]) or "",
            at=parse_time(row.get(o["time_column"], "")),
            place=row.get(o["place_column"], "") if o["place_column"] else "",
            citizen=row.get(o["user_column"]) or "",
            support=support,
        )


def repeat(items: list[hotspots.Item], total: int, window_days: int) -> list[hotspots.Item]:
    times = [i.at for i in items if i.at is not None]
    span = (max(times) - min(times)) if times else dt.timedelta(0)
    shift = span + dt.timedelta(days=4 * window_days)  # beyond both clustering passes
    out: list[hotspots.Item] = []
    copy = 0
    while len(out) < total:
        for item in items[: total - len(out)]:
            at = item.at + copy * shift if item.at else None
            key = (copy, item.key)
            out.append(
                hotspots.Item(
                    key, item.title, item.text, at, item.place, item.citizen, item.support
                )
            )
        copy += 1
    return out
