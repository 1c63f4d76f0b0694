"""The HTTP client for the callback platform: the only place gcbctl catches httpx errors.

Public surface: `ApiClient`, `ApiResponse`, `Credentials`, the `Observer` hooks and the clock and
sleeper seams. Everything in `_modules` is private and may change.
"""

from reconciler.client._auth import ALL_SCOPES, Credentials, TokenCache
from reconciler.client._http import ApiClient, ApiResponse
from reconciler.client._seams import AsyncioSleeper, Clock, FakeTime, Sleeper, SystemClock
from reconciler.client._trace import TraceparentSource, current_traceparent, random_traceparent
from reconciler.client.correlation import collect_correlation_ids
from reconciler.client.observer import CountingObserver, NullObserver, Observer, RequestInfo

__all__ = [
    "ALL_SCOPES",
    "ApiClient",
    "ApiResponse",
    "AsyncioSleeper",
    "Clock",
    "CountingObserver",
    "Credentials",
    "FakeTime",
    "NullObserver",
    "Observer",
    "RequestInfo",
    "Sleeper",
    "SystemClock",
    "TokenCache",
    "TraceparentSource",
    "collect_correlation_ids",
    "current_traceparent",
    "random_traceparent",
]
