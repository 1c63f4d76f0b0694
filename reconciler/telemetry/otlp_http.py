"""POST one OTLP/HTTP export, with the retries the OTLP specification asks for.

The exporters run on the SDK's background threads, so this is plain blocking `http.client`:
already loaded with Python, it costs nothing to import, and a TLS context is made only when the
endpoint is https. (The OpenTelemetry exporter's `requests` transport took 100-160 ms of start-up
per run here, more than a small apply spends on its own API calls.)

Retried: no answer at all, and 429, 502, 503 and 504, after `Retry-After` when the collector
sends one, else with exponential backoff and jitter; all of it within the export's timeout.
Anything else is a final answer. Failures are logged without the headers, which usually carry
credentials, and without the endpoint's user, password or query.
"""

from __future__ import annotations

import gzip
import http.client
import logging
import random
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from reconciler.core.retry import Random, RetryPolicy, backoff_delays, parse_retry_after
from reconciler.telemetry.otlp_config import OtlpSettings

CONTENT_TYPE: Final = "application/x-protobuf"
RETRYABLE: Final = frozenset({429, 502, 503, 504})
# Waits grow from up to 0.5 s to at most 8 s; the export's timeout bounds the whole.
BACKOFF: Final = RetryPolicy(base=0.5, cap=8.0)

logger = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one export ended: `status` None means no answer was ever received."""

    ok: bool
    status: int | None
    attempts: int
    detail: str = ""


class _SetupError(Exception):
    """The TLS settings cannot be used (a missing or bad PEM file): retrying will not help."""


class OtlpHttpSender:
    """Sends export bodies to one endpoint over one kept-alive connection (made on first use)."""

    def __init__(
        self,
        settings: OtlpSettings,
        *,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rand: Random = random.random,
    ) -> None:
        self._settings = settings
        self._url = urlsplit(settings.endpoint)
        self._target = (self._url.path or "/") + (f"?{self._url.query}" if self._url.query else "")
        self._sleep = sleep
        self._clock = clock
        self._rand = rand
        self._connection: http.client.HTTPConnection | None = None
        self._lock = threading.Lock()  # traces and metrics export from different threads
        self._headers = {
            **settings.headers,
            "Content-Type": CONTENT_TYPE,
            "User-Agent": "gcbctl-otlp",
        }
        if settings.gzip:
            self._headers["Content-Encoding"] = "gzip"

    @property
    def where(self) -> str:
        """The endpoint as safe to print: scheme, host, port and path only."""
        host = self._url.hostname or ""
        port = f":{self._url.port}" if self._url.port else ""
        return f"{self._url.scheme}://{host}{port}{self._url.path}"

    def send(self, body: bytes) -> Outcome:
        """POST `body`, retrying what may be retried until the timeout; never raises."""
        payload = gzip.compress(body, compresslevel=6) if self._settings.gzip else body
        deadline = self._clock() + self._settings.timeout_s
        attempt, backoff = 0, backoff_delays(BACKOFF, self._rand)
        with self._lock:
            while True:
                attempt += 1
                try:
                    status, retry_after, detail = self._post(payload, deadline)
                except _SetupError as exc:
                    return Outcome(False, None, attempt, str(exc))
                if status is not None and status not in RETRYABLE:
                    ok = 200 <= status < 300
                    return Outcome(ok, status, attempt, "" if ok else detail)
                delay = retry_after if retry_after is not None else next(backoff)
                if self._clock() + delay >= deadline:
                    return Outcome(False, status, attempt, detail)
                self._sleep(delay)

    def close(self) -> None:
        with self._lock:
            self._drop()

    def _post(self, payload: bytes, deadline: float) -> tuple[int | None, float | None, str]:
        """One attempt: (status or None, Retry-After seconds, what went wrong)."""
        remaining = max(deadline - self._clock(), 0.001)
        try:
            connection = self._connect(remaining)
            connection.timeout = remaining
            if connection.sock is not None:
                connection.sock.settimeout(remaining)
            connection.request("POST", self._target, body=payload, headers=self._headers)
            response = connection.getresponse()
            body = response.read()
        except (OSError, http.client.HTTPException) as exc:
            self._drop()
            return None, None, type(exc).__name__
        if response.will_close:
            self._drop()
        detail = f"status {response.status}"
        if body and response.status >= 400:
            detail += f": {body[:200].decode('utf-8', 'replace')}"
        return response.status, parse_retry_after(response.getheader("Retry-After")), detail

    def _connect(self, timeout: float) -> http.client.HTTPConnection:
        if self._connection is not None:
            return self._connection
        host, port = self._url.hostname or "localhost", self._url.port
        if self._url.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                host, port, timeout=timeout, context=self._tls()
            )
        else:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
        self._connection = connection
        return connection

    def _tls(self) -> ssl.SSLContext:
        """The system's trust store (or the configured CA file), and a client certificate for
        mutual TLS when one is configured."""
        settings = self._settings
        try:
            context = ssl.create_default_context(cafile=settings.certificate)
            if settings.client_certificate:
                context.load_cert_chain(settings.client_certificate, settings.client_key)
        except (OSError, ValueError) as exc:
            raise _SetupError(f"TLS files unusable ({type(exc).__name__})") from exc
        return context

    def _drop(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None
