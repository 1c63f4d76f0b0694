"""The network under `ApiClient`: httpx's interface, aiohttp's connection pool and C parser.

Why not httpx's own transport: an apply is thousands of small requests, and httpx's default stack
(httpcore, anyio streams, h11 in pure Python) costs about 2.5 ms of CPU per request here, which
made gcbctl, not the platform, the bottleneck of a loopback apply. aiohttp parses HTTP in C; the
same 2,000-callback apply against the sandbox takes less than half the time (bench/bench_apply.py).
httpx stays the interface, so requests are still built, and tests still mock, the httpx way.

Why not the httpx-aiohttp package: it reports a connection dropped after the request was sent as
a connect timeout, which the client reads as "never sent" and may repeat a non-idempotent call.
Here the split is kept exact: only failures before a byte left (`ConnectError`, `ConnectTimeout`)
mean "not sent"; a dropped or broken answer is a `ReadError`/`RemoteProtocolError`/`ReadTimeout`.
"""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import aiohttp
import httpx
import yarl

_HTTP_1_1: Final = b"HTTP/1.1"


class AiohttpTransport(httpx.AsyncBaseTransport):
    """An httpx transport that sends over one lazily created `aiohttp.ClientSession`.

    The session (and its pool of at most `max_connections` keep-alive connections) is created on
    first use, inside the running event loop, and closed by `aclose()`; redirects are not
    followed and bodies are not decompressed here (httpx decodes what the headers announce).
    """

    def __init__(self, *, max_connections: int = 20, keepalive_expiry: float = 5.0) -> None:
        self._max_connections = max_connections
        self._keepalive_expiry = keepalive_expiry
        self._session: aiohttp.ClientSession | None = None
        self._ssl: ssl.SSLContext | None = None

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        session = self._session or self._open()
        body = await request.aread()
        with _mapped_errors(request):
            async with session.request(
                request.method,
                yarl.URL(str(request.url), encoded=True),  # httpx has quoted it already
                headers=[
                    (k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw
                ],
                data=body or None,
                allow_redirects=False,
                auto_decompress=False,
                timeout=_timeout(request),
                ssl=self._tls() if request.url.scheme == "https" else True,
            ) as answer:
                content = await answer.read()
                return httpx.Response(
                    answer.status,
                    headers=list(answer.raw_headers),
                    content=content,
                    request=request,
                    extensions={"http_version": _HTTP_1_1, "reason_phrase": _reason(answer)},
                )

    async def aclose(self) -> None:
        if self._session is not None:
            session, self._session = self._session, None
            await session.close()

    def _tls(self) -> ssl.SSLContext:
        """httpx's choice of CAs (SSL_CERT_FILE, SSL_CERT_DIR, certifi), made once."""
        if self._ssl is None:
            self._ssl = httpx.create_ssl_context()
        return self._ssl

    def _open(self) -> aiohttp.ClientSession:
        connector = aiohttp.TCPConnector(
            limit=self._max_connections, keepalive_timeout=self._keepalive_expiry
        )
        self._session = aiohttp.ClientSession(
            connector=connector, cookie_jar=aiohttp.DummyCookieJar()
        )
        return self._session


def _timeout(request: httpx.Request) -> aiohttp.ClientTimeout:
    """httpx's per-phase timeouts: pool and connect bound connecting, read bounds each read."""
    limits = request.extensions.get("timeout") or {}
    return aiohttp.ClientTimeout(
        total=None,
        connect=limits.get("pool"),
        sock_connect=limits.get("connect"),
        sock_read=limits.get("read"),
    )


def _reason(answer: aiohttp.ClientResponse) -> bytes:
    return (answer.reason or "").encode("latin-1", "replace")


@contextmanager
def _mapped_errors(request: httpx.Request) -> Iterator[None]:
    """aiohttp's failures as the httpx errors that say whether the request may have been sent."""
    try:
        yield
    except aiohttp.ConnectionTimeoutError as exc:
        raise httpx.ConnectTimeout(str(exc) or "connect timed out", request=request) from exc
    except aiohttp.ClientConnectorError as exc:  # refused, unreachable, DNS, TLS handshake
        raise httpx.ConnectError(str(exc), request=request) from exc
    except aiohttp.ServerDisconnectedError as exc:
        raise httpx.RemoteProtocolError(
            "the server closed the connection without an answer", request=request
        ) from exc
    except TimeoutError as exc:  # aiohttp's read timeouts subclass TimeoutError
        message = str(exc) or "timed out waiting for the answer"
        raise httpx.ReadTimeout(message, request=request) from exc
    except aiohttp.ClientResponseError as exc:  # an answer that is not HTTP
        raise httpx.RemoteProtocolError(exc.message or str(exc), request=request) from exc
    except aiohttp.InvalidURL as exc:
        raise httpx.UnsupportedProtocol(f"cannot send to {exc.url}", request=request) from exc
    except (aiohttp.ClientError, OSError) as exc:  # resets, broken payloads, other socket errors
        raise httpx.ReadError(str(exc) or type(exc).__name__, request=request) from exc
