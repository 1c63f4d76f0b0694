"""Benchmark: how fast the sandbox streams events and books callbacks.

Run on demand (never in CI): `.venv/bin/python bench/bench_sandbox.py [--events 50000]`.
Each measurement talks to a `gcbctl sandbox` running in its own process (as users run it), and is
compared with a reference measured side by side in the same run: a bare `websockets` server in its
own process that sends one-frame msgpack messages and reads one acknowledgment per message, with
the same 1,000-message in-flight window (the building block baselines.md puts at ~55,000/s).

Measured:
  1. events/s to one acknowledging client, one frame per message, one JSON ack per event;
  2. events/s to one client with batched messages (`batch=N`) and one cumulative ack per message;
  3. 100 concurrent clients receiving the same stream (aggregate events/s);
  4. create-callback requests per second (10 concurrent HTTP clients).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.asyncio.server import ServerConnection, serve

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reconciler.wire import (  # noqa: E402
    Event,
    Frame,
    FrameType,
    decode_ack,
    decode_event,
    decode_message,
    encode_ack,
    encode_cumulative_ack,
    encode_event,
    encode_message,
)
from reconciler.wire.frames import encode_frame  # noqa: E402
from tests.sandbox.process import sandbox_process as running  # noqa: E402

ADMIN = {"Authorization": "Bearer sandbox-admin-0000"}
REFERENCE_WINDOW = 1000
FRAMES: list[bytes] = []
RESOURCE = {
    "id": "cb_bench-00000000",
    "callback_id": "cb_bench",
    "callback_number": "+14155550199",
    "callback_time": "2026-12-15T19:00:00.000Z",
    "queue_id": "queue_12345",
    "reason": "benchmark",
    "status": "scheduled",
    "time_slot_matrix": [{"start": "2026-12-15T19:00:00.000Z", "end": "2026-12-15T19:15:00.000Z"}],
    "channel_preferences": {"primary": "voice", "fallback": "sms", "allow_sms": True},
    "concurrency_limit": 10,
    "labels": {"gcbctl.io/managed-by": "gcbctl"},
    "version": 1,
    "created_at": "2026-12-01T00:00:00.000Z",
    "updated_at": "2026-12-01T00:00:00.000Z",
}


# --- the reference: bare websockets, one frame per message, one ack per message -----------------


async def _reference_handler(ws: ServerConnection, count: int) -> None:
    window = asyncio.Semaphore(REFERENCE_WINDOW)
    done = asyncio.Event()

    async def read_acks() -> None:
        acked = 0
        async for message in ws:
            assert isinstance(message, bytes)
            for frame in decode_message(message):
                decode_ack(frame.payload)
                acked += 1
                window.release()
            if acked == count:
                done.set()
                return

    reader = asyncio.create_task(read_acks())
    for frame in FRAMES:
        await window.acquire()
        await ws.send(frame)
    await done.wait()
    await reader


async def _serve_reference(count: int) -> None:
    # Frames are encoded before the clock starts, as the sandbox encodes each event once.
    for sequence in range(1, count + 1):
        payload = encode_event(
            Event(f"c{sequence}", sequence, "reservation.updated", "system", RESOURCE)
        )
        FRAMES.append(encode_frame(Frame(FrameType.RESERVATION_UPDATE, payload, 0)))
    async with serve(
        lambda ws: _reference_handler(ws, count), "127.0.0.1", 0, compression=None
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print(port, flush=True)
        await asyncio.sleep(3600)


@contextmanager
def reference_server(count: int) -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve-reference", str(count)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        yield f"ws://127.0.0.1:{process.stdout.readline().strip()}/"
    finally:
        process.kill()
        process.wait()


# --- the sandbox


@contextmanager
def sandbox_process() -> Iterator[str]:
    """The sandbox in a child process, rate limit lifted; yields its base URL."""
    args = ("--rate-limit", "10000000", "--clock", "2026-12-01T00:00:00Z")
    with (
        tempfile.TemporaryDirectory() as folder,
        running(Path(folder), *args, output=subprocess.DEVNULL) as (_process, info),
    ):
        yield str(info["base_url"])


def _token(base: str) -> str:
    response = httpx.post(
        f"{base}/oauth/token",
        auth=("gcbctl-sandbox", "sandbox-secret-0000"),
        data={"grant_type": "client_credentials"},
        trust_env=False,
    )
    return str(response.json()["access_token"])


def _prepare_events(base: str, count: int) -> str:
    """Reset the sandbox, put `count` events in its log (one callback, many updates); a token."""
    httpx.post(f"{base}/_sandbox/reset", headers=ADMIN, trust_env=False).raise_for_status()
    httpx.put(
        f"{base}/_sandbox/settings", headers=ADMIN, json={"max_events": count + 10}, trust_env=False
    )
    body = {
        "callback_id": "cb_bench",
        "callback_number": "+14155550199",
        "time_slot_matrix": [
            {"start": "2026-12-15T14:00:00-05:00", "end": "2026-12-15T14:15:00-05:00"}
        ],
        "channel_preferences": {"primary": "voice", "fallback": "sms", "allow_sms": True},
        "queue_id": "queue_12345",
        "reason": "benchmark",
        "concurrency_limit": 10,
    }
    token = _token(base)
    made = httpx.post(
        f"{base}/api/v2/callbacks",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        trust_env=False,
    ).json()
    emitted = httpx.post(
        f"{base}/_sandbox/events/emit",
        headers=ADMIN,
        json={"callback": made["id"], "count": count - 1},
        trust_env=False,
        timeout=120,
    )
    emitted.raise_for_status()
    return token


async def _consume(ws: ClientConnection, count: int, *, cumulative: bool) -> None:
    """Read until `count` events arrived, acknowledging per event or per message."""
    seen = 0
    while seen < count:
        message = await ws.recv()
        assert isinstance(message, bytes)
        acks: list[Frame] = []
        last = 0
        for frame in decode_message(message):
            if frame.type != FrameType.RESERVATION_UPDATE:
                continue
            event = decode_event(frame.payload)
            seen += 1
            last = event.sequence
            if not cumulative:
                acks.append(Frame(FrameType.ACKNOWLEDGMENT, encode_ack(event.correlation_id), 0))
        if cumulative and last:
            await ws.send(
                encode_message([Frame(FrameType.ACKNOWLEDGMENT, encode_cumulative_ack(last), 0)])
            )
        for ack in acks:
            await ws.send(encode_message([ack]))


async def _stream_rate(
    url: str, token: str | None, count: int, *, cumulative: bool = False
) -> float:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with connect(url, additional_headers=headers, compression=None, max_size=None) as ws:
        started = time.perf_counter()
        await _consume(ws, count, cumulative=cumulative)
        return count / (time.perf_counter() - started)


async def _fanout_rate(url: str, token: str, count: int, clients: int) -> float:
    headers = {"Authorization": f"Bearer {token}"}
    sockets = [
        await connect(url, additional_headers=headers, compression=None, max_size=None)
        for _ in range(clients)
    ]
    try:
        started = time.perf_counter()
        await asyncio.gather(*(_consume(ws, count, cumulative=True) for ws in sockets))
        return clients * count / (time.perf_counter() - started)
    finally:
        await asyncio.gather(*(ws.close() for ws in sockets))


def _ws_url(base: str, **params: Any) -> str:
    return (
        "ws"
        + base.removeprefix("http")
        + "/api/v2/callbacks/websocket?"
        + str(httpx.QueryParams(params))
    )


# --- create-callback requests per second


def _open_queue(base: str) -> None:
    queue = {
        "id": "queue_bench",
        "name": "Bench",
        "timezone": "UTC",
        "operating_hours": [
            {
                "days": ["mon", "tue", "wed", "thu", "fri", "sat", "sun"],
                "open": "00:00",
                "close": "24:00",
            }
        ],
        "holidays": [],
        "slot_minutes": 5,
        "concurrency_limit": 50,
    }
    httpx.post(f"{base}/_sandbox/ui/queues", headers=ADMIN, json=queue, trust_env=False)


async def _create_rate(base: str, token: str, total: int, workers: int) -> float:
    day = datetime(2026, 12, 2, tzinfo=UTC)

    def payload(n: int) -> dict[str, Any]:
        # As gcbctl's driver books: the chosen slot first (room for 50 each), then a fallback hour.
        start = day + timedelta(minutes=5 * (n // 50))
        fallback = day + timedelta(days=300)
        return {
            "callback_id": f"bench_{n}",
            "callback_number": "+14155550199",
            "time_slot_matrix": [
                {"start": start.isoformat(), "end": (start + timedelta(minutes=5)).isoformat()},
                {"start": fallback.isoformat(), "end": (fallback + timedelta(hours=1)).isoformat()},
            ],
            "channel_preferences": {"primary": "voice", "fallback": "none", "allow_sms": False},
            "queue_id": "queue_bench",
        }

    counter = iter(range(total))
    headers = {"Authorization": f"Bearer {token}"}

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, headers=headers, trust_env=False) as client:
            for n in counter:
                response = await client.post("/api/v2/callbacks", json=payload(n))
                assert response.status_code == 201, response.text

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(workers)))
    return total / (time.perf_counter() - started)


# --- driver


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=50_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--creates", type=int, default=3000)
    parser.add_argument("--serve-reference", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_reference:
        asyncio.run(_serve_reference(args.serve_reference))
        return
    results: dict[str, list[float]] = {
        "reference": [],
        "single": [],
        "batched": [],
        "fanout": [],
        "creates": [],
    }
    fanout_events = max(1000, args.events // 20)
    with sandbox_process() as base:
        for _ in range(args.rounds):
            with reference_server(args.events) as url:
                results["reference"].append(asyncio.run(_stream_rate(url, None, args.events)))
            token = _prepare_events(base, args.events)
            results["single"].append(
                asyncio.run(_stream_rate(_ws_url(base, since=0), token, args.events))
            )
            token = _prepare_events(base, args.events)
            results["batched"].append(
                asyncio.run(
                    _stream_rate(
                        _ws_url(base, since=0, batch=args.batch),
                        token,
                        args.events,
                        cumulative=True,
                    )
                )
            )
            token = _prepare_events(base, fanout_events)
            url = _ws_url(base, since=0, batch=args.batch)
            results["fanout"].append(
                asyncio.run(_fanout_rate(url, token, fanout_events, args.clients))
            )
            _open_queue(base)
            results["creates"].append(asyncio.run(_create_rate(base, token, args.creates, 10)))
    reference = statistics.median(results["reference"])
    labels = {
        "reference": "bare websockets, 1 frame/msg, ack per msg",
        "single": "sandbox, 1 frame/msg, JSON ack per event",
        "batched": f"sandbox, batch={args.batch}, cumulative ack per msg",
        "fanout": f"sandbox, {args.clients} clients, batch={args.batch} (aggregate)",
        "creates": "sandbox, POST /callbacks, 10 concurrent clients",
    }
    for key, label in labels.items():
        median = statistics.median(results[key])
        unit = "req/s" if key == "creates" else "events/s"
        ratio = "" if key == "creates" else f"  ({median / reference:.2f}x reference)"
        print(f"{label:<55} {median:>10,.0f} {unit}{ratio}")
    print(f"(medians of {args.rounds} rounds; {args.events} events per single-client run)")


if __name__ == "__main__":
    main()
