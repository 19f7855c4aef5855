"""The plan's routes: every output typed by what makes it, pages by what they show, before rendering."""

from __future__ import annotations

from pathlib import Path

from site_builder.plan.routes import Dataset, Kind, PageType, Route, find_collisions
from tests.helpers import planned

RELEASE = "releases/2011/2011-03-01-march.md"
MORE = {RELEASE: "---\ntitle: March\ndate: 2011-03-01\nmechanisms: [osce-odihr]\naliases: [/old/march.html]\ntranslation_key: march\n---\nText.\n",
        "releases/2011/2011-03-01-march.fr.md": "---\ntitle: Mars\ndate: 2011-03-01\nslug: march\ntranslation_key: march\n---\nTexte.\n",
        "static/pdf/a.pdf": "%PDF"}


def by_path(routes: tuple[Route, ...]) -> dict[str, Route]:
    return {route.path: route for route in routes}


def test_each_output_is_typed_by_what_makes_it(tmp_path: Path) -> None:
    routes = by_path(planned(tmp_path, MORE).routes)
    assert routes["releases/2011/march/"].kind is Kind.PAGE and routes["releases/2011/march/"].page is PageType.RELEASE
    assert routes["old/march.html"].kind is Kind.REDIRECT and routes["old/march.html"].context["target"] == "releases/2011/march/"
    assert routes["feed.xml"].kind is Kind.FEED and routes["mechanisms/osce-odihr/feed.xml"].context["mechanism"].id == "osce-odihr"
    assert routes["api/releases.json"].dataset is Dataset.RELEASES and routes["sitemap.xml"].dataset is Dataset.SITEMAP
    assert routes["search/filters.json"].dataset is Dataset.SEARCH_FILTERS and routes["fr/search/filters.json"].lang == "fr"
    assert routes["pdf/a.pdf"].kind is Kind.COPY and routes["pdf/a.pdf"].source == "static/pdf/a.pdf"
    assert any(route.kind is Kind.BYTES and route.path.startswith("assets/style.") for route in routes.values())


def test_a_page_type_names_its_template_and_menu_section() -> None:
    assert PageType.RELEASE.template == "release.html" and PageType.RELEASE.section == "releases"
    assert PageType.YEAR.section == "releases" and PageType.MEETING.section == "meetings"
    assert PageType.NOT_FOUND.template == "404.html" and PageType.HOME.section == "" and PageType.PAGE.section == ""
    assert Route("x/", Kind.DATA, dataset=Dataset.ROBOTS).template == ""


def test_language_versions_are_alternates_of_each_other(tmp_path: Path) -> None:
    routes = by_path(planned(tmp_path, MORE).routes)
    assert routes["releases/2011/march/"].alternates == (("en", "releases/2011/march/"), ("fr", "fr/releases/2011/march/"))
    assert routes["fr/releases/2011/march/"].alternates == routes["releases/2011/march/"].alternates
    assert routes["meetings/"].alternates == (("en", "meetings/"), ("fr", "fr/meetings/"))


def test_only_published_pages_are_indexable(tmp_path: Path) -> None:
    draft = {"releases/2011/2011-04-01-draft.md": "---\ntitle: D\ndate: 2011-04-01\ndraft: true\n---\nD.\n"}
    routes = by_path(planned(tmp_path, {**MORE, **draft}).routes)
    assert "releases/2011/draft/" not in routes  # build leaves drafts out
    assert routes["releases/2011/march/"].indexable and not routes["old/march.html"].indexable
    assert not routes["404.html"].indexable and not routes["feed.xml"].indexable


def test_routes_are_sorted_by_output_file_and_unique(tmp_path: Path) -> None:
    routes = planned(tmp_path, MORE).routes
    files = [route.output_file for route in routes]
    assert files == sorted(files) and len(set(files)) == len(files)
    assert find_collisions(routes) == []


def test_a_collision_names_both_files_and_spares_the_built_in_page() -> None:
    site_page = Route("search/", Kind.PAGE, PageType.SEARCH, source="site")
    first = Route("a/", Kind.PAGE, PageType.PAGE, source="pages/a.md", line=2)
    second = Route("a/", Kind.REDIRECT, PageType.REDIRECT, source="releases/2011/b.md", line=7)
    shadow = Route("search/", Kind.PAGE, PageType.PAGE, source="pages/search.md", line=3)
    found = [d.format() for d in find_collisions([site_page, first, second, shadow])]
    assert found == [
        "pages/a.md:2: error: the URL /a/ is also produced by releases/2011/b.md (give one of them another slug, alias or file name)",
        "pages/search.md:3: error: the URL /search/ is also produced by a built-in page of the site "
        "(give one of them another slug, alias or file name)",
        "releases/2011/b.md:7: error: the URL /a/ is also produced by pages/a.md (give one of them another slug, alias or file name)",
    ]
