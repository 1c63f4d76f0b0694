"""The assignment core: complete where first-come-first-served is not, and least-cost."""

from __future__ import annotations

from itertools import product

from hypothesis import given, settings
from hypothesis import strategies as st

from reconciler.core.planner.matching import UNPLACED, assign


def test_moves_an_earlier_demand_to_place_a_later_one() -> None:
    """Greedy would give slot 0 to the first demand and strand the second; matching does not."""
    result = assign([[(0, 0), (1, 1)], [(0, 0)]], [1, 1])
    assert result == [1, 0]


def test_prefers_cheaper_slots_when_there_is_room() -> None:
    """With room everywhere each demand takes its cheapest slot."""
    assert assign([[(0, 5), (1, 0)], [(0, 0), (1, 3)]], [1, 1]) == [1, 0]


def test_unplaceable_demand_is_left_out() -> None:
    """More demands than capacity: the extra one gets UNPLACED, the others stay placed."""
    assert assign([[(0, 0)], [(0, 0)], []], [1]) == [0, UNPLACED, UNPLACED]


def test_capacity_above_one_is_used() -> None:
    """A slot with capacity 2 takes two demands."""
    assert assign([[(0, 0)], [(0, 0)], [(0, 0), (1, 9)]], [2, 1]) == [0, 0, 1]


def _brute(demands: list[list[tuple[int, int]]], capacity: list[int]) -> tuple[int, int]:
    """(most demands placed, least cost among assignments placing all) by trying everything."""
    best_count, best_cost = 0, None
    options = [[None, *[s for s, _ in row]] for row in demands]
    for pick in product(*options):
        load = [0] * len(capacity)
        for slot in pick:
            if slot is not None:
                load[slot] += 1
        if any(load[i] > capacity[i] for i in range(len(capacity))):
            continue
        count = sum(1 for slot in pick if slot is not None)
        best_count = max(best_count, count)
        if count == len(demands):
            cost = sum(dict(row)[slot] for row, slot in zip(demands, pick, strict=True))
            best_cost = cost if best_cost is None else min(best_cost, cost)
    return best_count, (best_cost if best_cost is not None else -1)


@st.composite
def _instances(draw: st.DrawFn) -> tuple[list[list[tuple[int, int]]], list[int]]:
    slots = draw(st.integers(1, 4))
    capacity = draw(st.lists(st.integers(0, 2), min_size=slots, max_size=slots))
    demands = draw(
        st.lists(
            st.dictionaries(st.integers(0, slots - 1), st.integers(0, 6), max_size=slots).map(
                lambda d: sorted(d.items())
            ),
            max_size=5,
        )
    )
    return demands, capacity


@settings(max_examples=150, deadline=None)
@given(_instances())
def test_maximum_and_least_cost_against_brute_force(
    instance: tuple[list[list[tuple[int, int]]], list[int]],
) -> None:
    """Places as many demands as any assignment can, at least cost when all fit."""
    demands, capacity = instance
    result = assign(demands, capacity)
    placed = [r for r in result if r != UNPLACED]
    best_count, best_cost = _brute(demands, capacity)
    assert len(placed) == best_count
    for slot in range(len(capacity)):
        assert result.count(slot) <= capacity[slot]
    if best_count == len(demands):
        cost = sum(dict(row)[slot] for row, slot in zip(demands, result, strict=True))
        assert cost == best_cost
