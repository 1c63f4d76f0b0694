"""`gcbctl sandbox` as a process: ready file, credentials, clean stop on signals, --state."""

from __future__ import annotations

import signal
import ssl
import subprocess
from pathlib import Path
from typing import Any

import httpx
from websockets.sync.client import connect

from reconciler.sandbox.testing import loopback_tls
from tests.sandbox.process import sandbox_process

REPO = Path(__file__).resolve().parents[2]


def _token(info: dict[str, Any], verify: ssl.SSLContext | None = None) -> str:
    client = info["clients"][0]
    response = httpx.post(
        f"{info['base_url']}/oauth/token",
        auth=(client["client_id"], client["client_secret"]),
        data={"grant_type": "client_credentials"},
        trust_env=False,
        verify=verify or loopback_tls(),
    )
    return str(response.json()["access_token"])


def _self_signed(tmp_path: Path) -> tuple[Path, Path]:
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subject = ("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1")
    files = ("-keyout", str(key), "-out", str(cert))
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            *subject,
            *files,
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def test_ready_file_credentials_tls_and_sigterm(tmp_path: Path) -> None:
    """The ready file names a working https/wss base URL and clients; SIGTERM exits 0."""
    cert, key = _self_signed(tmp_path)
    trusted = ssl.create_default_context(cafile=str(cert))
    args = ("--clock", "2026-12-01T00:00:00Z", "--admin-token", "t0k")
    tls = ("--tls-cert", str(cert), "--tls-key", str(key))
    with sandbox_process(tmp_path, *args, *tls) as (process, info):
        assert info["base_url"].startswith("https://127.0.0.1:")
        assert info["admin_token"] == "t0k"
        assert info["clients"][0] == {
            "client_id": "gcbctl-sandbox",
            "client_secret": "sandbox-secret-0000",
            "scopes": ["callback:read", "callback:write", "webhook:read", "webhook:write"],
        }
        token = _token(info, trusted)
        queues = httpx.get(
            f"{info['base_url']}/api/v2/queues",
            headers={"Authorization": f"Bearer {token}"},
            trust_env=False,
            verify=trusted,
        )
        assert queues.headers["date"].startswith("Tue, 01 Dec 2026")
        wss = "wss" + info["base_url"].removeprefix("https") + "/api/v2/callbacks/websocket"
        with connect(wss, ssl=trusted, additional_headers={"Authorization": f"Bearer {token}"}):
            pass
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=10)
    assert process.returncode == 0
    assert info["base_url"] in out
    assert "sandbox-secret-0000" in out
    assert "stopped" in out


def test_state_survives_a_restart(tmp_path: Path) -> None:
    """With --state, callbacks and the event sequence survive SIGINT and a restart."""
    state = tmp_path / "state.json"
    payload = {
        "callback_id": "cb_keep",
        "callback_number": "+14155550199",
        "time_slot_matrix": [
            {"start": "2026-12-15T14:00:00-05:00", "end": "2026-12-15T14:15:00-05:00"}
        ],
        "channel_preferences": {"primary": "voice", "fallback": "none", "allow_sms": False},
        "queue_id": "queue_12345",
    }
    args = ("--state", str(state), "--clock", "2026-12-01T00:00:00Z")
    with sandbox_process(tmp_path, *args) as (process, info):
        headers = {"Authorization": f"Bearer {_token(info)}"}
        made = httpx.post(
            f"{info['base_url']}/api/v2/callbacks",
            json=payload,
            headers=headers,
            trust_env=False,
            verify=loopback_tls(),
        ).json()
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=10)
    assert process.returncode == 0
    assert oct(state.stat().st_mode & 0o777) == "0o600"
    with sandbox_process(tmp_path, *args) as (process, info):
        headers = {"Authorization": f"Bearer {_token(info)}"}
        again = httpx.get(
            f"{info['base_url']}/api/v2/callbacks/{made['id']}",
            headers=headers,
            trust_env=False,
            verify=loopback_tls(),
        )
        admin = httpx.get(
            f"{info['base_url']}/_sandbox/state",
            headers={"Authorization": "Bearer sandbox-admin-0000"},
            trust_env=False,
            verify=loopback_tls(),
        )
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert again.json() == made
    assert admin.json()["next_sequence"] == 2


def test_bad_options_are_usage_errors(gcbctl: Any, tmp_path: Path) -> None:
    """A bad --clock or an unreadable --fixture exits 64 with a hint, serving nothing."""
    result = gcbctl("sandbox", "--clock", "soon", "--port", "0")
    assert result.code == 64
    assert "--clock" in result.err
    broken = tmp_path / "fixture.yaml"
    broken.write_text("queues: [{id: q}]\nclients: []\n")
    result = gcbctl("sandbox", "--fixture", str(broken), "--port", "0")
    assert result.code == 64
    assert "q" in result.err
