"""A tiny OTLP/HTTP receiver on 127.0.0.1 for tests and the ledger benchmark.

It accepts `POST /v1/traces` and `POST /v1/metrics`, keeps the raw protobuf bodies, and answers
200 with an empty body, which is all the OTLP/HTTP exporter needs.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import ExportTraceServiceRequest


@dataclass
class Received:
    bodies: dict[str, list[bytes]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, body: bytes) -> None:
        with self.lock:
            self.bodies.setdefault(path, []).append(body)

    def raw(self, path: str = "/v1/traces") -> bytes:
        with self.lock:
            return b"".join(self.bodies.get(path, []))

    def span_names(self) -> list[str]:
        names = []
        with self.lock:
            bodies = list(self.bodies.get("/v1/traces", []))
        for body in bodies:
            request = ExportTraceServiceRequest()
            request.ParseFromString(body)
            for resource in request.resource_spans:
                for scope in resource.scope_spans:
                    names.extend(span.name for span in scope.spans)
        return names


@contextmanager
def otlp_receiver() -> Iterator[tuple[str, Received]]:
    """A running receiver: yields its base URL (for OTEL_EXPORTER_OTLP_ENDPOINT) and its store."""
    received = Received()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            received.add(self.path, self.rfile.read(length))
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
