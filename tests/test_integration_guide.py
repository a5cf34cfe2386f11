"""docs/integration.md promises that every example in it runs as written against `make demo`.
This runs them: the demo's city, catalogue and partner in a fresh SQLite file, the development
server as `make demo` starts it, and the guide's shell blocks one after another with curl and jq,
the way a partner's developer would paste them."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[1]
GUIDE = ROOT / "docs" / "integration.md"
SETUP = (
    ["migrate", "--noinput"],
    ["load_demo_city"],
    ["load_demo_catalogue"],
    ["load_demo_partner"],
)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _demo_env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(ZHENGWU_VAR_DIR=str(var_dir), DEBUG="1", TASKS_BACKEND="immediate")
    return env


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[tuple[str, dict[str, str]]]:
    if connection.vendor != "sqlite":
        pytest.skip("`make demo` runs on SQLite: the guide is checked in the SQLite pass")
    missing = [tool for tool in ("curl", "jq") if shutil.which(tool) is None]
    if missing:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{', '.join(missing)} missing, and CI=true requires this test")
        pytest.skip(f"{', '.join(missing)} not installed")
    env = _demo_env(tmp_path / "var")
    for command in SETUP:
        subprocess.run(  # noqa: S603 (our own manage.py)
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=300,
        )
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).close()  # noqa: S310
                break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        yield base, env
    finally:
        server.terminate()
        server.wait(timeout=30)


def guide_script(base: str, scratch: Path) -> str:
    """The guide's ```sh blocks as one script, pointed at this server and this test's files."""
    blocks = re.findall(r"^```sh\n(.*?)^```", GUIDE.read_text(), re.S | re.M)
    script = "\n".join(blocks)
    assert "BASE=http://127.0.0.1:8000" in script
    script = script.replace("BASE=http://127.0.0.1:8000", f"BASE={base}")
    # The guide writes /tmp/appeal.json and the like: this test writes its own. (Before the
    # interpreter goes in: its path may itself be under /tmp.)
    script = re.sub(r"(?<![\w/.])/tmp/(\w+)", lambda m: str(scratch / m.group(1)), script)
    script = script.replace(".venv/bin/python", sys.executable)
    return "set -euo pipefail\n" + script


def test_every_example_of_the_guide_runs_against_the_demo(demo, tmp_path: Path) -> None:
    base, env = demo
    result = subprocess.run(  # noqa: S603
        ["bash", "-c", guide_script(base, tmp_path)],  # noqa: S607
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    out = result.stdout
    assert result.returncode == 0, result.stderr[-2000:] + out[-2000:]
    assert "合作渠道 zynews（中原网）已登记。" in out
    assert re.search(r"^401\n200$", out, re.M), "the revoked key still works, or the new one not"
    assert '"created": true' in out  # REST submission
    assert re.search(r'"service_request_id": "ZW\d{14}"', out)  # Open311 submission
    assert '"contact_phone": "137****1111"' in out  # the partner sees contacts masked
    assert re.search(r'"status": "dispatched",\s+"deadline": "20', out)
    assert '"closed"' in out  # the reply was reviewed and published
    assert re.search(r'"status": "evaluated",\s+"satisfaction": "satisfied"', out)
    assert out.count('"event": "appeal.status_changed"') >= 5  # one delivery per change
    assert "error" not in result.stderr.lower(), result.stderr[-2000:]
