"""How the outputs to render are shared out between this process and the forked workers.

A list page (a year, a topic, a country...) shows each release as an item rendered once per
language and kept (``Renderer._fragment``): at 10,000 releases some 55,000 items, 60 MB. Chunks
taken by whichever process is free made every process render and keep nearly every item, so the
work and the memory of the items were paid once per process. Here the list pages of a language
all go to one side, this process or the workers (``in_parallel``'s lanes), languages shared out
by their number of list pages; every other output (release pages, feeds, data) goes to whichever
side is free, and so evens out the load.

Chunks come in the order the two sides are expected to take them (each side's lists first, then
the rest, by an estimate of their cost), so results come back about in the order they are handed
over, and do not wait in memory for an earlier one. The data files (the sitemap of every address,
the API's list of every release) come first, in this process: the memory they take for a moment
(about 60 MB at 10,000 releases) is then reused for the items instead of being added to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..plan.routes import Kind, PageType, Route
from ..workers import Lane

__all__ = ["LISTS", "Chunk", "chunked"]

# page types that show release items (templates' ``release_list``)
LISTS = frozenset({PageType.HOME, PageType.RELEASES, PageType.YEAR, PageType.MEETING, PageType.MECHANISM,
                   PageType.TOPIC, PageType.COUNTRY})
LIST_COST = 3  # a list page costs about three other pages to render (a profile at 1,000 releases)
TAIL_CHUNKS = 8  # the last chunks are cut smaller (see ``_finer_tail``)
TAIL_PARTS = 4


@dataclass(frozen=True)
class Chunk:
    """Outputs to render together, and whether the side that takes them has rendered all its list
    pages by then (it can drop its items: at 10,000 releases 60 MB here, 30 MB in the worker)."""

    indices: list[int]
    lists_done_here: bool = False
    lists_done_there: bool = False


def chunked(routes: Sequence[Route], indices: Sequence[int], workers: int, size: int) -> tuple[list[Chunk], list[Lane]]:
    """``indices`` in chunks of at most ``size``, each with its lane, for this process and ``workers - 1`` workers.

    Each side takes the chunks it may take in their order (``in_parallel``), so a chunk after the
    last one pinned to a side comes to that side only once it has rendered all its list pages."""
    if workers <= 1:
        return [Chunk(list(indices[i:i + size])) for i in range(0, len(indices), size)], []
    groups, lanes = _ordered(routes, indices, workers, size)
    groups, lanes = _finer_tail(groups, lanes, TAIL_CHUNKS, TAIL_PARTS)
    last = {side: max((n for n, lane in enumerate(lanes) if lane == side), default=-1) for side in ("here", "there")}
    return [Chunk(group, n > last["here"], n > last["there"]) for n, group in enumerate(groups)], lanes


def _finer_tail(groups: list[list[int]], lanes: list[Lane], count: int, parts: int) -> tuple[list[list[int]], list[Lane]]:
    """The last ``count`` chunks each cut in ``parts``, on the same lane: whichever side ends first
    then waits for a small chunk of the other's at most, not for a full one (a worker may hold
    three it has been given, which this process cannot take back, see ``in_parallel``)."""
    head = len(groups) - count
    if head <= 0:
        return groups, lanes
    fine_groups, fine_lanes = groups[:head], lanes[:head]
    for group, lane in zip(groups[head:], lanes[head:]):
        step = max(1, -(-len(group) // parts))
        for start in range(0, len(group), step):
            fine_groups.append(group[start:start + step])
            fine_lanes.append(lane)
    return fine_groups, fine_lanes


def _ordered(routes: Sequence[Route], indices: Sequence[int], workers: int, size: int) -> tuple[list[list[int]], list[Lane]]:
    """The chunks and their lanes, in the order the two sides are expected to take them."""
    sides = _language_sides(routes, indices, workers)
    groups: dict[Lane, list[int]] = {"here": [], "there": [], "any": []}
    data: list[int] = []
    for index in indices:
        route = routes[index]
        if route.kind == Kind.DATA:
            data.append(index)
        else:
            groups[sides[route.lang] if route.page in LISTS else "any"].append(index)
    queues = {lane: [group[i:i + size] for i in range(0, len(group), size)] for lane, group in groups.items()}
    if data:  # here, first: what they hold for a moment (every route, every release) is then reused by the items
        queues["here"].insert(0, data)
    capacity: dict[Lane, int] = {"here": 1, "there": workers - 1}
    busy: dict[Lane, float] = {"here": 0.0, "there": 0.0}
    chunks: list[list[int]] = []
    lanes: list[Lane] = []
    while any(queues.values()):
        side = min(busy, key=lambda lane: (busy[lane], lane != "here"))
        own = queues[side]
        queue = own if own else queues["any"]
        if not queue:  # this side is done; the other still has lists of its own
            busy[side] = float("inf")
            continue
        chunk = queue.pop(0)
        chunks.append(chunk)
        lanes.append(side if queue is own else "any")
        busy[side] += sum(LIST_COST if routes[i].page in LISTS else 1 for i in chunk) / capacity[side]
    return chunks, lanes


def _language_sides(routes: Sequence[Route], indices: Sequence[int], workers: int) -> dict[str, Lane]:
    """Each language's side for its list pages: the most pages first, each to the less busy side."""
    counts: dict[str, int] = {}
    for index in indices:
        if routes[index].page in LISTS:
            counts[routes[index].lang] = counts.get(routes[index].lang, 0) + 1
    load: dict[Lane, float] = {"here": 0.0, "there": 0.0}
    capacity: dict[Lane, int] = {"here": 1, "there": workers - 1}
    sides: dict[str, Lane] = {}
    for lang in sorted(counts, key=lambda lang: (-counts[lang], lang)):
        side = min(load, key=lambda lane: (load[lane], lane != "here"))
        sides[lang] = side
        load[side] += counts[lang] / capacity[side]
    return sides
