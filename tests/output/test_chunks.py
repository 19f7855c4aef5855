"""How the outputs are shared out between processes: each language's list pages on one side."""

from __future__ import annotations

from site_builder.output.chunks import LISTS, TAIL_CHUNKS, TAIL_PARTS, chunked
from site_builder.plan.routes import Kind, PageType, Route


def _routes() -> list[Route]:
    routes = []
    for lang, lists in (("en", 40), ("fr", 15), ("es", 12)):
        for n in range(lists):
            routes.append(Route(f"/{lang}/topic-{n}.html", Kind.PAGE, PageType.TOPIC, context={"lang": lang}, lang=lang))
        for n in range(30):
            routes.append(Route(f"/{lang}/release-{n}.html", Kind.PAGE, PageType.RELEASE, context={"lang": lang}, lang=lang))
    routes.append(Route("/feed.xml", Kind.FEED))
    routes.append(Route("/sitemap.xml", Kind.DATA))
    routes.append(Route("/api/releases.json", Kind.DATA))
    return routes


def test_every_output_is_in_one_chunk_and_a_language_s_lists_are_on_one_side() -> None:
    routes = _routes()
    indices = list(range(len(routes)))
    chunks, lanes = chunked(routes, indices, 2, 5)
    assert sorted(i for chunk in chunks for i in chunk.indices) == indices
    side: dict[str, set[str]] = {}
    for chunk, lane in zip(chunks, lanes):
        for i in chunk.indices:
            if routes[i].page in LISTS:
                side.setdefault(routes[i].lang, set()).add(lane)
            else:
                assert lane == ("here" if routes[i].kind == Kind.DATA else "any")
    assert side == {"en": {"here"}, "fr": {"there"}, "es": {"there"}}  # the largest alone; the others together
    assert lanes[:2] == ["here", "there"]  # each side starts with its own lists
    assert [routes[i].kind for i in chunks[0].indices] == [Kind.DATA, Kind.DATA]  # here, before any item is kept


def test_a_side_forgets_its_items_from_the_first_chunk_after_its_last_list() -> None:
    routes = _routes()
    chunks, lanes = chunked(routes, list(range(len(routes))), 2, 5)
    for side, done in (("here", [c.lists_done_here for c in chunks]), ("there", [c.lists_done_there for c in chunks])):
        last = max(n for n, lane in enumerate(lanes) if lane == side)
        assert done == [n > last for n in range(len(chunks))]
        assert not any(lane == side for lane in lanes[last + 1:])


def test_one_process_has_no_lanes_and_the_order_stays() -> None:
    routes = _routes()
    chunks, lanes = chunked(routes, list(range(len(routes))), 1, 50)
    assert lanes == [] and [i for chunk in chunks for i in chunk.indices] == list(range(len(routes)))
    assert not any(chunk.lists_done_here or chunk.lists_done_there for chunk in chunks)  # one process: keep them


def test_the_last_chunks_are_smaller_so_that_the_two_sides_end_together() -> None:
    routes = _routes()
    plain = [Route(f"/r-{n}.html", Kind.PAGE, PageType.RELEASE, context={"lang": "en"}, lang="en") for n in range(400)]
    chunks, lanes = chunked(plain, list(range(len(plain))), 2, 20)
    sizes = [len(chunk.indices) for chunk in chunks]
    assert sizes[:-TAIL_CHUNKS * TAIL_PARTS] == [20] * (len(sizes) - TAIL_CHUNKS * TAIL_PARTS)
    assert sizes[-TAIL_CHUNKS * TAIL_PARTS:] == [5] * (TAIL_CHUNKS * TAIL_PARTS)
    assert [i for chunk in chunks for i in chunk.indices] == list(range(len(plain))) and set(lanes) == {"any"}
    mixed, mixed_lanes = chunked(routes, list(range(len(routes))), 2, 5)
    assert len(mixed) == len(mixed_lanes) and sorted(i for c in mixed for i in c.indices) == list(range(len(routes)))
