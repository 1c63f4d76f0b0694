"""Loading: paths, stdin, safety limits, both YAML paths, source map and digest."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from reconciler.core.model import UNSET, Origin
from reconciler.core.problems import Problem
from reconciler.errors import ManifestError, UsageError
from reconciler.manifests import load, load_and_validate
from reconciler.manifests.reading import MAX_FILE_BYTES, decode
from reconciler.manifests.yaml_compose import compose_documents
from reconciler.manifests.yaml_fast import FAST_PATH_MIN_BYTES, fast_documents, fast_path_applies

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "manifests"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
WEBHOOK = b"""apiVersion: gcbctl.io/v1
kind: Webhook
metadata: {name: from-stdin}
spec:
  url: https://example.com/hook
"""


def test_examples_load_into_every_kind() -> None:
    """The example folder loads recursively into 4 queues, 2 webhooks and 4 batches, no problem."""
    loaded = load([str(EXAMPLES)])
    assert loaded.problems == ()
    manifests = loaded.manifests
    assert [q.name for q in manifests.queues] == [
        "billing-eu",
        "care-in",
        "claims-au",
        "tech-support",
    ]
    assert len(manifests.webhooks) == 2
    assert sum(len(b.reservations) for b in manifests.batches) >= 40


def test_absent_fields_stay_unset() -> None:
    """A QueueCapacity that states only its limit leaves every other setting UNSET."""
    text = (
        b"apiVersion: gcbctl.io/v1\nkind: QueueCapacity\nmetadata: {name: q}\n"
        b"spec:\n  queue: {id: x}\n  concurrencyLimit: 3\n"
    )
    queue = load(["-"], stdin=text).manifests.queues[0]
    assert queue.concurrency_limit == 3
    assert queue.timezone is UNSET
    assert queue.holidays is UNSET
    assert queue.operating_hours is UNSET


def test_stdin_is_read_with_dash() -> None:
    """`-` reads manifests from the bytes given as standard input."""
    loaded = load(["-"], stdin=WEBHOOK)
    assert [w.name for w in loaded.manifests.webhooks] == ["from-stdin"]
    assert loaded.manifests.files == ("<stdin>",)


def test_missing_path_is_a_usage_error() -> None:
    """A path that does not exist is a usage error (exit 64), not a manifest problem."""
    with pytest.raises(UsageError) as raised:
        load(["/nonexistent/manifests"])
    assert raised.value.exit_code == 64


def test_oversized_and_non_utf8_input_is_refused() -> None:
    """Files over the limit and bytes that are not UTF-8 become located problems."""
    _, too_big = decode("big.yaml", b"a" * (MAX_FILE_BYTES + 1))
    _, latin = decode("latin.yaml", b"name: caf\xe9\n")
    assert too_big is not None
    assert too_big.code == "file.too-large"
    assert latin is not None
    assert (latin.code, latin.line, latin.column) == ("file.not-utf8", 1, 10)


def test_utf8_bom_is_accepted() -> None:
    """A UTF-8 byte order mark (common from Windows editors) is not a problem."""
    loaded = load(["-"], stdin=b"\xef\xbb\xbf" + WEBHOOK)
    assert loaded.problems == ()
    assert len(loaded.manifests.webhooks) == 1


def test_alias_bomb_fails_fast() -> None:
    """A billion-laughs document is refused quickly with a located alias-bomb problem."""
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 12)]
    started = datetime.now(UTC)
    loaded = load(["-"], stdin="\n".join(lines).encode())
    assert (datetime.now(UTC) - started).total_seconds() < 1
    assert [p.code for p in loaded.problems] == ["yaml.alias-bomb"]


def test_documents_before_a_syntax_error_are_kept() -> None:
    """A YAML error in a later document still reports the manifests before it."""
    loaded = load(["-"], stdin=WEBHOOK + b"---\nkind: [unclosed\n")
    assert len(loaded.manifests.webhooks) == 1
    assert [(p.code, p.line) for p in loaded.problems] == [("yaml.syntax", 7)]


def test_load_and_validate_raises_with_every_error() -> None:
    """load_and_validate raises ManifestError carrying located problems when anything is wrong."""
    bad = WEBHOOK.replace(b"https://example.com", b"http://example.com")
    with pytest.raises(ManifestError) as raised:
        load_and_validate(["-"], now=NOW, stdin=bad)
    assert [(p.code, p.line) for p in raised.value.problems] == [("webhook.insecure-url", 5)]
    assert raised.value.exit_code == 3


def test_load_and_validate_passes_examples() -> None:
    """The examples are valid at the agreed `now`."""
    result = load_and_validate([str(EXAMPLES)], now=NOW, strict=True)
    assert result.errors == ()


def test_source_map_locates_a_semantic_problem() -> None:
    """SourceMap.locate fills line and column for an origin that points into a loaded file."""
    loaded = load(["-"], stdin=WEBHOOK)
    problem = Problem("x.y", "m", Origin("<stdin>", 0, ("spec", "url")))
    assert loaded.source.locate(problem).line == 5
    assert loaded.source.locate(problem).column == 8


def test_digest_ignores_formatting_but_not_content() -> None:
    """The digest is the same for reformatted YAML and changes when a value changes."""
    flow = (
        b'{"apiVersion": "gcbctl.io/v1", "kind": "Webhook", "metadata": {"name": "from-stdin"},'
        b' "spec": {"url": "https://example.com/hook"}}'
    )
    assert load(["-"], stdin=WEBHOOK).digest == load(["-"], stdin=flow).digest
    assert (
        load(["-"], stdin=WEBHOOK).digest
        != load(["-"], stdin=WEBHOOK.replace(b"hook", b"hooks")).digest
    )


def _big(text: str) -> bytes:
    padding = "# " + "x" * 78 + "\n"
    return (text + padding * (FAST_PATH_MIN_BYTES // len(padding) + 1)).encode()


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb: [x, 'y', \"z\", 2.5, .5, 1e3, -0e1, 0e1, true, null, ~, yes]\nc:\n",
        "---\na: {b: c}\n---\n- 1\n- x y\n---\n",
        "a: |\n  literal\n  text\nb: >\n  folded\n  text\nc: 'it''s'\n",
        "plain scalar at root\n",
        "k: +14155550199\nt: 2026-12-15T14:00\nh: 08:00\n",
    ],
)
def test_fast_and_careful_paths_agree(text: str) -> None:
    """rapidyaml's fast path and the libyaml path read the same documents from the same text."""
    data = _big(text)
    assert fast_path_applies(data)
    fast = fast_documents(data)
    assert fast is not None
    assert fast == list(compose_documents(data.decode()))


@pytest.mark.parametrize(
    "text", ["a: &x 1\nb: *x\n", "a: !!str 1\n", 'a: "\\u00e9"\n', "%YAML 1.2\n---\na: 1\n"]
)
def test_fast_path_declines_what_it_cannot_check(text: str) -> None:
    """Anchors, tags, escapes and directives send even a big file down the careful path."""
    assert not fast_path_applies(_big(text))


def test_fast_path_declines_duplicate_keys() -> None:
    """A duplicate key makes the fast path give up, so the careful path can locate it."""
    assert fast_documents(_big("a: 1\na: 2\n")) is None


def test_empty_folder_is_a_usage_error(tmp_path: Path) -> None:
    """A folder without any *.yaml/*.yml file is most likely a wrong path: exit 64."""
    (tmp_path / "notes.txt").write_text("not a manifest")
    with pytest.raises(UsageError, match="no manifest files"):
        load([str(tmp_path)])


def test_folders_are_read_recursively_and_hidden_folders_skipped(tmp_path: Path) -> None:
    """Manifests in subfolders are found; files under hidden folders (.git) are not."""
    (tmp_path / "team" / "hooks").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "team" / "hooks" / "a.yml").write_bytes(WEBHOOK)
    (tmp_path / ".git" / "b.yaml").write_bytes(b"not: [valid")
    loaded = load([str(tmp_path)])
    assert loaded.problems == ()
    assert [Path(name).name for name in loaded.manifests.files] == ["a.yml"]


def _padded(path: Path, tmp_path: Path, old: str = "", new: str = "") -> Path:
    """A copy of `path` made big enough for the fast path by a trailing comment block."""
    text = path.read_text(encoding="utf-8").replace(old, new, 1) if old else path.read_text("utf-8")
    target = tmp_path / path.name
    target.write_text(text + ("#" + "x" * 70 + "\n") * (FAST_PATH_MIN_BYTES // 70 + 1), "utf-8")
    return target


def test_big_files_load_the_same_manifests_through_the_fast_path(tmp_path: Path) -> None:
    """A batch file read by rapidyaml yields exactly the values the careful path yields."""
    source = EXAMPLES / "batch-tech-support.yaml"
    big = _padded(source, tmp_path)
    assert fast_path_applies(big.read_bytes())
    fast, careful = load([str(big)]).manifests.batches[0], load([str(source)]).manifests.batches[0]
    assert fast.reservations[3].time_slots[1].start == careful.reservations[3].time_slots[1].start
    assert [r.callback_id for r in fast.reservations] == [
        r.callback_id for r in careful.reservations
    ]
    assert (fast.prune, fast.defaults_channel_preferences) == (
        careful.prune,
        careful.defaults_channel_preferences,
    )


def test_problems_in_big_files_are_located_lazily(tmp_path: Path) -> None:
    """A problem found on the fast path still gets its line and column, from the lazy pass."""
    big = _padded(
        EXAMPLES / "batch-tech-support.yaml", tmp_path, "callbackNumber:", "callbackNumbr:"
    )
    loaded = load([str(big)])
    found = [(p.code, p.line, p.column) for p in loaded.problems]
    assert ("schema.additional-property", 16, 7) in found  # the key, not its value
