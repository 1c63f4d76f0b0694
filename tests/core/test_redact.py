"""Redaction: numbers keep only their last 4 digits, secrets and credentials never survive."""

from __future__ import annotations

import time

import pytest

from reconciler.core.redact import REDACTED, mask_number, redact_mapping, redact_text

NUMBER = "+14155550199"
SECRET = "sandbox-secret-0000"


def test_mask_number_keeps_last_four_digits() -> None:
    """An E.164 number becomes one bullet per hidden digit and its last 4 digits."""
    assert mask_number(NUMBER) == "•••••••0199"


def test_mask_number_hides_short_values_entirely() -> None:
    """A value of 4 digits or fewer reveals nothing."""
    assert mask_number("12") == "••••"


@pytest.mark.parametrize(
    "text",
    [
        "call +14155550199 now",
        "call +1 415-555-0199 now",
        "call +44 20 7946 0958 now",
        "call (415) 555-0199 now",
        "call 415.555.0199 now",
        "number 14155550199 is invalid",
        '{"callback_number":"+14155550199"}',
    ],
)
def test_redact_text_masks_phone_numbers(text: str) -> None:
    """Every usual way of writing a phone number is masked down to its last 4 digits."""
    out = redact_text(text)
    digits = "".join(ch for ch in out if ch.isdigit())
    assert len(digits) <= 4
    assert "•" in out


@pytest.mark.parametrize(
    "text",
    [
        "2026-12-15T14:00:00-05:00",
        "2026-12-15T14:00:00+05:30",
        "queue_12345 version 3 slot 15",
        "cb_9f8e7d6c-5a4b3c2d",
        "127.0.0.1:8080",
        "sha256 " + "0123456789abcdef" * 4,
        "opentelemetry 1.45.2",
    ],
)
def test_redact_text_leaves_times_ids_and_hashes_alone(text: str) -> None:
    """Timestamps, ids, hashes, addresses and versions are not mistaken for phone numbers."""
    assert redact_text(text) == text


def test_redact_text_removes_secrets_in_every_encoding() -> None:
    """A known secret is removed as written, JSON-escaped and URL-encoded."""
    secret = 'p@ss "w0rd"/&x'
    escaped = secret.replace('"', '\\"')
    text = f'raw={secret} json="{escaped}" url=p%40ss%20%22w0rd%22%2F%26x'
    out = redact_text(text, [secret])
    assert "w0rd" not in out
    assert out.count(REDACTED) == 3


def test_redact_text_removes_credentials() -> None:
    """Bearer and Basic credentials and key=value secrets lose their values."""
    text = (
        "Authorization: Bearer eyJhbGciOi.abc-def_123 "
        "Authorization: Basic Z2NiY3RsLXNhbmRib3g6c2FuZGJveC1zZWNyZXQtMDAwMA== "
        'client_secret=hunter2&x=1 {"access_token": "tok123456"}'
    )
    out = redact_text(text)
    for leaked in ("eyJhbGciOi", "Z2NiY3Rs", "hunter2", "tok123456"):
        assert leaked not in out
    assert "x=1" in out


def test_redact_mapping_masks_sensitive_keys_in_any_spelling() -> None:
    """Keys match without case, `_` or `-`; secret references survive, secret values do not."""
    value = {
        "callbackNumber": NUMBER,
        "Callback-Number": NUMBER,
        "headers": {"Authorization": "Bearer abcdef", "X-Trace": "ok"},
        "webhook": {"secret": SECRET, "secret_sha256": "ab" * 32},
        "ref": {"secret": {"fromEnv": "CALENDAR_WEBHOOK_SECRET"}},
        "items": ({"client_secret": "x", "note": f"see {NUMBER}"},),
        "count": 3,
    }
    out = redact_mapping(value, [SECRET])
    assert out["callbackNumber"] == out["Callback-Number"] == "•••••••0199"
    assert out["headers"] == {"Authorization": REDACTED, "X-Trace": "ok"}
    assert out["webhook"]["secret"] == REDACTED
    assert out["webhook"]["secret_sha256"] == "ab" * 32
    assert out["ref"] == {"secret": {"fromEnv": "CALENDAR_WEBHOOK_SECRET"}}
    assert out["items"] == [{"client_secret": REDACTED, "note": "see •••••••0199"}]
    assert out["count"] == 3


def test_redact_text_is_idempotent() -> None:
    """Redacting twice gives the same text as redacting once."""
    once = redact_text(f"Bearer abcdef {NUMBER} {SECRET}", [SECRET])
    assert redact_text(once, [SECRET]) == once


def test_redact_text_is_fast() -> None:
    """Ten thousand log-sized lines with secrets take well under two seconds, even on a busy CI."""
    line = f"POST /api/v2/callbacks cb_1 {NUMBER} status 201 in 12 ms {SECRET}"
    started = time.perf_counter()
    for _ in range(10_000):
        redact_text(line, [SECRET, "readonly-secret-0000"])
    assert time.perf_counter() - started < 2.0
