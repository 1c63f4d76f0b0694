"""`gcbctl ledger verify` and `gcbctl ledger show` on real ledger files, intact and tampered."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import click
import pytest

from reconciler.cli.options import ledger_option
from reconciler.ledger import Ledger
from tests.conftest import CliResult

Run = Callable[..., CliResult]


@pytest.fixture
def ledger_file(tmp_path: Path) -> Path:
    """A ledger of one plan and four applied actions."""
    path = tmp_path / ".gcbctl" / "ledger.jsonl"
    ledger = Ledger(path, target="sandbox", environ={"GITHUB_ACTOR": "octo"})
    ledger.record(action="plan", resource="plan", outcome="planned", details={"create": 3})
    for n, action in enumerate(("create", "create", "cancel", "update")):
        ledger.record(
            action=action,
            resource=f"ReservationBatch/week-50/cb_{n}",
            outcome="ok",
            latency_ms=10.0 + n,
            correlation_id=f"corr-{n}",
        )
    return path


def tamper(path: Path, how: str) -> None:
    lines = path.read_bytes().splitlines(keepends=True)
    if how == "edit":
        lines[2] = lines[2].replace(b'"outcome":"ok"', b'"outcome":"failed"')
    elif how == "delete":
        del lines[2]
    elif how == "insert":
        lines.insert(3, lines[1])
    elif how == "reorder":
        lines[2], lines[3] = lines[3], lines[2]
    elif how == "truncate":
        lines[-1] = lines[-1][:30]
    path.write_bytes(b"".join(lines))


def test_verify_intact_ledger_exits_0(gcbctl: Run, ledger_file: Path) -> None:
    """An untouched ledger verifies with exit 0 and reports its size and head."""
    result = gcbctl("ledger", "verify", str(ledger_file))
    assert result.code == 0, result.err
    assert "intact, 5 records" in result.out


def test_verify_finds_the_folder_default(
    gcbctl: Run, ledger_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a path, or with the manifests' folder, verify uses .gcbctl/ledger.jsonl there."""
    monkeypatch.chdir(ledger_file.parent.parent)
    assert gcbctl("ledger", "verify").code == 0
    assert gcbctl("ledger", "verify", str(ledger_file.parent.parent)).code == 0


@pytest.mark.parametrize(
    ("how", "line", "kind"),
    [
        ("edit", 3, "edited"),
        ("delete", 3, "deleted"),
        ("insert", 4, "inserted"),
        ("reorder", 3, "reordered"),
        ("truncate", 5, "torn"),
    ],
)
def test_verify_reports_tampering_with_the_first_bad_line(
    gcbctl: Run, ledger_file: Path, how: str, line: int, kind: str
) -> None:
    """Each kind of tampering exits 1 and names the first bad line and what happened."""
    tamper(ledger_file, how)
    result = gcbctl("ledger", "verify", str(ledger_file))
    assert result.code == 1
    assert f"BROKEN at line {line} ({kind})" in result.out
    report = json.loads(gcbctl("ledger", "verify", str(ledger_file), "-o", "json").out)
    assert report["ok"] is False
    assert (report["problem"]["line"], report["problem"]["kind"]) == (line, kind)


def test_verify_with_expected_hash_catches_cut_records(gcbctl: Run, ledger_file: Path) -> None:
    """Cutting whole records off the end is found when the earlier head hash is given."""
    head = json.loads(gcbctl("ledger", "verify", str(ledger_file), "-o", "json").out)["head"]
    lines = ledger_file.read_bytes().splitlines(keepends=True)
    ledger_file.write_bytes(b"".join(lines[:-2]))
    assert gcbctl("ledger", "verify", str(ledger_file)).code == 0
    result = gcbctl("ledger", "verify", str(ledger_file), "--expect-hash", head)
    assert result.code == 1
    assert "truncated" in result.out


def test_verify_missing_ledger_is_an_error_with_a_hint(gcbctl: Run, tmp_path: Path) -> None:
    """A ledger that does not exist is reported as an error, not a traceback."""
    result = gcbctl("ledger", "verify", str(tmp_path / "none.jsonl"))
    assert result.code == 1
    assert "Error: no ledger at" in result.err
    assert "Hint:" in result.err


def test_show_filters_and_prints_text_or_json(gcbctl: Run, ledger_file: Path) -> None:
    """show prints one line per record and filters by action, resource and time."""
    text = gcbctl("ledger", "show", str(ledger_file))
    assert text.code == 0
    assert len(text.out.splitlines()) == 5
    assert "by octo" in text.out
    creates = gcbctl("ledger", "show", str(ledger_file), "--action", "create", "-o", "json")
    assert [r["resource"] for r in json.loads(creates.out)["records"]] == [
        "ReservationBatch/week-50/cb_0",
        "ReservationBatch/week-50/cb_1",
    ]
    one = gcbctl("ledger", "show", str(ledger_file), "--resource", "*/cb_2", "-o", "json")
    assert [r["action"] for r in json.loads(one.out)["records"]] == ["cancel"]
    future = gcbctl("ledger", "show", str(ledger_file), "--since", "2999-01-01")
    assert future.out == ""
    recent = gcbctl("ledger", "show", str(ledger_file), "--since", "1h")
    assert len(recent.out.splitlines()) == 5


def test_show_rejects_a_bad_since(gcbctl: Run, ledger_file: Path) -> None:
    """An unreadable --since is a usage error."""
    assert gcbctl("ledger", "show", str(ledger_file), "--since", "yesterday").code == 64


def test_ledger_options_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """GCBCTL_LEDGER and GCBCTL_NO_LEDGER set the ledger options, for CI and test suites."""
    seen: dict[str, object] = {}

    @click.command()
    @ledger_option
    def probe(ledger_path: Path | None, no_ledger: bool) -> None:
        seen.update(path=ledger_path, off=no_ledger)

    monkeypatch.setenv("GCBCTL_LEDGER", "/tmp/audit.jsonl")
    monkeypatch.setenv("GCBCTL_NO_LEDGER", "1")
    probe.main([], standalone_mode=False)
    assert seen == {"path": Path("/tmp/audit.jsonl"), "off": True}
