"""A small OTLP/HTTP receiver on 127.0.0.1 for tests and the overhead benchmarks.

It accepts `POST /v1/traces` and `POST /v1/metrics`, keeps the bodies (un-gzipped) and the
request headers, and answers 200 with an empty body, which is all an OTLP/HTTP exporter needs.
A test can script the first answers (`answers=[(503, {"Retry-After": "0"}), ...]`) and serve
over TLS (`tls=(cert, key)`).
"""

from __future__ import annotations

import gzip
import ssl
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest

Answer = tuple[int, Mapping[str, str]]


@dataclass
class Received:
    bodies: dict[str, list[bytes]] = field(default_factory=dict)
    headers: list[dict[str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, body: bytes, headers: dict[str, str]) -> None:
        with self.lock:
            self.bodies.setdefault(path, []).append(body)
            self.headers.append(headers)

    def raw(self, path: str = "/v1/traces") -> bytes:
        with self.lock:
            return b"".join(self.bodies.get(path, []))

    def requests(self) -> int:
        with self.lock:
            return len(self.headers)

    def traces(self) -> list[ExportTraceServiceRequest]:
        with self.lock:
            bodies = list(self.bodies.get("/v1/traces", []))
        return [ExportTraceServiceRequest.FromString(body) for body in bodies]

    def metrics(self) -> list[ExportMetricsServiceRequest]:
        with self.lock:
            bodies = list(self.bodies.get("/v1/metrics", []))
        return [ExportMetricsServiceRequest.FromString(body) for body in bodies]

    def span_names(self) -> list[str]:
        return [
            span.name
            for request in self.traces()
            for resource in request.resource_spans
            for scope in resource.scope_spans
            for span in scope.spans
        ]


@contextmanager
def otlp_receiver(
    answers: Sequence[Answer] = (),
    tls: tuple[Path, Path] | None = None,
    gate: threading.Barrier | None = None,
) -> Iterator[tuple[str, Received]]:
    """A running receiver: yields its base URL (for OTEL_EXPORTER_OTLP_ENDPOINT) and its store.

    With `gate`, every request waits at the barrier before it is answered, and is answered 503
    if the barrier breaks (its timeout passes): the requests it lets through were in flight at
    the same time."""
    received = Received()
    script = list(answers)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive, as collectors do

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            with received.lock:
                status, extra = script.pop(0) if script else (200, {})
            if gate is not None:
                try:
                    gate.wait()
                except threading.BrokenBarrierError:
                    status = 503
            if status == 200:
                received.add(self.path, body, dict(self.headers.items()))
            self.send_response(status)
            self.send_header("Content-Type", "application/x-protobuf")
            for name, value in extra.items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    scheme = "http"
    if tls is not None:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(*tls)
        server.socket = context.wrap_socket(server.socket, server_side=True)
        scheme = "https"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"{scheme}://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
