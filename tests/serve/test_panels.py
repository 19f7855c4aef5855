"""The dev server's panels, from their autoescaped templates: what an editor reads over a page."""

from __future__ import annotations

from bs4 import BeautifulSoup

from site_builder.errors import Diagnostic
from site_builder.serve.panels import PANEL_ITEMS, decorate, panel, problem_page

HOSTILE = Diagnostic("releases/x.md", 3, "title: '<script>alert(1)</script>' is odd", "remove the <b>tags</b>", code="bad-value")


def items(html: str) -> list[str]:
    return [" ".join(li.get_text(" ").split()) for li in BeautifulSoup(html, "html.parser").select("#serve-problems li")]


def test_messages_are_text_never_markup() -> None:
    html = str(panel([HOSTILE], [], "content"))
    assert "<script>" not in html and "<b>" not in html
    assert items(html) == ["content/releases/x.md:3 error: title: '<script>alert(1)</script>' is odd "
                           "Fix: remove the <b>tags</b>"]


def test_errors_are_red_and_an_alert_warnings_a_status() -> None:
    errors = BeautifulSoup(str(panel([HOSTILE], [], "content")), "html.parser").find(id="serve-problems")
    warning = Diagnostic("releases/x.md", 2, "dated 2041-03-01", severity="warning", code="future-date")
    warnings = BeautifulSoup(str(panel([], [warning], "content")), "html.parser").find(id="serve-problems")
    assert errors is not None and errors["role"] == "alert" and "1 error:" in errors.get_text()
    assert warnings is not None and warnings["role"] == "status" and "Check will warn" in warnings.get_text()
    assert "Fix: Check the date for a typo" in warnings.get_text()  # no hint: the catalogue's fix
    assert str(panel([], [], "content")) == ""


def test_a_long_list_is_cut_and_says_how_many_are_left() -> None:
    many = [Diagnostic(f"releases/{n:02d}.md", 1, "missing", code="missing-field") for n in range(PANEL_ITEMS + 5)]
    listed = items(str(panel(many, [], "content")))
    assert len(listed) == PANEL_ITEMS + 1 and listed[-1].startswith("... and 5 more")


def test_a_template_problem_names_its_pages() -> None:
    problem = Diagnostic("templates/a.html", 2, "'x' is undefined", pages=("/a/", "/b/", "/c/"), code="template-error")
    assert items(str(panel([problem], [], "content"))) == [
        "templates/a.html:2 error: 'x' is undefined (while rendering /a/ and 2 other pages) "
        "Fix: For the design team: fix the template at the line shown. Editors: tell them, with the message."]


def test_the_served_page_gets_banner_panel_and_reload_script_before_body_end() -> None:
    page = decorate(b"<html><body><h1>T</h1></body></html>", [HOSTILE], [], True, "content").decode()
    soup = BeautifulSoup(page, "html.parser")
    assert soup.find(id="serve-draft") is not None and soup.find(id="serve-problems") is not None
    assert page.endswith("</script></body></html>") and page.count("<script>") == 1  # only ours


def test_a_page_with_no_good_version_shows_its_problems_alone() -> None:
    soup = BeautifulSoup(problem_page("<x>/", [HOSTILE], "content").decode(), "html.parser")
    assert soup.title is not None and soup.title.get_text() == "Problems: /<x>/"
    assert soup.find(id="serve-problems") is not None
