"""Problems found in manifests or plans, collected as values rather than raised one at a time.

Validation and planning return every problem they find; reporters (text, JSON, GitHub
annotations, Markdown) turn them into output. A problem points at its source through an `Origin`;
line and column are filled in by the manifest source map before reporting.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace

from reconciler.core.model import Origin


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Problem:
    """One finding: a stable dotted `code`, a message, where it is, and a hint to fix it."""

    code: str
    message: str
    origin: Origin
    hint: str | None = None
    severity: Severity = Severity.ERROR
    line: int = 0
    column: int = 0

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def located(self, line: int, column: int) -> Problem:
        return replace(self, line=line, column=column)

    def as_error(self) -> Problem:
        return replace(self, severity=Severity.ERROR)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        return (self.origin.file, self.origin.document, self.line, self.column, self.code)
