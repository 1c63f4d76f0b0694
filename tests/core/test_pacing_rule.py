"""The pure pacer: staying inside the rate limit without wasting it."""

from __future__ import annotations

import pytest

from reconciler.core.pacing import Pacer, RateWindow, looks_like_bucket, parse_rate_headers


def test_headers_parse_into_a_window() -> None:
    """The three inin-ratelimit headers become a RateWindow; missing or bad ones give None."""
    headers = {
        "inin-ratelimit-allowed": "300",
        "inin-ratelimit-count": "12",
        "inin-ratelimit-reset": "41",
    }
    assert parse_rate_headers(headers) == RateWindow(300, 12, 41.0)
    assert parse_rate_headers({"inin-ratelimit-allowed": "300"}) is None
    assert parse_rate_headers({**headers, "inin-ratelimit-count": "x"}) is None


def test_no_wait_before_anything_is_known() -> None:
    """Before the first answer the pacer lets requests through."""
    pacer = Pacer()
    assert [pacer.reserve(0.0)[1] for _ in range(5)] == [0.0] * 5


def test_budget_is_spread_evenly_over_the_window() -> None:
    """100 left (after headroom) over 10 s: one request every 0.1 s."""
    pacer = Pacer(headroom=0.0)
    seq, _ = pacer.reserve(0.0)
    pacer.observe(RateWindow(allowed=1001, count=900, reset=10.0), seq=seq, now=0.0)
    waits = [pacer.reserve(0.0)[1] for _ in range(5)]
    assert waits[0] == 0.0
    assert waits[1] == pytest.approx(0.1)
    assert waits[4] == pytest.approx(0.4, rel=0.02)


def test_requests_in_flight_count_as_spent() -> None:
    """Requests sent after the observed one reduce the budget even before they are answered."""
    pacer = Pacer(headroom=0.0)
    seqs = [pacer.reserve(0.0)[0] for _ in range(10)]
    pacer.observe(RateWindow(allowed=12, count=2, reset=60.0), seq=seqs[0], now=0.0)
    # 9 sent after the observed one, 1 allowed minus spare left: the next waits for the reset.
    _, wait = pacer.reserve(0.0)
    _, after = pacer.reserve(0.0)
    assert wait == 0.0 or after > 0.0
    assert max(wait, after) >= 59.0


def test_spent_budget_waits_for_reset() -> None:
    """When count reaches allowed, the next request waits for the window to reset."""
    pacer = Pacer()
    seq, _ = pacer.reserve(0.0)
    pacer.observe(RateWindow(allowed=100, count=100, reset=7.0), seq=seq, now=0.0)
    assert pacer.reserve(1.0)[1] == pytest.approx(6.0)


def test_older_answers_do_not_overwrite_newer_ones() -> None:
    """An answer to an earlier request arriving late is ignored."""
    pacer = Pacer()
    first, _ = pacer.reserve(0.0)
    second, _ = pacer.reserve(0.0)
    pacer.observe(RateWindow(allowed=100, count=100, reset=5.0), seq=second, now=0.0)
    pacer.observe(RateWindow(allowed=100, count=0, reset=5.0), seq=first, now=0.0)
    assert pacer.reserve(0.0)[1] == pytest.approx(5.0)


def test_pause_until_holds_every_request() -> None:
    """After a Retry-After pause no request is scheduled before the pause ends."""
    pacer = Pacer()
    pacer.pause_until(3.0)
    assert pacer.reserve(1.0)[1] == pytest.approx(2.0)


def paced_against_bucket(
    allowed: int, rate: float, *, tokens: float, seconds: float, step: float
) -> tuple[int, int]:
    """A pacer sending into a simulated token bucket (`allowed` tokens, refilled `rate`/s, its
    headers saying reset = time until full): (requests accepted, requests refused)."""
    now, sent, refused = 0.0, 0, 0
    pacer = Pacer()
    while now < seconds:
        seq, wait = pacer.reserve(now)
        now += wait
        tokens = min(allowed, tokens + wait * rate)
        if tokens >= 1:
            tokens -= 1
            sent += 1
        else:
            refused += 1
        count = allowed - int(tokens)
        pacer.observe(RateWindow(allowed, count, count / rate), seq=seq, now=now)
        now += step
        tokens = min(allowed, tokens + step * rate)
    return sent, refused


def test_steady_state_token_bucket_matches_refill_rate() -> None:
    """Against a simulated token bucket the pacer settles near the refill rate without 429s."""
    allowed, rate = 100, 10.0
    sent, refused = paced_against_bucket(allowed, rate, tokens=allowed, seconds=60.0, step=0.001)
    assert refused == 0
    assert sent / 60.0 >= 0.9 * rate


def test_token_bucket_headers_are_recognised() -> None:
    """reset == count * 60 / allowed marks a token bucket; an unrelated reset a fixed window."""
    assert looks_like_bucket(RateWindow(allowed=6000, count=3000, reset=30.0))
    assert looks_like_bucket(RateWindow(allowed=300, count=7, reset=2.0))
    assert not looks_like_bucket(RateWindow(allowed=300, count=7, reset=41.0))


def test_drained_token_bucket_is_used_at_its_refill_rate() -> None:
    """From an empty bucket the pacer sends at the refill rate; only the blind first try fails."""
    allowed, rate = 600, 10.0
    sent, refused = paced_against_bucket(allowed, rate, tokens=0.0, seconds=30.0, step=0.002)
    assert refused <= 1
    assert sent / 30.0 >= 0.9 * rate
