"""From one file's bytes to classified documents: parse (fast or careful), check kind and schema.

Every document is reported on: one that is not a mapping, has an unknown `apiVersion` or `kind`,
or breaks its kind's schema yields Problems, never silence. The careful YAML path is used for
small files and whenever the fast path declines, so YAML errors always carry their position.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from reconciler.core.model import API_VERSION, Kind, Origin
from reconciler.core.problems import Problem
from reconciler.manifests.schema_check import check_document
from reconciler.manifests.yaml_compose import YamlSyntaxError, compose_documents
from reconciler.manifests.yaml_fast import fast_documents, fast_path_applies


@dataclass(frozen=True, slots=True)
class Document:
    """One manifest document of a known kind, with its schema problems."""

    value: dict[str, Any]
    kind: Kind
    origin: Origin
    problems: tuple[Problem, ...]


def parse_documents(name: str, data: bytes, text: str) -> tuple[list[Any], list[Problem]]:
    """The documents of one YAML file, and the YAML problem that stopped reading, if any."""
    if fast_path_applies(data):
        fast = fast_documents(data)
        if fast is not None:
            return fast, []
    documents: list[Any] = []
    try:
        documents.extend(compose_documents(text))
    except YamlSyntaxError as exc:
        origin = Origin(name, len(documents))
        problem = Problem(exc.code, exc.message, origin, hint=exc.hint)
        return documents, [problem.located(exc.line, exc.column)]
    return documents, []


def classify(name: str, index: int, value: Any) -> Document | Problem | None:
    """A document of a known kind (schema-checked), a Problem, or None for an empty document."""
    if value is None:
        return None
    origin = Origin(name, index)
    if not isinstance(value, dict):
        return Problem(
            "manifest.not-a-mapping",
            "a manifest must be a mapping with apiVersion, kind, metadata and spec",
            origin,
        )
    kind = _kind(value, origin)
    if isinstance(kind, Problem):
        return kind
    return Document(value, kind, origin, tuple(check_document(value, kind, origin)))


def _kind(value: dict[str, Any], origin: Origin) -> Kind | Problem:
    version = value.get("apiVersion")
    if version != API_VERSION:
        return Problem(
            "manifest.api-version",
            "missing apiVersion" if version is None else f"unknown apiVersion {version!r}",
            origin.child("apiVersion") if "apiVersion" in value else origin,
            hint=f"use apiVersion: {API_VERSION}",
        )
    kind = value.get("kind")
    known = [str(item) for item in Kind]
    if kind in known:
        return Kind(kind)
    close = difflib.get_close_matches(str(kind), known, n=1, cutoff=0.5)
    return Problem(
        "manifest.unknown-kind",
        "missing kind" if kind is None else f"unknown kind {kind!r}",
        origin.child("kind") if "kind" in value else origin,
        hint=f"did you mean {close[0]!r}?" if close else f"use one of {', '.join(known)}",
    )
