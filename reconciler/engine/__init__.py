"""Orchestration: manifests, live state and the pure planner put together, and plans carried out.

`plan_run` loads and validates manifests, reads the platform through a driver and asks the pure
planner for a plan. `apply_run` carries a plan out with bounded concurrency, phase by phase, and
reports every outcome. This package does I/O through drivers only; it never speaks HTTP itself and
never imports click (the CLI renders and prompts). Import `plan_run` from
`reconciler.engine.planning` and saved-plan helpers from `reconciler.engine.saved`.
"""

from reconciler.engine.applying import ApplyReport, ProgressSink, apply_run

__all__ = ["ApplyReport", "ProgressSink", "apply_run"]
