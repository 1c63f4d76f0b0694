"""Hypothesis: whatever bytes or YAML arrive, loading and validating only ever report problems."""

from __future__ import annotations

import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reconciler.core.validate import validate
from reconciler.errors import GcbctlError
from reconciler.manifests import load
from reconciler.manifests.yaml_compose import YamlSyntaxError, compose_documents
from reconciler.manifests.yaml_fast import (
    FAST_PATH_MIN_BYTES,
    fast_documents,
    fast_path_applies,
)

NOW = datetime(2026, 12, 1, tzinfo=UTC)
# GCBCTL_FUZZ_EXAMPLES=2000 runs a longer search by hand; CI keeps the default.
FUZZ = settings(
    max_examples=int(os.environ.get("GCBCTL_FUZZ_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=False),
    st.text(max_size=20),
    st.sampled_from(["+14155550199", "2026-12-15T14:00", "08:00", "24:00", "America/New_York"]),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=20,
)
KEYS = ["apiVersion", "kind", "metadata", "spec", "name", "queue", "timeSlots", "reservations"]
manifest_like = st.fixed_dictionaries(
    {
        "apiVersion": st.sampled_from(["gcbctl.io/v1", "v1"]),
        "kind": st.sampled_from(["QueueCapacity", "Webhook", "ReservationBatch", "Other"]),
        "metadata": st.fixed_dictionaries({"name": st.sampled_from(["a", "b", "Bad Name"])}),
        "spec": st.dictionaries(
            st.sampled_from(
                [
                    "queue",
                    "concurrencyLimit",
                    "slotMinutes",
                    "timezone",
                    "operatingHours",
                    "holidays",
                    "url",
                    "secret",
                    "events",
                    "reservations",
                    "reservationsFrom",
                    "defaults",
                    "prune",
                    *KEYS,
                ]
            ),
            values,
            max_size=6,
        ),
    }
)


def _load_and_validate(data: bytes) -> None:
    try:
        loaded = load(["-"], stdin=data)
    except GcbctlError:
        return
    validate(loaded.manifests, now=NOW)
    assert all(problem.line >= 1 for problem in loaded.problems)


@FUZZ
@given(st.binary(max_size=400))
def test_arbitrary_bytes_only_give_problems(data: bytes) -> None:
    """Random bytes never crash the loader or the validator."""
    _load_and_validate(data)


@FUZZ
@given(st.text(alphabet="ab:-[]{}&*!|>'\"#%?,.\n 01+~@`", max_size=120))
def test_yaml_punctuation_soup_only_gives_problems(text: str) -> None:
    """Text made of YAML's special characters never crashes loading."""
    _load_and_validate(text.encode())


@FUZZ
@given(st.lists(manifest_like, min_size=1, max_size=3), st.booleans())
def test_manifest_shaped_documents_only_give_problems(documents: list[Any], flow: bool) -> None:
    """Manifests with random values in every field get problems, never an exception."""
    text = yaml.safe_dump_all(documents, default_flow_style=flow, allow_unicode=True)
    _load_and_validate(text.encode())


@FUZZ
@given(st.lists(values, min_size=1, max_size=3), st.booleans(), st.booleans(), st.booleans())
def test_fast_path_agrees_with_careful_path(
    documents: list[Any], flow: bool, start: bool, end: bool
) -> None:
    """For any documents, rapidyaml's reading either declines or equals libyaml's."""
    text = yaml.safe_dump_all(
        documents,
        default_flow_style=flow,
        allow_unicode=True,
        explicit_start=start or len(documents) > 1,
        explicit_end=end,
    )
    text += "#" * 60 + "\n" + ("#" + "x" * 70 + "\n") * (FAST_PATH_MIN_BYTES // 70)
    try:
        careful = list(compose_documents(text))
    except YamlSyntaxError:
        careful = None
    data = text.encode()
    fast = fast_documents(data) if fast_path_applies(data) else None
    assert fast is None or fast == careful


CSV_BATCH = b"""apiVersion: gcbctl.io/v1
kind: ReservationBatch
metadata: {name: rows}
spec:
  queue: q
  reservationsFrom: {csv: rows.csv}
"""


@FUZZ
@given(
    st.text(alphabet='ab,"\n\r 0123456789+-:T', max_size=200),
    st.sampled_from(["", "callbackId,callbackNumber,start,end\n", "start,end,start2\n"]),
)
def test_arbitrary_csv_only_gives_problems(body: str, header: str) -> None:
    """Whatever a CSV file holds, a batch that points at it gets problems, never an exception."""
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "rows.csv").write_text(header + body, encoding="utf-8")
        (Path(folder) / "batch.yaml").write_bytes(CSV_BATCH)
        loaded = load([folder])
        validate(loaded.manifests, now=NOW)
        assert all(problem.line >= 1 for problem in loaded.problems)
