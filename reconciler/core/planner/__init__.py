"""The pure planner: desired state + live state + the time -> an ordered, explained plan.

Public surface: `make_plan`, `Plan`, `QueueUsage`, `Phase`, `spec_hash`. Everything else in this
package is an implementation detail that may change. Nothing here does I/O or reads the clock.
"""

from reconciler.core.planner.make import make_plan
from reconciler.core.planner.phases import Phase
from reconciler.core.planner.plan import Plan, QueueUsage
from reconciler.core.planner.spechash import spec_hash

__all__ = ["Phase", "Plan", "QueueUsage", "make_plan", "spec_hash"]
