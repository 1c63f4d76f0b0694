"""`python -m reconciler.manifests.write_schemas`: regenerate the schema files from their source.

Writes `schemas/` (top of the repository, what editors and users see) and
`reconciler/schemas/` (packaged in the wheel, what gcbctl validates with). A development tool:
gcbctl itself never writes these files.
"""

from __future__ import annotations

import sys
from pathlib import Path

from reconciler.manifests.schema_source import all_schemas, render


def main() -> None:
    package = Path(__file__).resolve().parent.parent
    for folder in (package.parent / "schemas", package / "schemas"):
        folder.mkdir(exist_ok=True)
        for name, schema in all_schemas().items():
            (folder / name).write_text(render(schema), encoding="utf-8")
    sys.stdout.write("schemas written\n")


if __name__ == "__main__":
    main()
