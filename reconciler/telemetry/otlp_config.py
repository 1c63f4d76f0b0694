"""Where and how OTLP/HTTP export sends, from the standard `OTEL_EXPORTER_OTLP_*` variables.

Each setting has a per-signal variable (`OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, `..._METRICS_...`)
that wins over the general one, as the OpenTelemetry specification says:

- ENDPOINT: a per-signal endpoint is the full URL; the general one is a base URL to which
  `v1/traces` or `v1/metrics` is appended. Default `http://localhost:4318`.
- HEADERS: `key=value` pairs separated by commas, values percent-decoded.
- TIMEOUT: milliseconds for one export, retries included. Default 10000. (The specification says
  milliseconds; some SDKs read seconds. gcbctl follows the specification.)
- COMPRESSION: `gzip` or `none`.
- CERTIFICATE, CLIENT_CERTIFICATE, CLIENT_KEY: PEM files for TLS and mutual TLS.
- PROTOCOL: gcbctl speaks `http/protobuf`; any other value is reported and ignored.

Problems are collected as warnings rather than raised: a typo in telemetry settings must not stop
an apply, but it must not pass silently either.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final, Literal
from urllib.parse import unquote, urlsplit

Signal = Literal["traces", "metrics"]

DEFAULT_ENDPOINT: Final = "http://localhost:4318"
DEFAULT_TIMEOUT_S: Final = 10.0
PROTOCOL: Final = "http/protobuf"
_PREFIX: Final = "OTEL_EXPORTER_OTLP_"


@dataclass(frozen=True, slots=True)
class OtlpSettings:
    """One signal's export settings. `headers` may hold credentials: never print them."""

    endpoint: str
    headers: Mapping[str, str] = field(default_factory=dict, repr=False)
    timeout_s: float = DEFAULT_TIMEOUT_S
    gzip: bool = False
    certificate: str | None = None
    client_certificate: str | None = None
    client_key: str | None = None
    warnings: tuple[str, ...] = ()


def otlp_settings(signal: Signal, environ: Mapping[str, str]) -> OtlpSettings:
    """The settings for `signal`, per-signal variables first."""
    warnings: list[str] = []

    def get(name: str) -> str | None:
        value = environ.get(f"{_PREFIX}{signal.upper()}_{name}") or environ.get(_PREFIX + name)
        return value.strip() if value and value.strip() else None

    return OtlpSettings(
        endpoint=_endpoint(signal, environ, warnings),
        headers=_headers(get("HEADERS"), warnings),
        timeout_s=_timeout(get("TIMEOUT"), warnings),
        gzip=_compression(get("COMPRESSION"), warnings),
        certificate=get("CERTIFICATE"),
        client_certificate=get("CLIENT_CERTIFICATE"),
        client_key=get("CLIENT_KEY"),
        warnings=(*_protocol(get("PROTOCOL")), *warnings),
    )


def _endpoint(signal: Signal, environ: Mapping[str, str], warnings: list[str]) -> str:
    own = environ.get(f"{_PREFIX}{signal.upper()}_ENDPOINT", "").strip()
    if own:
        return _checked_url(own, f"{_PREFIX}{signal.upper()}_ENDPOINT", warnings)
    base = environ.get(f"{_PREFIX}ENDPOINT", "").strip() or DEFAULT_ENDPOINT
    base = _checked_url(base, f"{_PREFIX}ENDPOINT", warnings)
    return f"{base if base.endswith('/') else base + '/'}v1/{signal}"


def _checked_url(url: str, name: str, warnings: list[str]) -> str:
    parts = urlsplit(url)
    if parts.scheme in ("http", "https") and parts.hostname:
        return url
    warnings.append(f"{name} is not an http(s) URL; using {DEFAULT_ENDPOINT}")
    return DEFAULT_ENDPOINT


def _headers(raw: str | None, warnings: list[str]) -> dict[str, str]:
    """`k1=v1,k2=v2`; a pair without `=` or without a key is reported (by position, never by
    value: header values are usually credentials) and skipped."""
    headers: dict[str, str] = {}
    for position, pair in enumerate((raw or "").split(","), start=1):
        if not pair.strip():
            continue
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            warnings.append(f"OTLP header #{position} is not key=value; it is not sent")
            continue
        headers[unquote(key.strip())] = unquote(value.strip())
    return headers


def _timeout(raw: str | None, warnings: list[str]) -> float:
    if raw is None:
        return DEFAULT_TIMEOUT_S
    try:
        milliseconds = float(raw)
    except ValueError:
        milliseconds = math.nan
    if not math.isfinite(milliseconds) or milliseconds <= 0:
        warnings.append(f"OTLP timeout {raw!r} is not a positive number of milliseconds")
        return DEFAULT_TIMEOUT_S
    return milliseconds / 1000


def _compression(raw: str | None, warnings: list[str]) -> bool:
    choice = (raw or "none").lower()
    if choice not in ("gzip", "none"):
        warnings.append(f"OTLP compression {raw!r} is not supported; sending uncompressed")
    return choice == "gzip"


def _protocol(raw: str | None) -> tuple[str, ...]:
    if raw is None or raw.lower() == PROTOCOL:
        return ()
    return (f"OTLP protocol {raw!r} is not supported; gcbctl exports over {PROTOCOL}",)
