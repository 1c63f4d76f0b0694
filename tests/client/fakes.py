"""A scripted platform behind `httpx.MockTransport`, for client unit tests without a network."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from reconciler.client import ApiClient, Credentials, FakeTime
from reconciler.core.retry import RetryPolicy

Handler = Callable[[httpx.Request], httpx.Response]


def error(status: int, code: str, message: str = "nope", **headers: str) -> httpx.Response:
    body = {"message": message, "code": code, "status": status, "contextId": "ctx-1", "details": []}
    return httpx.Response(status, json=body, headers=headers)


@dataclass
class FakePlatform:
    """Answers /oauth/token itself and hands every API request to a queue of scripted answers."""

    time: FakeTime
    script: list[httpx.Response | Exception] = field(default_factory=list)
    default: httpx.Response = field(default_factory=lambda: httpx.Response(200, json={"ok": True}))
    expires_in: int = 7200
    token_count: int = 0
    token_delay: float = 0.0
    requests: list[httpx.Request] = field(default_factory=list)

    @property
    def api_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path != "/oauth/token"]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.url.path == "/oauth/token":
            if self.token_delay:
                await self.time.sleep(self.token_delay)
            self.token_count += 1
            token = {"access_token": f"tok-{self.token_count}", "expires_in": self.expires_in}
            return httpx.Response(200, json=token)
        if not self.script:
            return self.default
        answer = self.script.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    def client(self, **options: object) -> ApiClient:
        policy = options.pop("policy", RetryPolicy(max_tries=5, base=1.0, cap=8.0))
        return ApiClient(
            "http://platform.test",
            Credentials("cid", "csecret"),
            transport=httpx.MockTransport(self.handle),
            clock=self.time,
            sleeper=self.time,
            rand=lambda: 0.5,
            policy=policy,  # type: ignore[arg-type]
            **options,  # type: ignore[arg-type]
        )


def body(request: httpx.Request) -> object:
    return json.loads(request.content)
