"""Minimum-cost maximum assignment of demands to slots with capacities.

This is what makes placement complete: a demand is added by searching the shortest augmenting
path (Dijkstra over reduced costs, Johnson potentials) from it to any slot with room, possibly
moving earlier demands to other slots of theirs. A demand for which no augmenting path exists
cannot be placed in any maximum assignment of the demands before it, so it is left out, and the
result is a maximum assignment of least total cost among those placing the same demands.

The search only touches the part of the graph that is reachable more cheaply than the answer, so
adding a demand whose preferred slot has room costs a handful of steps. Everything is integer
and iterated in index order: the same input always gives the same output.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from typing import Final

UNPLACED: Final = -1
Candidates = Sequence[tuple[int, int]]
"""(slot index, cost) pairs of one demand; costs are non-negative integers."""


class _Graph:
    """Residual graph state: who sits where, and the potentials that keep reduced costs >= 0."""

    def __init__(self, demands: Sequence[Candidates], capacity: Sequence[int]) -> None:
        self.n = len(demands)
        self.sink = self.n + len(capacity)
        self.capacity = capacity
        self.cost = [dict(c) for c in demands]
        self.chosen = [UNPLACED] * self.n
        self.members: list[list[int]] = [[] for _ in capacity]
        self.potential = [0] * (self.sink + 1)

    def free(self, slot: int) -> bool:
        return len(self.members[slot]) < self.capacity[slot]

    def neighbours(self, node: int) -> list[tuple[int, int]]:
        """(next node, reduced cost) of every residual edge leaving `node`."""
        pot = self.potential
        if node < self.n:
            here = self.chosen[node]
            return [
                (self.n + slot, cost + pot[node] - pot[self.n + slot])
                for slot, cost in self.cost[node].items()
                if slot != here
            ]
        slot = node - self.n
        out = [(r, pot[node] - self.cost[r][slot] - pot[r]) for r in self.members[slot]]
        if self.free(slot):
            out.append((self.sink, pot[node] - pot[self.sink]))
        return out

    def direct(self, start: int) -> int | None:
        """A free slot reachable at zero reduced cost (then no path can be shorter), if any.

        Sets the potential of `start`; most demands are placed here without a search.
        """
        pot, n = self.potential, self.n
        pot[start] = max(pot[n + s] - c for s, c in self.cost[start].items())
        sink = pot[self.sink]
        for slot, cost in self.cost[start].items():
            if cost + pot[start] == pot[n + slot] == sink and self.free(slot):
                return slot
        return None

    def search(self, start: int) -> dict[int, int] | None:
        """Parents along a shortest augmenting path from `start`, or None if there is none."""
        pot = self.potential
        dist = {start: 0}
        parent: dict[int, int] = {}
        settled: dict[int, int] = {}
        heap = [(0, start)]
        while heap:
            d, node = heapq.heappop(heap)
            if node in settled:
                continue
            settled[node] = d
            if node == self.sink:
                for seen, at in settled.items():
                    pot[seen] += at - d
                return parent
            for nxt, reduced in self.neighbours(node):
                nd = d + reduced
                if nxt not in settled and nd < dist.get(nxt, nd + 1):
                    dist[nxt] = nd
                    parent[nxt] = node
                    heapq.heappush(heap, (nd, nxt))
        return None

    def augment(self, start: int, parent: dict[int, int]) -> None:
        node = parent[self.sink]
        while True:
            demand = parent[node]
            old = self.chosen[demand]
            self.members[node - self.n].append(demand)
            self.chosen[demand] = node - self.n
            if demand == start:
                return
            self.members[old].remove(demand)
            node = parent[demand]


def assign(demands: Sequence[Candidates], capacity: Sequence[int]) -> list[int]:
    """The slot index given to each demand, or `UNPLACED`; demands are added in list order."""
    graph = _Graph(demands, [max(0, c) for c in capacity])
    for start in range(graph.n):
        if not graph.cost[start]:
            continue
        slot = graph.direct(start)
        if slot is not None:
            graph.members[slot].append(start)
            graph.chosen[start] = slot
            continue
        parent = graph.search(start)
        if parent is not None:
            graph.augment(start, parent)
    return graph.chosen
