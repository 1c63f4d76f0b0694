"""The pure retry classifier and backoff generator."""

from __future__ import annotations

import itertools

from reconciler.core.retry import (
    RetryPolicy,
    Verdict,
    backoff_delays,
    classify,
    parse_retry_after,
    retry_after_wait,
)


def test_classifier_decides_each_kind_of_outcome() -> None:
    """2xx/4xx are final, 401 refreshes, 429 always retries, 5xx and network only when safe."""
    assert classify(200, retry_safe=False) is Verdict.DONE
    assert classify(404, retry_safe=True) is Verdict.DONE
    assert classify(409, retry_safe=True) is Verdict.DONE
    assert classify(401, retry_safe=False) is Verdict.REFRESH
    assert classify(429, retry_safe=False) is Verdict.RETRY
    assert classify(503, retry_safe=True) is Verdict.RETRY
    assert classify(503, retry_safe=False) is Verdict.DONE
    assert classify(501, retry_safe=True) is Verdict.DONE
    assert classify(None, retry_safe=True) is Verdict.RETRY
    assert classify(None, retry_safe=False) is Verdict.DONE
    assert classify(None, retry_safe=False, sent=False) is Verdict.RETRY


def test_backoff_grows_exponentially_up_to_the_cap_with_full_jitter() -> None:
    """With rand=1 the ceilings are base*2**n capped; with rand=0 every wait is zero."""
    policy = RetryPolicy(base=0.5, cap=4.0)
    assert list(itertools.islice(backoff_delays(policy, lambda: 1.0), 6)) == [
        0.5,
        1.0,
        2.0,
        4.0,
        4.0,
        4.0,
    ]
    assert set(itertools.islice(backoff_delays(policy, lambda: 0.0), 5)) == {0.0}


def test_retry_after_is_parsed_and_bounded() -> None:
    """Retry-After seconds are honoured with a small jitter; absurd or odd values are not."""
    policy = RetryPolicy(max_retry_after=60)
    assert parse_retry_after("7") == 7.0
    assert parse_retry_after(" 1.5 ") == 1.5
    assert parse_retry_after("soon") is None
    assert parse_retry_after("-1") is None
    assert parse_retry_after("nan") is None
    assert parse_retry_after(None) is None
    assert retry_after_wait(7.0, policy, lambda: 1.0) == 7.1
    assert retry_after_wait(600.0, policy, lambda: 0.0) is None
