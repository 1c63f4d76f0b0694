"""An apply of 2,000 reservations killed with SIGKILL again and again still ends exactly right."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from reconciler.sandbox.testing import Sandbox
from tests.conftest import REPO
from tests.integration.bulk import write_bulk
from tests.integration.conftest import CLOCK
from tests.integration.sandbox_process import sandbox_process

COUNT = 2000
KILLS = 5


def booked_total(world: Sandbox, token: str) -> int:
    answer = httpx.get(
        f"{world.base_url}/api/v2/callbacks",
        params={"queue_id": "queue_12345", "status": "scheduled", "pageSize": 1},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    return int(answer.json()["total"])


def gcbctl(world: Sandbox, *args: str) -> list[str]:
    base = [sys.executable, "-m", "reconciler", *args]
    return [*base, "--target", world.base_url, "--now", CLOCK, "--no-ledger"]


def environment(world: Sandbox) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GENESYS_CLIENT_ID=world.client_id,
        GENESYS_CLIENT_SECRET=world.client_secret,
        PYTHONPATH=str(REPO),
    )
    return env


def kill_after_progress(world: Sandbox, command: list[str], env: dict[str, str], step: int) -> bool:
    """Run `command` and SIGKILL it once `step` more callbacks are booked; False if it finished."""
    token = world.token()
    start = booked_total(world, token)
    child = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        if booked_total(world, token) >= start + step:
            child.send_signal(signal.SIGKILL)
            child.wait()
            return True
        time.sleep(0.05)
    child.kill()
    child.wait()
    return False


@pytest.mark.slow
def test_apply_killed_five_times_then_rerun_books_each_callback_once(tmp_path: Path) -> None:
    """Five SIGKILLs at random points of an apply of 2,000, then a re-run: 2,000 booked once."""
    manifests = write_bulk(tmp_path / "bulk", COUNT)
    rng = random.Random(20261201)
    with sandbox_process(CLOCK, rate_limit=60000) as world:
        env = environment(world)
        apply = gcbctl(world, "apply", str(manifests), "--auto-approve")
        kills = sum(
            kill_after_progress(world, apply, env, rng.randint(20, 250)) for _ in range(KILLS)
        )
        assert kills == KILLS
        final = subprocess.run(
            apply, env=env, capture_output=True, text=True, timeout=90, check=False
        )
        assert final.returncode == 0, final.stderr[-2000:]
        callbacks = world.state()["callbacks"]
        again = subprocess.run(
            gcbctl(world, "plan", str(manifests), "--detailed-exitcode"),
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    ids = Counter(c["callback_id"] for c in callbacks if c["status"] == "scheduled")
    assert len(ids) == COUNT
    assert max(ids.values()) == 1
    assert again.returncode == 0, again.stdout[-2000:]
