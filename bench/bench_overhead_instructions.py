"""What the audit ledger and OTLP tracing add to an apply, counted in CPU instructions.

Wall time on a shared 2-core machine swings by 10-40% from one run to the next, far more than the
5% this overhead may cost, so this companion of `bench_ledger_overhead.py` runs the same apply
under `valgrind --tool=callgrind` and reports the instructions the gcbctl process executed
(every thread, user space; the kernel's share of writes and fsyncs is not counted). Counts repeat
to within a fraction of a percent, whatever else the machine does. Slow: about 3 minutes per run
for 500 reservations.

    .venv/bin/python bench/bench_overhead_instructions.py [--count 500] [--modes off,ledger]
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_ledger_overhead import NOW, apply_command, write_manifests  # noqa: E402

from reconciler.sandbox.testing import Sandbox, running_sandbox  # noqa: E402
from tests.telemetry.otlp_receiver import otlp_receiver  # noqa: E402

_COLLECTED = re.compile(r"Collected : (\d+)")


def count_instructions(
    mode: str, manifests: Path, work: Path, sandbox: Sandbox, otlp_url: str
) -> int:
    args, env = apply_command(mode, manifests, work, sandbox, otlp_url)
    env["PYTHONHASHSEED"] = "0"  # the same hashing, so the same work, in every run
    command = ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null", sys.executable]
    done = subprocess.run(
        [*command, *args], env=env, capture_output=True, text=True, check=False, cwd=work
    )
    found = _COLLECTED.findall(done.stderr)
    if done.returncode != 0 or not found:
        raise SystemExit(f"{mode}: apply failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    return int(found[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--modes", default="off,ledger,otlp,both")
    options = parser.parse_args()
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed (Debian: apt-get install valgrind)")
    modes = options.modes.split(",")
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_sandbox(clock=NOW, rate_limit=10_000_000) as sandbox,
        otlp_receiver() as (otlp_url, _received),
    ):
        work = Path(tmp)
        write_manifests(work / "manifests", options.count)
        counts = {}
        for mode in modes:
            counts[mode] = count_instructions(mode, work / "manifests", work, sandbox, otlp_url)
            print(f"{mode:<7} {counts[mode]:>16,} instructions", flush=True)
    base = counts.get("off")
    if base:
        print(f"\n{options.count} reservations, instructions added relative to off:")
        for mode in modes:
            added = counts[mode] - base
            per = added / options.count
            print(f"{mode:<7} {100 * added / base:+6.2f}%  ({per:,.0f} instructions per action)")


if __name__ == "__main__":
    main()
