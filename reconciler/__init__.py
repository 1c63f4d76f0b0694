"""gcbctl: keep Genesys Cloud web-callback reservations in the state a Git repository declares.

The package is layered (see `.importlinter`): `core` and `wire` are pure, `manifests` reads files,
`client`, `drivers`, `sandbox`, `ledger` and `telemetry` are the I/O edges, and `cli` sits on top.
"""

__version__ = "0.1.0"
