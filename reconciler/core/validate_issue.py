"""`Issue`: a problem about a time window before it is tied to one reservation's origin.

Window facts are computed once per distinct window and shared by every reservation that uses
it, so they hold issues (code, message, hint, which bound) rather than located Problems.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.core.model import Origin
from reconciler.core.problems import Problem, Severity


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem about a window; `at` is "start", "end" or "" (the window itself)."""

    at: str
    code: str
    message: str
    hint: str | None = None
    severity: Severity = Severity.ERROR

    def problem(self, origin: Origin) -> Problem:
        where = origin.child(self.at) if self.at else origin
        return Problem(self.code, self.message, where, hint=self.hint, severity=self.severity)
