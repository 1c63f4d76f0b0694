"""A Go client written the way the product document writes one works against the sandbox.

`go_client/main.go` uses golang.org/x/net/websocket, github.com/vmihailenco/msgpack/v5 and
github.com/google/uuid from the Debian packages (GOPATH mode, no module download). It is built once
per source and toolchain version into a cache under the system temporary folder. When `go` or those
packages are missing the tests are skipped: CI images need not carry a Go toolchain.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from go_style import GO_NIL, go_frame

from reconciler.sandbox.testing import Sandbox, running_sandbox

SOURCE = Path(__file__).resolve().parent / "go_client" / "main.go"
GOPATH_ROOTS = (Path("/usr/share/gocode"),)
NEEDED = {
    "golang.org/x/net/websocket": "golang-golang-x-net-dev",
    "github.com/vmihailenco/msgpack/v5": "golang-github-vmihailenco-msgpack.v5-dev",
    "github.com/vmihailenco/tagparser/v2": "golang-github-vmihailenco-msgpack.v5-dev",
    "github.com/google/uuid": "golang-github-google-uuid-dev",
}
ACK_TIMEOUT = 0.3


def _go_env(cache: Path) -> dict[str, str]:
    """A minimal environment: GOPATH mode over the Debian sources, no proxy, no network."""
    roots = [cache / "gopath", *GOPATH_ROOTS]
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(cache),
        "GO111MODULE": "off",
        "GOPATH": os.pathsep.join(str(root) for root in roots),
        "GOCACHE": str(cache / "gocache"),
        "GOFLAGS": "",
        "GOPROXY": "off",
    }


def _missing_packages() -> list[str]:
    return [
        f"{path} (apt package {package})"
        for path, package in NEEDED.items()
        if not any((root / "src" / path).is_dir() for root in GOPATH_ROOTS)
    ]


@pytest.fixture(scope="session")
def go_client() -> Path:
    """The built Go client, or a skip saying which toolchain part is absent."""
    go = shutil.which("go")
    if go is None:
        pytest.skip("no `go` toolchain on PATH (apt-get install golang-go to run the Go interop)")
    if missing := _missing_packages():
        pytest.skip("Debian Go libraries missing: " + ", ".join(missing))
    cache = Path(tempfile.gettempdir()) / "gcbctl-go-interop"
    cache.mkdir(exist_ok=True)
    env = _go_env(cache)
    version = subprocess.run(
        [go, "version"], env=env, capture_output=True, text=True, check=True
    ).stdout
    key = hashlib.sha256(SOURCE.read_bytes() + version.encode()).hexdigest()[:16]
    binary = cache / f"go_client-{key}"
    if not binary.exists():
        partial = cache / f"go_client-{key}.{os.getpid()}.tmp"
        built = subprocess.run(
            [go, "build", "-o", str(partial), str(SOURCE)],
            env=env,
            capture_output=True,
            text=True,
            timeout=110,
            check=False,
        )
        if built.returncode != 0:
            pytest.fail(f"go build failed:\n{built.stderr}")
        partial.replace(binary)
    return binary


@pytest.fixture
def sandbox_fast_acks() -> Iterator[Sandbox]:
    """A sandbox at 2026-12-01T15:00Z with a short ack timeout and frequent heartbeats."""
    with running_sandbox(
        clock="2026-12-01T15:00:00Z", ack_timeout_seconds=ACK_TIMEOUT, heartbeat_seconds=0.1
    ) as running:
        yield running


def _run(client: Path, sandbox: Sandbox, *args: str) -> dict[str, Any]:
    """Run the Go client against `sandbox`; its last stdout line is a JSON summary."""
    done = subprocess.run(
        [str(client), "-base-url", sandbox.base_url, "-admin-token", sandbox.admin_token, *args],
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin")},
        capture_output=True,
        text=True,
        timeout=25,
        check=False,
    )
    assert done.returncode == 0, f"go client failed:\n{done.stderr}{done.stdout}"
    summary: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["ok"] is True
    assert summary["webhook_delivery"] is True
    assert summary["ack_timeout_seconds"] == pytest.approx(ACK_TIMEOUT)
    return summary


def _booked(sandbox: Sandbox, summary: dict[str, Any]) -> dict[str, Any]:
    [callback] = [c for c in sandbox.state()["callbacks"] if c["id"] == summary["id"]]
    assert callback["callback_time"] == "2026-12-02T19:00:00.000Z"
    return dict(callback)


def test_go_binary_message_ack_stops_redelivery(
    go_client: Path, sandbox_fast_acks: Sandbox
) -> None:
    """With PayloadType = BinaryFrame the seed's JSON ack is honoured: no redelivery."""
    summary = _run(go_client, sandbox_fast_acks, "-ack-mode", "binary")
    assert (summary["payload_type"], summary["redeliveries"]) == (2, 0)
    assert summary["connection"]["acked"] == 1
    assert _booked(sandbox_fast_acks, summary)["status"] == "scheduled"


def test_go_seed_literal_text_message_ack_stops_redelivery(
    go_client: Path, sandbox_fast_acks: Sandbox
) -> None:
    """The seed as written (conn.Write on a default Conn = text message) is acked too."""
    summary = _run(go_client, sandbox_fast_acks, "-ack-mode", "text")
    assert (summary["payload_type"], summary["redeliveries"]) == (1, 0)
    assert summary["connection"]["acked"] == 1
    _booked(sandbox_fast_acks, summary)


def test_go_seed_object_id_ack_stops_redelivery(
    go_client: Path, sandbox_fast_acks: Sandbox
) -> None:
    """The complete example's {"status":"ack","id":...} form, with the server's id, is honoured."""
    summary = _run(go_client, sandbox_fast_acks, "-ack-mode", "text", "-ack-form", "id")
    assert (summary["redeliveries"], summary["connection"]["acked"]) == (0, 1)


def test_go_without_ack_sees_redelivery(go_client: Path, sandbox_fast_acks: Sandbox) -> None:
    """Control: the same watch does see the event again when the Go client never acks."""
    summary = _run(go_client, sandbox_fast_acks, "-ack-mode", "none")
    assert summary["redeliveries"] >= 1
    assert summary["connection"]["unacked"] == 1
    assert summary["connection"]["acked"] == 0


@pytest.mark.parametrize(
    ("frame_type", "payload", "stamp"),
    [(2, b'{"status":"ack","correlation_id":"c"}', 1_796_137_200_000), (7, b"", 0), (-1, None, -5)]
    + [(1, b"p" * size, 2**40) for size in (255, 256, 70_000)],
)
def test_python_go_style_builder_matches_go(
    go_client: Path, frame_type: int, payload: bytes | None, stamp: int
) -> None:
    """`go_style.go_frame` equals what Go's msgpack/v5 writes for the seed's BinaryFrame."""
    shown = "<nil>" if payload is GO_NIL else (payload or b"").decode()
    flags = [
        "-frame-type",
        str(frame_type),
        "-frame-payload",
        shown,
        "-frame-timestamp",
        str(stamp),
    ]
    printed = subprocess.run(
        [str(go_client), "-print-frame", *flags],
        capture_output=True,
        text=True,
        timeout=10,
        check=True,
    ).stdout.strip()
    assert printed == go_frame(frame_type, payload, stamp).hex()
