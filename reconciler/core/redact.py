"""Keep secrets and phone numbers out of everything gcbctl shows, saves or exports.

Callback numbers are personal data and client secrets, tokens and webhook secrets are credentials:
renderers, the ledger, telemetry and error reporting pass text and JSON-like values through this
module before they leave the process. Numbers keep their last 4 digits so that a person can still
tell two callbacks apart; credentials are replaced entirely.

It is pure and fast (compiled patterns, cached secret matchers) and must not do I/O, read the
environment or know where secrets come from: callers hand it the secret values they hold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any, Final
from urllib.parse import quote, quote_plus

MASK: Final = "•"
REDACTED: Final = "[REDACTED]"
KEEP_DIGITS: Final = 4

# `+` and 7..15 digits, optionally split by single spaces, dots, dashes or brackets (E.164 and the
# way people write international numbers).
_INTERNATIONAL = r"(?<![\w+])\+\d(?:[ .()-]?\d){6,14}(?!\w)"
# A national number written with separators: (415) 555-0199, 415-555-0199, 415.555.0199.
_NATIONAL = r"(?<![\w.-])\(?\d{3}\)?[ .-]\d{3}[ .-]\d{4}(?![\w-])"
# A bare run of 10..15 digits (a number stored without its `+`).
_BARE = r"(?<![\w.+-])\d{10,15}(?![\w-])"
# The lookahead lets the scan skip positions that cannot start a number, which triples its speed.
_NUMBER_RE: Final = re.compile(f"(?=[+(\\d])(?:{_INTERNATIONAL}|{_NATIONAL}|{_BARE})")
# Every number pattern above needs at least 7 digits: a text with fewer holds no number.
_ENOUGH_DIGITS: Final = re.compile(r"(?:\d\D*){6}\d")
# Texts up to this length are memoised by `redact_text`; longer ones (error bodies) are not kept.
_MEMO_MAX_CHARS: Final = 200

_CREDENTIAL_RE: Final = re.compile(r"\b(Bearer|Basic)(\s+)[A-Za-z0-9._~+/=-]{4,}", re.IGNORECASE)
# `key=value` or `"key": "value"` for keys that hold credentials, in query strings, forms or JSON.
_KEYED_RE: Final = re.compile(
    r"(?P<key>\b(?:access_token|refresh_token|id_token|client_secret|password|api_key|secret)"
    r"\b[\"']?\s*[:=]\s*[\"']?)(?P<value>[^\"'&\s,;}]+)",
    re.IGNORECASE,
)

# Words that announce a credential (the prefixes of _CREDENTIAL_RE and _KEYED_RE) are looked for
# with `in` on the lower-cased text: an order of magnitude cheaper than a case-insensitive regex
# alternation tried at every position, and most texts (addresses, ids, outcomes) have none.
_DIGITS: Final = b"0123456789"

_NUMBER_KEYS: Final = frozenset({"callbacknumber", "phonenumber", "phone", "msisdn"})
_SECRET_KEYS: Final = frozenset(
    {
        "secret",
        "webhooksecret",
        "clientsecret",
        "authorization",
        "proxyauthorization",
        "accesstoken",
        "refreshtoken",
        "idtoken",
        "token",
        "password",
        "apikey",
        "cookie",
        "setcookie",
        "xwebhooksignature",
    }
)
# A secret *reference* (`{fromEnv: NAME}`) names where a secret lives; it is not the secret.
_REFERENCE_KEYS: Final = frozenset({"fromEnv", "fromFile", "from_env", "from_file"})


def mask_number(number: object) -> str:
    """`+14155550199` -> `•••••••0199`: one bullet per hidden digit, the last 4 digits kept."""
    digits = "".join(ch for ch in str(number) if ch.isdigit())
    if len(digits) <= KEEP_DIGITS:
        return MASK * KEEP_DIGITS
    return MASK * (len(digits) - KEEP_DIGITS) + digits[-KEEP_DIGITS:]


def mask_numbers(text: str) -> str:
    """Mask everything in `text` that looks like a phone number."""
    return _NUMBER_RE.sub(lambda match: mask_number(match.group()), text)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Replace the given secret values, credentials and key=value secrets; mask phone numbers."""
    known = secrets if isinstance(secrets, frozenset) else frozenset(secrets)
    if len(text) > _MEMO_MAX_CHARS:
        return _redact_text(text, known)
    return _redact_short(text, known)


@lru_cache(maxsize=4096)
def _redact_short(text: str, secrets: frozenset[str]) -> str:
    """Short texts repeat (action words, outcomes, targets, reasons): redact each once."""
    return _redact_text(text, secrets)


def _redact_text(text: str, secrets: frozenset[str]) -> str:
    matcher = _secret_matcher(secrets)
    if matcher is not None:
        text = matcher.sub(REDACTED, text)
    lower = text.lower()
    if "bearer" in lower or "basic" in lower:
        text = _CREDENTIAL_RE.sub(lambda m: f"{m.group(1)}{m.group(2)}{REDACTED}", text)
    if "token" in lower or "secret" in lower or "password" in lower or "api_key" in lower:
        text = _KEYED_RE.sub(lambda m: f"{m.group('key')}{REDACTED}", text)
    return mask_numbers(text) if _enough_digits(text) else text


def _enough_digits(text: str) -> bool:
    """Whether `text` has the 7 digits every number pattern needs (most texts do not)."""
    if text.isascii():  # count in C: delete the digits and compare lengths
        raw = text.encode("ascii")
        return len(raw) - len(raw.translate(None, _DIGITS)) >= 7
    return _ENOUGH_DIGITS.search(text) is not None  # other scripts' digits count too


def redact_mapping(obj: Any, secrets: Iterable[str] = ()) -> Any:
    """A copy of a JSON-like value with sensitive keys masked and every string redacted.

    Keys compare without case, `_` or `-` (`callbackNumber`, `callback_number` and
    `Callback-Number` are one key). Tuples come back as lists, as JSON would have them.
    """
    return _redact_value(obj, secrets if isinstance(secrets, frozenset) else frozenset(secrets))


def _redact_value(value: Any, secrets: frozenset[str]) -> Any:
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, Mapping):
        return {key: _redact_entry(str(key), item, secrets) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_redact_value(item, secrets) for item in value]
    return value


def _redact_entry(key: str, value: Any, secrets: frozenset[str]) -> Any:
    normal = _normal_key(key)
    if value is None:
        return None
    if normal in _NUMBER_KEYS:
        return mask_number(value)
    if normal in _SECRET_KEYS:
        if isinstance(value, Mapping) and value and set(value) <= _REFERENCE_KEYS:
            return _redact_value(value, secrets)
        return REDACTED
    return _redact_value(value, secrets)


@lru_cache(maxsize=1024)
def _normal_key(key: str) -> str:
    return key.lower().replace("_", "").replace("-", "")


@lru_cache(maxsize=64)
def _secret_matcher(secrets: frozenset[str]) -> re.Pattern[str] | None:
    """One alternation over every secret as written, JSON-escaped and URL-encoded."""
    variants: set[str] = set()
    for secret in filter(None, secrets):
        variants.update(
            {secret, json.dumps(secret)[1:-1], quote(secret, safe=""), quote_plus(secret)}
        )
    if not variants:
        return None
    ordered = sorted(variants, key=len, reverse=True)
    return re.compile("|".join(re.escape(v) for v in ordered))
