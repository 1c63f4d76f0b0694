"""Twenty clients booking the same slots at the same moment never overfill a slot."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from sandbox_helpers import BodyFactory, window

from reconciler.sandbox.testing import Sandbox, loopback_tls


async def test_twenty_concurrent_clients_respect_the_limit(
    sandbox: Sandbox, body: BodyFactory
) -> None:
    """20 simultaneous creates on two 10-minute slots (limit 3) book exactly 6, refuse 14."""
    matrix = [window("2026-12-15T09:00:00+10:30", "2026-12-15T09:20:00+10:30")]
    headers = {"Authorization": f"Bearer {sandbox.token()}"}
    clients = [
        httpx.AsyncClient(
            base_url=sandbox.base_url, headers=headers, trust_env=False, verify=loopback_tls()
        )
        for _ in range(20)
    ]
    start = asyncio.Event()

    async def book(n: int) -> httpx.Response:
        await clients[n].get("/api/v2/queues/queue_claims_au")  # open the connection first
        await start.wait()
        payload = body(callback_id=f"race_{n}", queue_id="queue_claims_au", time_slot_matrix=matrix)
        return await clients[n].post("/api/v2/callbacks", json=payload)

    try:
        tasks = [asyncio.create_task(book(n)) for n in range(20)]
        await asyncio.sleep(0.3)
        start.set()
        responses = await asyncio.gather(*tasks)
    finally:
        await asyncio.gather(*(client.aclose() for client in clients))
    outcomes = Counter(r.status_code for r in responses)
    assert outcomes == {201: 6, 409: 14}
    assert {r.json()["code"] for r in responses if r.status_code == 409} == {"capacity.exceeded"}
    per_slot = Counter(r.json()["callback_time"] for r in responses if r.status_code == 201)
    assert per_slot == {"2026-12-14T22:30:00.000Z": 3, "2026-12-14T22:40:00.000Z": 3}
