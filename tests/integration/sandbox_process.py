"""A sandbox in a child process, for tests whose client load would starve an in-process one.

The child runs `running_sandbox` and prints its URL; closing its stdin stops it. Admin calls go
through the usual `Sandbox` handle over HTTP.
"""

from __future__ import annotations

import contextlib
import subprocess
import sys
from collections.abc import Iterator

from reconciler.sandbox.settings import DEFAULT_ADMIN_TOKEN
from reconciler.sandbox.testing import Sandbox
from tests.conftest import REPO

_SERVE = """
import sys
from reconciler.sandbox.testing import running_sandbox
with running_sandbox(clock=sys.argv[1], rate_limit=int(sys.argv[2])) as sandbox:
    print(sandbox.base_url, flush=True)
    sys.stdin.read()
"""


@contextlib.contextmanager
def sandbox_process(clock: str, rate_limit: int) -> Iterator[Sandbox]:
    """A running sandbox in a child process for the duration of the block."""
    child = subprocess.Popen(
        [sys.executable, "-c", _SERVE, clock, str(rate_limit)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        cwd=REPO,
    )
    assert child.stdout is not None
    assert child.stdin is not None
    handle = Sandbox(base_url=child.stdout.readline().strip(), admin_token=DEFAULT_ADMIN_TOKEN)
    try:
        yield handle
    finally:
        handle.close()
        child.stdin.close()
        child.wait(timeout=30)
        child.stdout.close()
