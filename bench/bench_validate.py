"""Benchmark: validate 50,000 reservations over 20 queues, as one YAML file and as CSV.

Run on demand (never in CI): `.venv/bin/python bench/bench_validate.py [--rounds 3]`.
It writes the generated manifests under bench/out/, then measures, each in a fresh process so
peak memory is honest, side by side and interleaved: PyYAML's CSafeLoader parsing the YAML file
(the baseline of issue 2), gcbctl's full validate of the YAML file (parse + schema + semantic
rules + capacity), and the same for the CSV variant. It prints medians, the speed ratio against
the baseline and peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

OUT = Path(__file__).resolve().parent / "out"
QUEUES = 20
RESERVATIONS = 50_000
ZONES = [
    "America/New_York",
    "Europe/Berlin",
    "Asia/Kolkata",
    "Australia/Adelaide",
    "America/Chicago",
]
AREA_CODES = ["212", "312", "415", "617", "206", "303", "404", "503", "702", "808"]
NOW = "2026-12-01T00:00:00Z"
REASONS = ["delivery is late", "invoice looks wrong", "router keeps dropping", "plan renewal"]
SLOTS_PER_DAY = 40  # 15-minute slots from 08:00 to 18:00
WINDOW = timedelta(minutes=30)


def _workdays() -> list[date]:
    days, day = [], date(2026, 12, 7)
    while len(days) < 30:
        if day.weekday() < 5 and day not in (date(2026, 12, 25), date(2027, 1, 1)):
            days.append(day)
        day += timedelta(days=1)
    return days


def _queue_yaml(index: int) -> str:
    return f"""---
apiVersion: gcbctl.io/v1
kind: QueueCapacity
metadata:
  name: queue-{index:02d}
spec:
  queue: {{id: queue_bench_{index:02d}}}
  concurrencyLimit: 40
  slotMinutes: 15
  timezone: {ZONES[index % len(ZONES)]}
  operatingHours:
    - {{days: [mon, tue, wed, thu, fri], open: "08:00", close: "18:00"}}
  holidays: ["2026-12-25", "2027-01-01"]
"""


def _offset(moment: datetime, tz: ZoneInfo) -> str:
    text = moment.replace(tzinfo=tz).strftime("%z")
    return f"{text[:3]}:{text[3:]}"


def _rows(queue: int) -> list[dict[str, str]]:
    tz, days, rows = ZoneInfo(ZONES[queue % len(ZONES)]), _workdays(), []
    per_queue = RESERVATIONS // QUEUES
    for i in range(per_queue):
        day = days[i % len(days)]
        slot = (i // len(days)) % (SLOTS_PER_DAY - 2)
        start = datetime(day.year, day.month, day.day, 8) + timedelta(minutes=15 * slot)
        following = days[(i + 1) % len(days)]
        second = datetime(following.year, following.month, following.day, start.hour, start.minute)
        third_day = days[(i + 5) % len(days)]
        third = datetime(third_day.year, third_day.month, third_day.day, 8) + timedelta(
            minutes=15 * ((slot + 17) % (SLOTS_PER_DAY - 2))
        )
        serial = queue * per_queue + i
        rows.append(
            {
                "callbackId": f"cb_q{queue:02d}_{i:06d}",
                "callbackNumber": f"+1{AREA_CODES[serial // 10000 % 10]}555{serial % 10000:04d}",
                "reason": f"Customer asked for a callback about order {100000 + serial}"
                f" ({REASONS[serial % len(REASONS)]}), account ACC-{serial * 7919 % 1000000:06d}",
                "start": f"{start:%Y-%m-%dT%H:%M}:00{_offset(start, tz)}",
                "end": f"{start + WINDOW:%Y-%m-%dT%H:%M}:00{_offset(start + WINDOW, tz)}",
                "start2": f"{second:%Y-%m-%dT%H:%M}",
                "end2": f"{second + WINDOW:%Y-%m-%dT%H:%M}",
                "start3": f"{third:%Y-%m-%dT%H:%M}:00{_offset(third, tz)}",
                "end3": f"{third + WINDOW:%Y-%m-%dT%H:%M}:00{_offset(third + WINDOW, tz)}",
            }
        )
    return rows


def _batch_head(queue: int) -> str:
    return f"""---
apiVersion: gcbctl.io/v1
kind: ReservationBatch
metadata:
  name: batch-{queue:02d}
spec:
  queue: queue-{queue:02d}
  prune: true
  defaults:
    channelPreferences: {{primary: voice, fallback: sms, allowSms: true}}
"""


def _reservation_yaml(row: dict[str, str]) -> str:
    return f"""    - callbackId: {row["callbackId"]}
      callbackNumber: "{row["callbackNumber"]}"
      reason: {row["reason"]}
      channelPreferences: {{primary: voice, fallback: sms, allowSms: true}}
      timeSlots:
        - start: "{row["start"]}"
          end: "{row["end"]}"
        - start: "{row["start2"]}"
          end: "{row["end2"]}"
        - start: "{row["start3"]}"
          end: "{row["end3"]}"
"""


def generate() -> tuple[Path, Path]:
    OUT.mkdir(exist_ok=True)
    big, csv_dir = OUT / "big.yaml", OUT / "csv"
    csv_dir.mkdir(exist_ok=True)
    with big.open("w", encoding="utf-8") as handle, (csv_dir / "batches.yaml").open("w") as small:
        for queue in range(QUEUES):
            handle.write(_queue_yaml(queue))
            small.write(_queue_yaml(queue))
        for queue in range(QUEUES):
            rows = _rows(queue)
            handle.write(_batch_head(queue) + "  reservations:\n")
            handle.writelines(_reservation_yaml(row) for row in rows)
            small.write(
                _batch_head(queue) + f"  reservationsFrom:\n    csv: queue-{queue:02d}.csv\n"
            )
            with (csv_dir / f"queue-{queue:02d}.csv").open(
                "w", newline="", encoding="utf-8"
            ) as out:
                writer = csv.DictWriter(out, fieldnames=list(rows[0]))
                writer.writeheader()
                writer.writerows(rows)
    return big, csv_dir


_REPORT = """
usage = resource.getrusage(resource.RUSAGE_SELF)
report = {
    "seconds": time.perf_counter() - started,
    "cpu": time.process_time() - cpu_started,
    "rss_mb": usage.ru_maxrss / 1024,
}
"""

_PARSE = (
    """
import json, resource, sys, time, yaml
started, cpu_started = time.perf_counter(), time.process_time()
with open(sys.argv[1], "rb") as handle:
    documents = list(yaml.load_all(handle, Loader=yaml.CSafeLoader))
"""
    + _REPORT
    + "print(json.dumps(report))\n"
)

_VALIDATE = (
    """
import json, resource, sys, time
from datetime import datetime
started, cpu_started = time.perf_counter(), time.process_time()
from reconciler.core.validate import validate
from reconciler.manifests import load
loaded = load([sys.argv[1]])
now = datetime.fromisoformat(sys.argv[2])
problems = [*loaded.problems, *loaded.source.locate_all(validate(loaded.manifests, now=now))]
"""
    + _REPORT
    + """
report["reservations"] = sum(len(batch.reservations) for batch in loaded.manifests.batches)
report["problems"] = len(problems)
print(json.dumps(report))
"""
)


def _measure(script: str, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, check=True
    )
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _summarise(runs: dict[str, list[dict[str, float]]]) -> None:
    wall = {
        name: statistics.median(run["seconds"] for run in found) for name, found in runs.items()
    }
    cpu = {name: statistics.median(run["cpu"] for run in found) for name, found in runs.items()}
    for name, found in runs.items():
        rss = max(run["rss_mb"] for run in found)
        line = (
            f"{name:14s} wall {wall[name]:6.2f} s  cpu {cpu[name]:6.2f} s  peak RSS {rss:5.0f} MB"
        )
        if "reservations" in found[-1]:
            line += f"  ({int(found[-1]['reservations'])} reservations, "
            line += f"{int(found[-1]['problems'])} problems)"
        print(line)
    for name in ("validate-yaml", "validate-csv"):
        print(
            f"{name}: {wall['csafe-parse'] / wall[name]:.1f}x faster (wall), "
            f"{cpu['csafe-parse'] / cpu[name]:.1f}x (cpu) than CSafeLoader's parse alone"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    rounds = parser.parse_args().rounds
    big, csv_dir = generate()
    print(f"generated {big} ({big.stat().st_size / 1e6:.1f} MB) and {csv_dir}/")
    runs: dict[str, list[dict[str, float]]] = {
        "csafe-parse": [],
        "validate-yaml": [],
        "validate-csv": [],
    }
    for number in range(rounds):
        runs["csafe-parse"].append(_measure(_PARSE, str(big)))
        runs["validate-yaml"].append(_measure(_VALIDATE, str(big), NOW))
        runs["validate-csv"].append(_measure(_VALIDATE, str(csv_dir), NOW))
        done = ", ".join(f"{name} {found[-1]['seconds']:.2f}s" for name, found in runs.items())
        print(f"round {number + 1}: {done}")
    _summarise(runs)


if __name__ == "__main__":
    main()
