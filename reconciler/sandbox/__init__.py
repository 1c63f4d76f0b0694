"""`gcbctl sandbox`: a local, faithful server for the callback platform API (callback-api.md).

The sandbox is an independent implementation of the platform: it shares only the wire codec
(`reconciler.wire`) and the error tree (`reconciler.errors`) with the rest of gcbctl, so that the
client side is tested against a real server rather than against its own assumptions. It must not
import the client, the drivers, the core or the CLI.

Three ways to use it: `create_app()` as an ASGI app in-process, `reconciler.sandbox.testing.
running_sandbox()` on a real loopback port, and the `gcbctl sandbox` command.
"""

from reconciler.sandbox.app import create_app
from reconciler.sandbox.settings import SandboxSettings

__all__ = ["SandboxSettings", "create_app"]
