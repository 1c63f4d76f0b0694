"""`load`: read manifest files into a `ManifestSet`, collecting every problem on the way.

This is the I/O edge of manifests: it reads files (and the CSV files batches point at), and
hands text and values to the pure parts. Problems come back located (line and column filled in
through the source map). `load_and_validate` adds the semantic rules of
`reconciler.core.validate` and raises `ManifestError` when anything is an error.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import orjson

from reconciler.core.model import Kind, ManifestSet, QueueCapacity, ReservationBatch, Webhook
from reconciler.core.problems import Problem
from reconciler.core.validate import validate
from reconciler.errors import ManifestError
from reconciler.manifests.build import Bad, build_queue, build_webhook
from reconciler.manifests.documents import Document, classify, parse_documents
from reconciler.manifests.reading import SourceFile, collect, decode
from reconciler.manifests.reservations_source import batch_reservations
from reconciler.manifests.sourcemap import SourceMap


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What `load` found: manifests, located problems, the source map and a content digest."""

    manifests: ManifestSet
    problems: tuple[Problem, ...]
    source: SourceMap
    digest: str

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(problem for problem in self.problems if problem.is_error)


@dataclass
class _Collected:
    queues: list[QueueCapacity] = field(default_factory=list)
    webhooks: list[Webhook] = field(default_factory=list)
    batches: list[ReservationBatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    canonical: list[tuple[str, str, str]] = field(default_factory=list)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building many acyclic objects.

    Loading 50,000 reservations creates millions of dicts and values and none of them form
    cycles; the collector's repeated full passes over that growing heap cost about a third of
    the loading time. Reference counting still frees everything as usual.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load(paths: Sequence[str], *, stdin: bytes | None = None) -> LoadResult:
    """Read every manifest under `paths` (`-` is standard input); problems are located."""
    files = collect(paths, stdin=stdin)
    source = SourceMap()
    collected = _Collected()
    with paused_gc():
        for file in files:
            _load_file(file, source, collected)
    manifests = ManifestSet(
        queues=tuple(sorted(collected.queues, key=lambda item: item.name)),
        webhooks=tuple(sorted(collected.webhooks, key=lambda item: item.name)),
        batches=tuple(sorted(collected.batches, key=lambda item: item.name)),
        files=tuple(file.name for file in files),
    )
    problems = sorted(source.locate_all(collected.problems), key=Problem.sort_key)
    return LoadResult(manifests, tuple(problems), source, _digest(collected.canonical))


def load_and_validate(
    paths: Sequence[str], *, now: datetime, strict: bool = False, stdin: bytes | None = None
) -> LoadResult:
    """`load` plus the semantic rules; raises ManifestError if any problem is an error."""
    loaded = load(paths, stdin=stdin)
    with paused_gc():
        semantic = loaded.source.locate_all(validate(loaded.manifests, now=now))
    problems = sorted([*loaded.problems, *semantic], key=Problem.sort_key)
    if strict:
        problems = [problem.as_error() for problem in problems]
    result = LoadResult(loaded.manifests, tuple(problems), loaded.source, loaded.digest)
    if result.errors:
        raise ManifestError(_summary(result.errors), result.errors, hint=_HINT)
    return result


_HINT = "run gcbctl validate on the same paths to see every problem"


def _summary(errors: tuple[Problem, ...]) -> str:
    lines = [f"manifests are invalid ({len(errors)} error{'s' if len(errors) != 1 else ''})"]
    for problem in errors[:5]:
        where = f"{problem.origin.file}:{problem.line}:{problem.column}"
        lines.append(f"  {where}: {problem.code}: {problem.message}")
    if len(errors) > 5:
        lines.append(f"  ... and {len(errors) - 5} more")
    return "\n".join(lines)


def _load_file(file: SourceFile, source: SourceMap, collected: _Collected) -> None:
    text, problem = decode(file.name, file.data)
    if problem is not None or text is None:
        collected.problems.extend([problem] if problem else [])
        return
    source.add_yaml(file.name, file.data)
    documents, problems = parse_documents(file.name, file.data, text)
    del text
    collected.problems.extend(problems)
    for index in range(len(documents)):
        # Each document is dropped once built, so the raw values and the domain values of a
        # big file are not all held at the same time.
        item = classify(file.name, index, documents[index])
        documents[index] = None
        if isinstance(item, Problem):
            collected.problems.append(item)
        elif item is not None:
            collected.problems.extend(item.problems)
            _build(item, file, source, collected)


def _build(document: Document, file: SourceFile, source: SourceMap, into: _Collected) -> None:
    bad = Bad(document.problems)
    value, origin = document.value, document.origin
    if document.kind is Kind.QUEUE_CAPACITY:
        queue = build_queue(value, origin, bad)
        into.queues.extend([queue] if queue else [])
    elif document.kind is Kind.WEBHOOK:
        webhook = build_webhook(value, origin, bad)
        into.webhooks.extend([webhook] if webhook else [])
    else:
        batch, value, problems = batch_reservations(document, bad, file.folder, source)
        into.problems.extend(problems)
        into.batches.extend([batch] if batch else [])
    metadata = value.get("metadata")
    name = metadata.get("name") if isinstance(metadata, dict) else None
    into.canonical.append((str(document.kind), str(name), _document_digest(value)))


def _document_digest(value: Any) -> str:
    try:
        payload = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits, which orjson refuses
        payload = json.dumps(value, sort_keys=True, default=str).encode()
    return hashlib.sha256(payload).hexdigest()


def _digest(canonical: list[tuple[str, str, str]]) -> str:
    """sha256 over each document's canonical JSON in (kind, name) order: formatting, file
    layout and document order do not change it; any value does."""
    lines = sorted(f"{kind}\t{name}\t{digest}" for kind, name, digest in canonical)
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()
