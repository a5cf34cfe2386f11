"""The reports benchmark: rollups, the weekly reports and the leaders' dashboard at scale.

    .venv/bin/python bench/bench_reports.py \
        --database-url postgres://postgres@127.0.0.1:5432/zhengwu_bench10m

Run it against a database filled by bench/generate_appeals.py (10,000,000 appeals for issue 5's
targets). It measures, with production settings:

- the full rollup rebuild (every day since the first event; informative, done once);
- the incremental refresh after a busy day: the watermark is set back to the start of the
  latest full day, so `refresh()` recounts that day (and the dispatch days of what was signed in
  it), as the periodic checks would the next minute; the day's event count is printed;
- generating each of the four weekly reports for the last finished week, and the monthly and
  annual versions (builders only, as `do_generate_report` does minus one INSERT);
- GET /work/dashboard/ as the city's leader for 30 days and for a year, through the whole
  Django stack (the test client, no HTTP server), with the number of SQL queries.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import statistics
import time
from collections.abc import Callable

import _django


def timed(function: Callable[[], object], repeat: int) -> list[float]:
    seconds = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - started)
    return seconds


def line(label: str, seconds: list[float], note: str = "") -> str:
    ms = sorted(1000 * s for s in seconds)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"| {label} | {len(ms)} | {statistics.median(ms):.0f} | {p95:.0f} | {note} |"


def rebuild() -> str:
    from zhengwu.reports.rollups import refresh

    started = time.perf_counter()
    result = refresh(rebuild=True)
    seconds = time.perf_counter() - started
    note = f"{result['days']} days, {result['rows']} rows"
    return f"| full rebuild | 1 | {1000 * seconds:.0f} | | {note} |"


def busy_day_refresh() -> str:
    from django.utils import timezone

    from zhengwu.appeals.models import AppealEvent
    from zhengwu.lib.workdays import SHANGHAI
    from zhengwu.reports.models import RollupState
    from zhengwu.reports.rollups import refresh

    day = timezone.localdate() - dt.timedelta(days=1)
    start = dt.datetime.combine(day, dt.time.min, tzinfo=SHANGHAI)
    end = start + dt.timedelta(days=1)
    events = AppealEvent.objects.filter(created_at__gte=start, created_at__lt=end).count()
    RollupState.objects.filter(pk=1).update(counted_until=start)
    started = time.perf_counter()
    result = refresh(now=end)
    seconds = time.perf_counter() - started
    return (
        f"| refresh after {day} | 1 | {1000 * seconds:.0f} | | {events:,} events that day; "
        f"{result['days']} days recounted |"
    )


def reports(repeat: int) -> list[str]:
    from django.utils import timezone

    from zhengwu.reports import builders, periods
    from zhengwu.reports.models import PeriodType

    today = timezone.localdate()
    rows = []
    week = periods.finished(PeriodType.WEEK, today - dt.timedelta(days=7))
    for kind, build in builders.BUILDERS.items():
        rows.append(line(f"weekly {kind}", timed(lambda b=build: b(week), repeat)))
    month = periods.finished(PeriodType.MONTH, today.replace(day=1) - dt.timedelta(days=1))
    year = periods.finished(PeriodType.YEAR, dt.date(today.year - 1, 6, 1))
    for label, period in (("monthly", month), ("annual", year)):
        for kind in ("intake", "departments"):
            rows.append(
                line(
                    f"{label} {kind}",
                    timed(lambda k=kind, p=period: builders.BUILDERS[k](p), max(1, repeat // 2)),
                )
            )
    return rows


def dashboard(repeat: int) -> list[str]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from zhengwu.org.models import User

    client = Client()
    client.force_login(User.objects.get(username="leader"))
    rows = []
    for choice in ("30", "365"):
        url = f"/work/dashboard/?range={choice}"
        assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        # Read now: every request start empties the connection's query log.
        count = len(queries)
        seconds = timed(lambda u=url: client.get(u), repeat)
        rows.append(line(f"dashboard, {choice} days", seconds, f"{count} queries"))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=_django.DEFAULT_URL)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--skip-rebuild", action="store_true")
    args = parser.parse_args()
    _django.setup(args.database_url)
    _django.migrate()
    from django.db import connection

    from zhengwu.appeals.models import Appeal, AppealEvent

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(
        f"{dt.datetime.now():%Y-%m-%d %H:%M} · {os.cpu_count()} CPUs · Python "
        f"{platform.python_version()} · PostgreSQL {version} · load {os.getloadavg()[0]:.1f}"
    )
    print(f"{Appeal.objects.count():,} appeals, {AppealEvent.objects.count():,} events")
    print("| measure | runs | p50 ms | p95 ms | note |\n|---|---|---|---|---|")
    if not args.skip_rebuild:
        print(rebuild(), flush=True)
    print(busy_day_refresh(), flush=True)
    for row in reports(args.repeat // 4 or 1):
        print(row, flush=True)
    for row in dashboard(args.repeat):
        print(row, flush=True)
    print(f"load at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
