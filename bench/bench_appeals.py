"""The appeals hub benchmark: intake throughput and workbench latency at scale.

    .venv/bin/python bench/bench_appeals.py \
        --database-url postgres://postgres@127.0.0.1:5432/zhengwu_bench

Run it against a database filled by bench/generate_appeals.py. Requests go through the whole
Django stack (middleware, URL routing, views, templates) with Django's test `Client`, in this
process, with production settings (DEBUG off, the database task queue, console SMS, production
password hashers; staff sign in once per process with `force_login`). There is no HTTP server
in front, so the numbers are the application's own time.

- intake: POST /appeals/new/ (the public form) and POST /work/hotline/ (as `intake`), each with
  a new phone number and source address so the rate limits of appeals/abuse.py do not refuse;
  one process, then 2 processes at once (each with its own connection), aggregate throughput.
- workbench: p50/p95 of GET /workbench/ and of every queue page of `dispatcher`, `supervisor`,
  `handler_a` (市城市管理局) and `leader`, of the appeal page for random appeals, and of the public
  wall, with the number of SQL queries per page.

Intake adds appeals to the database (they are real submissions).
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import random
import statistics
import time
from dataclasses import dataclass
from queue import Empty
from typing import Any

import _django

USERS = ["dispatcher", "supervisor", "handler_a", "leader"]


@dataclass(frozen=True)
class Stats:
    label: str
    n: int
    p50: float
    p95: float
    p99: float
    queries: str = ""
    note: str = ""

    @classmethod
    def of(cls, label: str, seconds: list[float], **extra: Any) -> Stats:
        cuts = statistics.quantiles(seconds, n=100, method="inclusive")
        ms = [1000 * cuts[i] for i in (49, 94, 98)]
        return cls(label, len(seconds), *ms, **extra)

    def row(self) -> str:
        return (
            f"| {self.label} | {self.n} | {self.p50:.1f} | {self.p95:.1f} | {self.p99:.1f}"
            f" | {self.queries} | {self.note} |"
        )


HEADER = "| page | n | p50 ms | p95 ms | p99 ms | queries | note |\n|---|---|---|---|---|---|---|"


# --- Intake ------------------------------------------------------------------------------------


def _form(choices: dict[str, list], rng: random.Random, worker: int, i: int) -> dict[str, str]:
    district, street = rng.choice(choices["places"])
    return {
        "appeal_type": rng.choice(["complaint", "help", "consultation", "suggestion", "report"]),
        "title": f"小区门口道路破损问题{i}",
        "content": "本人反映小区门口的道路破损问题，已经一个多月了，存在安全隐患，请尽快修复。",
        "district": str(district),
        "street": str(street) if street else "",
        "address": f"建设路{i % 300 + 1}号",
        "category": str(rng.choice(choices["categories"])),
        "contact_name": "王先生",
        "contact_phone": f"13{worker % 10}{i:08d}",
        "urgency": "normal",
        "accept_now": "on",
    }


def _choices() -> dict[str, list]:
    from zhengwu.appeals.forms import districts, leaf_categories, streets

    places = []
    for district in districts():
        places += [(district.pk, s.pk) for s in streets(district)] or [(district.pk, None)]
    return {"places": places, "categories": list(leaf_categories().values_list("pk", flat=True))}


def _client(kind: str, staff) -> Any:
    """One client per process, as one app server process: a Client loads the middleware once
    (WhiteNoise scans the static files then). Agents stay signed in; citizens start afresh."""
    from django.test import Client

    client = Client()
    if kind == "hotline":
        client.force_login(staff)
    return client


def _submit(client, kind: str, worker: int, i: int, rng: random.Random, choices) -> float:
    if kind != "hotline":
        client.cookies.clear()  # a new citizen: no session yet
    ip = f"10.{100 + worker}.{i // 250 % 250}.{i % 250 + 1}"
    path = "/work/hotline/" if kind == "hotline" else "/appeals/new/"
    started = time.perf_counter()
    response = client.post(path, _form(choices, rng, worker, i), REMOTE_ADDR=ip)
    elapsed = time.perf_counter() - started
    if response.status_code != 302:
        raise RuntimeError(f"{path} answered {response.status_code}: {response.content[:2000]!r}")
    # The page the agent is sent back to shows "工单…已录入" and drops it; without that page the
    # messages would pile up in the cookie and every later request would carry them all.
    client.cookies.pop("messages", None)
    return elapsed


def intake_worker(url: str, kind: str, worker: int, count: int, barrier, results) -> None:
    _django.setup(url)
    from zhengwu.org.models import User

    rng, choices = random.Random(worker), _choices()
    client = _client(kind, User.objects.get(username="intake"))
    offset = int(time.time()) % 100_000 * 100  # fresh phone numbers on every run
    for i in range(5):  # warm-up: imports, template and connection caches
        _submit(client, kind, worker, offset + i, rng, choices)
    barrier.wait()
    started = time.perf_counter()
    latencies = [_submit(client, kind, worker, offset + 10 + i, rng, choices) for i in range(count)]
    results.put((latencies, started, time.perf_counter()))


def run_intake(url: str, kind: str, processes: int, count: int) -> tuple[Stats, float]:
    """`count` submissions in each of `processes` processes started together; (stats, per s)."""
    context = multiprocessing.get_context("spawn")
    barrier, results = context.Barrier(processes), context.Queue()
    workers = [
        context.Process(
            target=intake_worker, args=(url, kind, w + processes * 10, count, barrier, results)
        )
        for w in range(processes)
    ]
    for process in workers:
        process.start()
    outcomes = []
    while len(outcomes) < len(workers):
        try:
            outcomes.append(results.get(timeout=5))
        except Empty:
            # A worker that died (its traceback is above) would leave us waiting for ever.
            if any(p.exitcode for p in workers):
                for process in workers:
                    process.kill()
                raise SystemExit("an intake worker failed: see its traceback above") from None
    for process in workers:
        process.join()
        if process.exitcode:
            raise SystemExit(f"intake worker failed ({process.exitcode})")
    latencies = [s for outcome in outcomes for s in outcome[0]]
    span = max(o[2] for o in outcomes) - min(o[1] for o in outcomes)
    path = "POST /work/hotline/" if kind == "hotline" else "POST /appeals/new/"
    rate = len(latencies) / span
    label = f"{path} × {processes} process{'es' if processes > 1 else ''}"
    return Stats.of(label, latencies, note=f"**{rate:.0f} appeals/s**"), rate


# --- Workbench -----------------------------------------------------------------------------


def _timed_get(client, path: str) -> float:
    started = time.perf_counter()
    response = client.get(path)
    elapsed = time.perf_counter() - started
    if response.status_code != 200:
        raise RuntimeError(f"GET {path} answered {response.status_code}")
    return elapsed


def _query_count(client, path: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        client.get(path)
    return len(captured.captured_queries)


def measure(client, path: str, label: str, n: int, note: str = "") -> Stats:
    for _ in range(3):
        _timed_get(client, path)
    seconds = [_timed_get(client, path) for _ in range(n)]
    return Stats.of(label, seconds, queries=str(_query_count(client, path)), note=note)


def workbench(username: str, n: int) -> list[Stats]:
    from django.test import Client

    from zhengwu.appeals import queries
    from zhengwu.appeals.views import clock
    from zhengwu.org.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    sizes = dict(queries.queue_counts(user, clock()))
    rows = [measure(client, "/workbench/", f"`{username}` /workbench/", n)]
    for queue in queries.queues_for(user):
        size = sizes.get(queue, -1)
        note = f"{size:,} appeals" if size >= 0 else "the whole visible set"
        label = f"`{username}` /work/queue/{queue.key}/"
        rows.append(measure(client, f"/work/queue/{queue.key}/", label, n, note))
    return rows


def public_wall(n: int) -> Stats:
    """The public wall of published replies (anonymous), first page."""
    from django.test import Client

    return measure(Client(), "/appeals/wall/", "anonymous /appeals/wall/", n)


def detail(username: str, n: int, rng: random.Random) -> Stats:
    """The appeal page for `n` random appeals the user may see (each requested once)."""
    from django.db.models import Max
    from django.test import Client

    from zhengwu.appeals.access import appeals_visible_to
    from zhengwu.org.models import User

    user = User.objects.get(username=username)
    client = Client()
    client.force_login(user)
    visible = appeals_visible_to(user)
    top = visible.aggregate(top=Max("pk"))["top"]

    def pick() -> int:
        pk = visible.filter(pk__gte=rng.randrange(1, top + 1)).order_by("pk")
        return pk.values_list("pk", flat=True).first() or top

    ids = [pick() for _ in range(n + 10)]
    for pk in ids[:3]:
        _timed_get(client, f"/work/appeals/{pk}/")
    seconds = [_timed_get(client, f"/work/appeals/{pk}/") for pk in ids[:n]]
    counts = sorted(_query_count(client, f"/work/appeals/{pk}/") for pk in ids[n:])
    queries = f"{counts[0]}–{counts[-1]}" if counts[0] != counts[-1] else str(counts[0])
    return Stats.of(f"`{username}` /work/appeals/&lt;id&gt;/", seconds, queries=queries)


# --- Report --------------------------------------------------------------------------------


def machine() -> list[str]:
    from django.db import connection

    from zhengwu.appeals.models import AppealEvent

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM appeals_appeal")
        appeals = cursor.fetchone()[0]
    events = AppealEvent.objects.count()
    return [
        f"date: {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC",
        f"machine: {os.cpu_count()} CPUs (nproc), {platform.machine()}, Python"
        f" {platform.python_version()}, PostgreSQL {version} (local, default configuration)",
        f"data: {appeals:,} appeals, {events:,} timeline events",
        load(),
    ]


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average: {one:.1f} (1 min), {five:.1f} (5 min) — the machine is shared"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=_django.DEFAULT_URL)
    parser.add_argument("--requests", type=int, default=50, help="per workbench page")
    parser.add_argument("--details", type=int, default=100, help="random appeal pages")
    parser.add_argument("--intake", type=int, default=300, help="submissions per process")
    parser.add_argument(
        "--processes", type=int, nargs="+", default=[1, 2], help="intake process counts to run"
    )
    parser.add_argument("--kinds", nargs="+", default=["portal", "hotline"], help="intake forms")
    parser.add_argument("--skip-intake", action="store_true")
    parser.add_argument("--skip-workbench", action="store_true")
    parser.add_argument("--users", nargs="*", default=USERS)
    args = parser.parse_args()
    _django.setup(args.database_url)
    _django.migrate()
    for line in machine():
        print(line)
    if not args.skip_workbench:
        print_workbench(args)
    if not args.skip_intake:
        print_intake(args)
    print(f"\n{load()}")


def print_workbench(args: argparse.Namespace) -> None:
    rng = random.Random(7)
    print("\nworkbench (GET, one process; n requests each, after 3 warm-up requests)\n")
    print(HEADER)
    for username in args.users:
        for stats in workbench(username, args.requests):
            print(stats.row(), flush=True)
    for username in ("dispatcher", "handler_a"):
        print(detail(username, args.details, rng).row(), flush=True)
    print(public_wall(args.requests).row(), flush=True)


def print_intake(args: argparse.Namespace) -> None:
    from django.db import connection

    connection.close()  # the workers open their own
    print(f"\nintake ({args.intake} submissions per process after 5 warm-up ones)\n")
    print(HEADER)
    rates = {}
    for kind in args.kinds:
        for processes in args.processes:
            stats, rates[kind, processes] = run_intake(
                args.database_url, kind, processes, args.intake
            )
            print(stats.row(), flush=True)
    first = args.processes[0]
    for kind in args.kinds:
        for processes in args.processes[1:]:
            ratio = rates[kind, processes] / rates[kind, first]
            print(f"\n{kind}: {processes} / {first} processes = {ratio:.2f}× (same run)")


if __name__ == "__main__":
    main()
