"""Drivers: one port (`base.Driver`), one adapter per platform.

`callback` speaks callback-api.md through `reconciler.client`; `config` resolves which platform a
command talks to and `connect` opens a driver for it (the embedded sandbox included). Drivers
translate planned actions into requests and never decide what to change.
"""

from reconciler.drivers.base import ActionResult, Driver, Outcome

__all__ = ["ActionResult", "Driver", "Outcome"]
