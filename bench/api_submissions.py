"""Partner submissions per second through the REST API: gunicorn + PostgreSQL (+ Redis for the
rate-limit counters), driven by wrk from a second process. Numbers go to docs/performance.md.

    .venv/bin/python -m bench.api_submissions [--workers 5] [--connections 16] [--duration 30]

It recreates its own database (zhengwu_bench_api by default; it refuses any other name) and
stops everything it started. Needs `wrk` (Debian package) and a PostgreSQL server.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
SAFE_NAME = re.compile(r"^zhengwu_bench_api\w*$")

LUA = """
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer %(key)s"
local counter = 0
request = function()
  counter = counter + 1
  local body = string.format(
    '{"appeal_type":"complaint","title":"路灯不亮","content":"小区门口的路灯已经坏了两个星期，'
    .. '晚上出行很不方便，请尽快修复。","contact_phone":"137%%08d","external_id":"%(run)s-%%d"}',
    counter %% 100000000, counter)
  return wrk.format(nil, "/api/v1/appeals", nil, body)
end
"""


def recreate(database_url: str) -> None:
    parts = urlsplit(database_url)
    name = parts.path.lstrip("/")
    if not SAFE_NAME.match(name):
        sys.exit(f"refusing to recreate database {name!r}: use a name like zhengwu_bench_api")
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')


def manage(env: dict, *args: str) -> str:
    result = subprocess.run(  # noqa: S603 (our own manage.py)
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    return result.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, timeout: float = 30) -> None:
    deadline, last = time.monotonic() + timeout, None
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):  # noqa: S310 (loopback)
                return
        except OSError as exc:
            last = exc
            time.sleep(0.3)
    sys.exit(f"the server at {url} did not come up: {last}")


def wrk(key: str, url: str, connections: int, seconds: int) -> str:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(LUA % {"key": key, "run": secrets.token_hex(4)})
    command = ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script.name]
    try:
        return subprocess.run(  # noqa: S603
            [*command, url], capture_output=True, text=True, check=True
        ).stdout
    finally:
        os.unlink(script.name)


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU of these processes so far (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / os.sysconf("SC_CLK_TCK")


def children(parent: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == parent:
                found.append(int(stat.parent.name))
        except (OSError, ValueError):
            continue
    return found


def backends(database_url: str) -> list[int]:
    name = urlsplit(database_url).path.lstrip("/")
    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "select pid from pg_stat_activity where datname = %s and pid <> pg_backend_pid()",
            [name],
        ).fetchall()
    return [row[0] for row in rows]


def python_reference_ms() -> float:
    """A fixed piece of pure-Python work (the best of five runs): machines of the same kind have
    differed threefold in speed, so runs on different machines are compared through it."""
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        table: dict[str, int] = {}
        for i in range(300_000):
            key = f"k{i % 1000}"
            table[key] = table.get(key, 0) + i
        best = min(best, time.process_time() - start)
    return best * 1000


def interpreter() -> str:
    """Which Python ran the workers: builds differ (pyenv's, without --enable-optimizations,
    spent 8-10 % more CPU per submission than Debian's own)."""
    return f"Python {platform.python_version()} from {sys.base_prefix}"


def parse(output: str) -> dict[str, str]:
    found = {"rps": re.search(r"Requests/sec:\s+([\d.]+)", output)}
    for pct in ("50", "75", "90", "99"):
        found[f"p{pct}"] = re.search(rf"^\s+{pct}%\s+(\S+)", output, re.MULTILINE)
    found["non2xx"] = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    found["total"] = re.search(r"(\d+) requests in", output)
    return {k: (m.group(1) if m else "0") for k, m in found.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/zhengwu_bench_api"
    )
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/15")
    parser.add_argument("--workers", type=int, default=5)
    parser.add_argument(
        "--worker-class", default="sync", help="gunicorn worker class (sync, gthread)"
    )
    parser.add_argument("--threads", type=int, default=1, help="threads per gthread worker")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--port", type=int, default=0, help="default: a free port")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("wrk is missing: apt-get install wrk")

    reference = python_reference_ms()
    recreate(args.database_url)
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "REDIS_URL": args.redis_url,
        "SECRET_KEY": secrets.token_urlsafe(40),
        "DEBUG": "0",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "0",
        "STATIC_MANIFEST": "0",
        "TASKS_BACKEND": "database",  # as production: SMS tasks are queued, a worker sends them
        "LOG_LEVEL": "WARNING",
    }
    manage(env, "migrate", "--noinput")
    manage(env, "load_demo_city")
    out = manage(env, "create_partner", "bench", "压测渠道", "--rate-limit", "100000")
    key = re.search(r"API key（只显示这一次）: (\S+)", out).group(1)

    port = args.port or free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(  # noqa: S603
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "zhengwu.wsgi",
            "-w",
            str(args.workers),
            "-k",
            args.worker_class,
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        wait_for(f"{base}/healthz")
        if server.poll() is not None:
            sys.exit(f"gunicorn could not start on port {port}")
        wrk(key, base, args.connections, 5)  # warm-up: connections, caches, JIT-free Python
        processes = {"app": children(server.pid), "db": backends(args.database_url)}
        cpu_before = {k: cpu_seconds(v) for k, v in processes.items()}
        load_before = os.getloadavg()
        output = wrk(key, base, args.connections, args.duration)
        load_after = os.getloadavg()
        cpu = {k: cpu_seconds(v) - cpu_before[k] for k, v in processes.items()}
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = parse(output)
    with psycopg.connect(args.database_url) as connection:
        appeals = connection.execute("select count(*) from appeals_appeal").fetchone()[0]
    print(output)
    done = max(int(result["total"]), 1)
    app_ms, db_ms = cpu["app"] / done * 1000, cpu["db"] / done * 1000
    print(
        f"CPU per submission: app {app_ms:.1f} ms, PostgreSQL {db_ms:.1f} ms → on 2 idle cores "
        f"at most ~{2000 / (app_ms + db_ms):.0f} submissions/s (load tool not counted); "
        f"Python reference {reference:.0f} ms (machine speed: lower is faster; compare only "
        f"under the same interpreter: {interpreter()})"
    )
    print(
        f"submissions/s {result['rps']}  p50 {result['p50']}  p90 {result['p90']}  "
        f"p99 {result['p99']}  non-2xx {result['non2xx']}  of {result['total']}  "
        f"appeals in db {appeals}  workers {args.workers} ({args.worker_class}, "
        f"{args.threads} threads)  connections {args.connections}  "
        f"load {load_before[0]:.1f}→{load_after[0]:.1f}"
    )


if __name__ == "__main__":
    main()
