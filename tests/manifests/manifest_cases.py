"""Discovery of the example manifest folders under `tests/manifests/{valid,invalid}/`.

Each case is a folder of manifest files (YAML, and CSV files they point at) plus `expect.yaml`:
`now` (default 2026-12-01T00:00:00Z), `strict` (default false), and for invalid cases the
exact list of errors as `{code, file, line, column}`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml

HERE = Path(__file__).resolve().parent
DEFAULT_NOW = "2026-12-01T00:00:00Z"


@dataclass(frozen=True)
class Case:
    name: str
    folder: Path
    expect: dict[str, Any]

    @property
    def manifests(self) -> list[str]:
        return sorted(
            str(path)
            for path in self.folder.iterdir()
            if path.suffix in (".yaml", ".yml") and path.name != "expect.yaml"
        )

    @property
    def now(self) -> datetime:
        return datetime.fromisoformat(str(self.expect.get("now", DEFAULT_NOW)))

    @property
    def strict(self) -> bool:
        return bool(self.expect.get("strict", False))


def discover(kind: str) -> list[Case]:
    cases = []
    for folder in sorted((HERE / kind).iterdir()):
        expect_file = folder / "expect.yaml"
        expect = yaml.safe_load(expect_file.read_text()) if expect_file.exists() else {}
        cases.append(Case(folder.name, folder, expect or {}))
    return cases
