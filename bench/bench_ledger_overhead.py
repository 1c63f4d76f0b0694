"""What the audit ledger and OTLP tracing add to a 2,000-reservation `gcbctl apply`.

Runs `gcbctl apply --auto-approve` in a fresh subprocess against a sandbox on 127.0.0.1 (rate limit
lifted so the platform is not the bottleneck), in four modes, interleaved round by round (the
order rotates every round, so that no mode always runs first or last):

- off:    --no-ledger --trace none
- ledger: the audit ledger on (a file in a temporary folder), --trace none
- otlp:   --no-ledger and --trace otlp to a tiny OTLP/HTTP receiver on 127.0.0.1 (spans and metrics)
- both:   the ledger on and --trace otlp

The sandbox is reset before every run, so every run creates the same callbacks. It prints the
median wall time of each mode (whole command, and the apply phase as gcbctl reports it) and the
added time relative to `off`; the target is at most 5%.

By default every callback request waits 20 ms in the sandbox (`--latency 0.02`), as a platform
across a network does; that is the apply the 5% target is about. `--latency 0` makes the sandbox
answer at once, so gcbctl and the sandbox are both CPU-bound on this machine's two cores and
every microsecond of ledger or tracing work shows: the worst case, and a noisy one.

    .venv/bin/python bench/bench_ledger_overhead.py [--count 2000] [--rounds 5] [--latency 0]
        [--modes off,ledger,otlp,both]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from reconciler.sandbox.testing import Sandbox, running_sandbox  # noqa: E402
from tests.telemetry.otlp_receiver import otlp_receiver  # noqa: E402

NOW = "2026-12-01T00:00:00Z"
FIRST_DAY = date(2026, 12, 7)
PER_DAY = 250  # of 400 slots a day (10 at once, 15-minute slots, 08:00-18:00)
MODES = ("off", "ledger", "otlp", "both")
_APPLY_TIME = re.compile(r"in ([0-9.]+) s\.")

HEADER = """\
apiVersion: gcbctl.io/v1
kind: QueueCapacity
metadata: {name: tech-support}
spec:
  queue: {id: queue_12345}
  concurrencyLimit: 10
---
apiVersion: gcbctl.io/v1
kind: ReservationBatch
metadata: {name: bench}
spec:
  queue: tech-support
  defaults:
    channelPreferences: {primary: voice, fallback: none}
    reason: Benchmark
  reservations:
"""


def weekdays(start: date) -> list[date]:
    days, day = [], start
    while len(days) < 40:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def write_manifests(folder: Path, count: int) -> None:
    days = weekdays(FIRST_DAY)
    lines = [HEADER]
    for n in range(count):
        day = days[n // PER_DAY].isoformat()
        lines.append(
            f"    - callbackId: cb_bench_{n:05d}\n"
            f'      callbackNumber: "+1415555{n % 10000:04d}"\n'
            f'      timeSlots: [{{start: "{day}T08:00", end: "{day}T18:00"}}]\n'
        )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "bench.yaml").write_text("".join(lines), encoding="utf-8")


def apply_command(
    mode: str, manifests: Path, work: Path, sandbox: Sandbox, otlp_url: str
) -> tuple[list[str], dict[str, str]]:
    """`gcbctl apply` arguments (after the interpreter) and environment for one mode, against a
    sandbox just reset to the benchmark's clock; `bench_overhead_instructions.py` uses it too."""
    sandbox.reset()
    sandbox.set_clock(NOW)
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("OTEL_", "GITHUB_"))
    }
    env |= {
        "GENESYS_HOSTNAME": sandbox.base_url,
        "GENESYS_CLIENT_ID": sandbox.client_id,
        "GENESYS_CLIENT_SECRET": sandbox.client_secret,
        "PYTHONPATH": str(REPO),
    }
    args = ["-m", "reconciler", "apply", str(manifests), "--auto-approve", "--now", NOW]
    ledger = work / f"ledger-{mode}-{time.monotonic_ns()}.jsonl"
    args += ["--ledger", str(ledger)] if mode in ("ledger", "both") else ["--no-ledger"]
    args += ["--trace", "otlp" if mode in ("otlp", "both") else "none"]
    if mode in ("otlp", "both"):
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp_url
    return args, env


def run_apply(
    mode: str, manifests: Path, work: Path, sandbox: Sandbox, otlp_url: str, latency: float
) -> tuple[float, float, float]:
    """One apply in a subprocess: whole command seconds, apply phase seconds, CPU seconds."""
    args, env = apply_command(mode, manifests, work, sandbox, otlp_url)
    args = [sys.executable, *args]
    if latency > 0:
        sandbox.fault_http(path="/api/v2/callbacks*", latency_seconds=latency, times=0)
    cpu_before = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False, cwd=work)
    wall = time.perf_counter() - started
    cpu = _children_cpu() - cpu_before
    if done.returncode != 0:
        raise SystemExit(f"{mode}: apply failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    found = _APPLY_TIME.findall(done.stdout)
    return wall, float(found[-1]) if found else float("nan"), cpu


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument(
        "--latency", type=float, default=0.02, help="seconds each callback request waits"
    )
    parser.add_argument(
        "--modes", default=",".join(MODES), help="comma-separated subset of off,ledger,otlp,both"
    )
    options = parser.parse_args()
    modes = tuple(mode for mode in MODES if mode in options.modes.split(","))
    if "off" not in modes:
        parser.error("--modes must include off: every other mode is compared with it")
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_sandbox(clock=NOW, rate_limit=10_000_000) as sandbox,
        otlp_receiver() as (otlp_url, received),
    ):
        work = Path(tmp)
        write_manifests(work / "manifests", options.count)
        times: dict[str, list[tuple[float, float, float]]] = {mode: [] for mode in modes}
        for round_number in range(options.rounds):
            shift = round_number % len(modes)
            order = modes[shift:] + modes[:shift]
            for mode in order:
                run = run_apply(mode, work / "manifests", work, sandbox, otlp_url, options.latency)
                times[mode].append(run)
                print(f"round {round_number + 1} {mode:<7} {times[mode][-1][0]:6.2f} s", flush=True)
        spans = len(received.span_names())
        report(times, options.count, spans)


def report(times: dict[str, list[tuple[float, float, float]]], count: int, spans: int) -> None:
    for name, pick in (("median", statistics.median), ("best", min)):
        table(times, name, pick, count)
    paired(times)
    print(f"spans received by the OTLP receiver: {spans}")


def paired(times: dict[str, list[tuple[float, float, float]]]) -> None:
    """Each mode against `off` of the same round: the machine's slow and fast spells cancel out."""
    print("\nwhole command against off in the same round (median, and the range over rounds)")
    for mode in [mode for mode in times if mode != "off"]:
        ratios = sorted(
            run[0] / base[0] - 1 for run, base in zip(times[mode], times["off"], strict=True)
        )
        middle = 100 * statistics.median(ratios)
        print(f"{mode:<8} {middle:+6.1f}%  ({100 * ratios[0]:+.0f}% .. {100 * ratios[-1]:+.0f}%)")


def table(
    times: dict[str, list[tuple[float, float, float]]],
    name: str,
    pick: Callable[[Iterable[float]], float],
    count: int,
) -> None:
    base = [pick(run[i] for run in times["off"]) for i in range(3)]
    print(f"\n{count} reservations, {name} of {len(times['off'])} rounds")
    columns = ("command s", "added", "apply s", "added", "CPU s", "added")
    print(
        f"{'mode':<8} "
        + " ".join(f"{name:>9}" if n % 2 == 0 else f"{name:>8}" for n, name in enumerate(columns))
    )
    for mode, runs in times.items():
        medians = [pick(run[i] for run in runs) for i in range(3)]
        cells = " ".join(
            f"{value:9.2f} {100 * (value / ref - 1):+7.1f}%"
            for value, ref in zip(medians, base, strict=True)
        )
        print(f"{mode:<8} {cells}")


if __name__ == "__main__":
    main()
