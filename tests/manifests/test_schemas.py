"""The JSON Schemas: generated copies in sync, described, closed, and served by `gcbctl schema`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from reconciler.manifests.schema_source import COMBINED, all_schemas, render

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "manifests"


@pytest.mark.parametrize("name", sorted(all_schemas()))
def test_schema_files_match_their_source(name: str) -> None:
    """schemas/ and the packaged reconciler/schemas/ both hold exactly what schema_source makes."""
    expected = render(all_schemas()[name])
    assert (REPO / "schemas" / name).read_text(encoding="utf-8") == expected
    assert (REPO / "reconciler" / "schemas" / name).read_text(encoding="utf-8") == expected


def _objects(node: Any) -> list[dict[str, Any]]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object" and "properties" in node:
            found.append(node)
        for value in node.values():
            found.extend(_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_objects(value))
    return found


@pytest.mark.parametrize("name", sorted(set(all_schemas()) - {COMBINED}))
def test_every_property_is_described_and_objects_are_closed(name: str) -> None:
    """Editors show a description for every property; unknown keys are never allowed."""
    for obj in _objects(all_schemas()[name]):
        assert obj["additionalProperties"] is False
        for prop, schema in obj["properties"].items():
            assert "description" in schema or "$ref" in schema, prop


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.name)
def test_examples_pass_the_combined_schema_as_an_editor_sees_it(path: Path) -> None:
    """The modeline's combined schema accepts every example document (refs resolved by file)."""
    modeline = path.read_text(encoding="utf-8").splitlines()[0]
    assert modeline == "# yaml-language-server: $schema=../../schemas/gcbctl.schema.json"
    store = all_schemas()
    registry = Registry().with_resources(
        (name, Resource.from_contents(schema)) for name, schema in store.items()
    )
    validator = jsonschema.Draft202012Validator(store[COMBINED], registry=registry)
    for document in yaml.safe_load_all(path.read_text(encoding="utf-8")):
        assert list(validator.iter_errors(json.loads(json.dumps(document, default=str)))) == []


def test_schema_command_prints_the_combined_schema(gcbctl: Any) -> None:
    """`gcbctl schema` prints the schema that accepts every kind."""
    result = gcbctl("schema")
    assert result.code == 0
    assert json.loads(result.out)["title"] == "gcbctl manifest"


@pytest.mark.parametrize("kind", ["QueueCapacity", "webhook", "reservationbatch"])
def test_schema_command_prints_one_kind(gcbctl: Any, kind: str) -> None:
    """`gcbctl schema KIND` accepts a kind in any case and prints its schema."""
    result = gcbctl("schema", kind)
    assert result.code == 0
    assert json.loads(result.out)["properties"]["kind"]["const"].lower() == kind.lower()


def test_schema_command_rejects_unknown_kind(gcbctl: Any) -> None:
    """An unknown kind is a usage error with a hint listing the kinds."""
    result = gcbctl("schema", "Queue")
    assert result.code == 64
    assert "QueueCapacity" in result.err
