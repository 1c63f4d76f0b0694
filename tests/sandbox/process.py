"""`gcbctl sandbox` as a child process, for the command's own tests and the sandbox benchmark."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


@contextmanager
def sandbox_process(
    folder: Path, *args: str, output: int = subprocess.PIPE
) -> Iterator[tuple[subprocess.Popen[str], dict[str, Any]]]:
    """Start `gcbctl sandbox --port 0 --ready-file ...` in `folder` and wait for its ready file.

    Yields the process and the ready file's contents; the process is killed on the way out if it
    is still running. Pass `output=subprocess.DEVNULL` for long runs nobody reads the output of.
    """
    ready = folder / "ready.json"
    ready.unlink(missing_ok=True)
    command = [sys.executable, "-m", "reconciler", "sandbox", "--port", "0"]
    command += ["--ready-file", str(ready), *args]
    env = os.environ | {"PYTHONPATH": str(REPO)}
    process = subprocess.Popen(
        command, stdout=output, stderr=output, text=True, env=env, cwd=folder
    )
    try:
        deadline = time.monotonic() + 20
        while not ready.exists():
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "sandbox did not become ready"
            time.sleep(0.02)
        yield process, json.loads(ready.read_text())
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
