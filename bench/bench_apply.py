"""Benchmark: apply 2,000 reservations to a sandbox limited to 6,000 requests a minute.

Reports, for gcbctl's engine (plan + apply, parallelism 10, paced by the rate-limit headers):
the achieved request rate as a share of the limit (target >= 90%), the share of 429 answers
(target <= 1%), failed reservations (target 0) and duplicates (must be 0). Then it books the same
payloads the way the product document's tutorial does (one at a time, a fixed 5 s sleep on 429,
no retry, no pacing) on a fresh sandbox and reports the wall-time ratio.

The sandbox's limit is a token bucket that starts full, so 2,000 requests at 6,000/min never
meet it; a second scenario (`--sustained-limit`, default 1,200/min) outruns the bucket so that
pacing decides the rate: `sustained_share_of_limit` is the request rate after the bucket's first
`limit` requests, as a share of its refill rate, and the tutorial client is run against it too.
A third scenario adds `--latency-ms` (default 20) of server-side latency to every API call, as a
remote platform has: on loopback both clients are bound by the sandbox's CPU, not by waiting.
The sandbox runs in a child process, like a real platform (in this process it would compete with
the client for the GIL).

    PYTHONPATH=. .venv/bin/python bench/bench_apply.py [--count 2000] [--limit 6000]

Never run in CI: it takes about five minutes of both cores.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import csv
import json
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx

from reconciler.client import ApiClient, CountingObserver, Credentials, RequestInfo
from reconciler.core.actions import ActionType, DesiredCallback
from reconciler.drivers.callback import CallbackDriver
from reconciler.drivers.callback_wire import create_callback_body
from reconciler.engine import apply_run
from reconciler.engine.planning import plan_run
from reconciler.sandbox.testing import Sandbox
from tests.sandbox.process import sandbox_process as running

CLOCK = "2026-12-01T00:00:00Z"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
DAYS = [date(2026, 12, d) for d in (2, 3, 4, 7, 8, 9, 10, 11)]  # weekdays, 400 slots-places each

QUEUES = """apiVersion: gcbctl.io/v1
kind: QueueCapacity
metadata: {name: tech-support}
spec:
  queue: {id: queue_12345}
---
apiVersion: gcbctl.io/v1
kind: ReservationBatch
metadata: {name: bench}
spec:
  queue: tech-support
  reservationsFrom: {csv: bench.csv}
"""


@contextlib.contextmanager
def sandbox_process(limit: int) -> Iterator[Sandbox]:
    """`gcbctl sandbox` in a child process, as a platform would be: in this process its thread
    would fight the client for the GIL and the benchmark would measure that instead."""
    args = ("--rate-limit", str(limit), "--clock", CLOCK)
    with (
        tempfile.TemporaryDirectory() as folder,
        running(Path(folder), *args, output=subprocess.DEVNULL) as (_process, info),
    ):
        yield Sandbox(base_url=str(info["base_url"]), admin_token=str(info["admin_token"]))


def write_manifests(folder: Path, count: int) -> list[str]:
    """Reservations with a whole-day window each (08:00-18:00 New York), spread over 8 days."""
    (folder / "bench.yaml").write_text(QUEUES)
    with (folder / "bench.csv").open("w", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["callbackId", "callbackNumber", "reason", "start", "end"])
        for n in range(count):
            day = DAYS[n % len(DAYS)].isoformat()
            out.writerow(
                [f"cb_bench_{n:05d}", f"+1415555{n:04d}", "bench", f"{day}T08:00", f"{day}T18:00"]
            )
    return [str(folder)]


def census(world: Sandbox) -> tuple[int, int]:
    """(scheduled callbacks, callback_ids booked more than once)."""
    ids = Counter(
        c["callback_id"] for c in world.state()["callbacks"] if c["status"] == "scheduled"
    )
    return sum(ids.values()), sum(1 for n in ids.values() if n > 1)


class TimedObserver(CountingObserver):
    """Counts answers and remembers when each one arrived (monotonic seconds)."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def on_response(self, info: RequestInfo, status: int | None, elapsed: float) -> None:
        super().on_response(info, status, elapsed)
        self.times.append(time.monotonic())


def sustained_share(times: list[float], limit: int) -> float | None:
    """Request rate after the bucket's initial credit is spent, as a share of the refill rate."""
    if len(times) <= limit + 10:
        return None
    rate = (len(times) - limit) / (times[-1] - times[limit - 1])
    return round(rate / (limit / 60), 3)


async def gcbctl_run(world: Sandbox, paths: list[str], limit: int) -> dict[str, Any]:
    observer = TimedObserver()
    client = ApiClient(
        world.base_url, Credentials(world.client_id, world.client_secret), observer=observer
    )
    async with CallbackDriver(client) as driver:
        planned = await plan_run(paths, driver, now=NOW)
        before = observer.requests
        observer.times.clear()
        started = time.monotonic()
        report = await apply_run(planned.plan.actions, driver, parallelism=10)
        elapsed = time.monotonic() - started
    requests = observer.requests - before
    scheduled, duplicated = census(world)
    return {
        "actions": len(planned.plan.actions),
        "apply_seconds": round(elapsed, 2),
        "requests": requests,
        "requests_per_second": round(requests / elapsed, 1),
        "share_of_limit": round(requests / elapsed / (limit / 60), 3),
        "sustained_share_of_limit": sustained_share(observer.times, limit),
        # What the bucket could have given in that time: its initial credit plus the refill.
        "share_of_budget": round(requests / (limit + limit / 60 * elapsed), 3),
        "share_429": round(observer.statuses[429] / max(1, requests), 4),
        "failed": len(report.failed),
        "scheduled": scheduled,
        "duplicated": duplicated,
        "payloads": [
            create_callback_body(a.desired)
            for a in planned.plan.actions
            if a.type is ActionType.CREATE and isinstance(a.desired, DesiredCallback)
        ],
    }


def seed_style_run(world: Sandbox, payloads: list[dict[str, Any]]) -> dict[str, Any]:
    """The tutorial's client: sequential, sleep 5 s on 429 and move on, no retry, no pacing."""
    started = time.monotonic()
    failed = rate_limited = 0
    with httpx.Client(base_url=world.base_url, timeout=30, trust_env=False) as http:
        form = {"grant_type": "client_credentials"}
        auth = (world.client_id, world.client_secret)
        token = http.post("/oauth/token", data=form, auth=auth).json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        for payload in payloads:
            answer = http.post("/api/v2/callbacks", json=payload, headers=headers)
            if answer.status_code == 429:
                rate_limited += 1
                time.sleep(5)
            if answer.status_code != 201:
                failed += 1
    elapsed = time.monotonic() - started
    scheduled, duplicated = census(world)
    return {
        "seconds": round(elapsed, 2),
        "answers_429": rate_limited,
        "failed": failed,
        "scheduled": scheduled,
        "duplicated": duplicated,
    }


def scenario(paths: list[str], limit: int, latency_ms: int) -> dict[str, Any]:
    """gcbctl, then the tutorial's client with the same payloads, each on a fresh sandbox."""
    with sandbox_process(limit) as world:
        if latency_ms:
            world.fault_http(path="/api/v2/*", latency_seconds=latency_ms / 1000, times=0)
        ours = asyncio.run(gcbctl_run(world, paths, limit))
    payloads = ours.pop("payloads")
    with sandbox_process(limit) as world:
        if latency_ms:
            world.fault_http(path="/api/v2/*", latency_seconds=latency_ms / 1000, times=0)
        seed = seed_style_run(world, payloads)
    return {
        "limit_per_minute": limit,
        "added_latency_ms": latency_ms,
        "gcbctl": ours,
        "seed_style": seed,
        "wall_time_ratio_seed_over_gcbctl": round(seed["seconds"] / ours["apply_seconds"], 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--limit", type=int, default=6000, help="sandbox requests per minute")
    parser.add_argument(
        "--sustained-limit",
        type=int,
        default=1200,
        help="a run with a limit whose bucket 2,000 requests outrun (0: skip)",
    )
    parser.add_argument(
        "--latency-ms",
        type=int,
        default=20,
        help="a run at --limit with this much added server latency, like a remote platform "
        "(0: skip)",
    )
    args = parser.parse_args()
    result: dict[str, Any] = {"reservations": args.count}
    with tempfile.TemporaryDirectory() as folder:
        paths = write_manifests(Path(folder), args.count)
        result["loopback"] = scenario(paths, args.limit, 0)
        if args.sustained_limit:
            result["sustained"] = scenario(paths, args.sustained_limit, 0)
        if args.latency_ms:
            result["remote"] = scenario(paths, args.limit, args.latency_ms)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
