"""``check`` sees what readers would see broken: each warning at its file and line, with a fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from site_builder.content.yaml_lines import YamlError, load_yaml
from tests.helpers import make_site, run

REL = "releases/2011/2011-01-01-x.md"


def check_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str]) -> list[str]:
    make_site(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    code, _, err = run("check")
    assert code == 0 and "Traceback" not in err
    return [line.split(" (", 1)[0] for line in err.splitlines()]


def release(body: str, front: str = "") -> str:
    return f"---\ntitle: X\ndate: 2011-01-01\n{front}---\n{body}"


def test_body_warnings_point_at_their_lines(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = ("Intro paragraph.\n\n"                                              # line 5
            "Use <H2> for headings.\n\n"                                        # 7
            '<iframe src="https://player.vimeo.com/video/42"></iframe>\n\n'     # 9
            "![x](https://example.org/x.png)\n\n"                               # 11
            'Old code {% image "x.png" %} here.\n\n'                            # 13
            "```\n{{ kept in code }}\n```\n\n"                                  # 15
            '<p style="color: red">Red</p>\n\n'                                 # 19
            "[gone](/releases/2099/nothing/) and [home](/) and [ok](/releases/2010/warsaw/)\n")  # 21
    lines = check_lines(tmp_path, monkeypatch, {REL: release(body)})
    assert lines == [
        f"content/{REL}:7: warning: '<H2>' is shown as written: <h2> is not allowed inside a paragraph",
        f"content/{REL}:9: warning: the embedded iframe is shown as a link: 'Video: player.vimeo.com'",
        f"content/{REL}:11: warning: the image https://example.org/x.png is on another site, which pages may not load: it is shown as a link",
        f"content/{REL}:13: warning: template code '{{% image \"x.png\" %}}' from another site generator is shown as text",
        f"content/{REL}:19: warning: style= on <p> is removed: it is not allowed in a page",
        f"content/{REL}:21: warning: the link '/releases/2099/nothing/' leads nowhere: no page or file of the site has the address /releases/2099/nothing/",
        "content: no errors, 6 warnings",
    ][:-1]


def test_relative_links_and_static_files_are_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = ("See [Warsaw](../../2010/warsaw/), [the PDF](/pdf/a.pdf), [image](/img/none.png)"
            " and [a typo](../../2010/warsw/).\n")
    lines = check_lines(tmp_path, monkeypatch, {REL: release(body), "static/pdf/a.pdf": "%PDF"})
    assert lines == [
        f"content/{REL}:5: warning: the link '../../2010/warsw/' leads nowhere: no page or file of the site has the address /releases/2010/warsw/",
        f"content/{REL}:5: warning: the link '/img/none.png' leads nowhere: no page or file of the site has the address /img/none.png",
    ]


def test_plain_text_fields_with_entities_or_tags(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "---\ntitle: The &ldquo;agilefall&rdquo; way\ndate: 2011-01-01\nplace: <b>Paris</b>\n---\nBody.\n"
    assert check_lines(tmp_path, monkeypatch, {REL: text}) == [
        f"content/{REL}:2: warning: title contains '&ldquo;', which readers will see as typed",
        f"content/{REL}:4: warning: place contains '<b>', which readers will see as typed",
    ]


def test_empty_summaries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = check_lines(tmp_path, monkeypatch, {
        REL: release("![only an image](/img/x.png)\n"),
        "releases/2011/2011-01-02-y.md": "---\ntitle: Y\ndate: 2011-01-02\nsummary: '**  **'\n---\nText.\n",
    })
    assert f"content/{REL}:2: warning: no summary: the body does not start with a paragraph of text, so list pages and feeds show none" in lines
    assert ("content/releases/2011/2011-01-02-y.md:4: warning: the summary is empty or only markup: "
            "list pages and feeds will show no text for it") in lines


def test_a_one_digit_month_or_day_in_a_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    name = "releases/2024/2024-12-5-launch.md"
    lines = check_lines(tmp_path, monkeypatch, {name: "---\ntitle: L\ndate: 2024-12-05\n---\nText.\n"})
    assert lines == [f"content/{name}:1: warning: the file name starts with the date '2024-12-5', not YYYY-MM-DD"]
    code, _, _ = run("build", "--output", str(tmp_path / "out"))
    assert code == 0 and (tmp_path / "out/releases/2024/launch/index.html").is_file()  # the date left out of the URL


def test_addresses_equal_but_for_case(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lines = check_lines(tmp_path, monkeypatch, {
        REL: release("Text.\n", "aliases: [/Old/Page.html]\n"),
        "releases/2011/2011-01-02-y.md": "---\ntitle: Y\ndate: 2011-01-02\naliases: [/old/page.html]\n---\nText.\n",
    })
    assert len(lines) == 1 and lines[0] + " (" == ("content/releases/2011/2011-01-02-y.md:4: warning: the address "
                                                  "/old/page.html differs only in case from /Old/Page.html (")


def test_a_body_too_deep_is_an_error_of_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path, {REL: release("Intro.\n\n" + "\n".join("  " * i + "- x" for i in range(1000)))})
    monkeypatch.chdir(tmp_path)
    code, _, err = run("check")
    assert code == 1 and "Traceback" not in err
    assert err.splitlines() == [
        f"content/{REL}:87: error: the text is nested more than 40 levels deep (lists or quotes) "
        "(flatten the list or quote: readers cannot follow that many levels either)",
        "check found 1 error"]


def test_build_shows_what_check_warned_about(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    body = 'Three things:\n- one\n- two\n\n<iframe src="https://www.youtube.com/embed/v1" title="Talk"></iframe>\n'
    make_site(tmp_path, {REL: release(body)})
    monkeypatch.chdir(tmp_path)
    assert run("build", "--output", str(tmp_path / "out"))[0] == 0
    page = BeautifulSoup((tmp_path / "out/releases/2011/x/index.html").read_text(encoding="utf-8"), "html.parser")
    article = page.find("main")
    assert [li.get_text() for li in article.find_all("li") if li.get_text() in ("one", "two")] == ["one", "two"]
    link = article.find("a", string="Video: Talk")
    assert link is not None and link["href"] == "https://www.youtube.com/watch?v=v1" and page.find("iframe") is None


# --- YAML: one case per message class of the loader, with the line the editor must look at -------------

YAML_CASES = [
    # an unclosed quote that YAML closes lines later, at the next quote (reported there before)
    ('title: "Base release\ndate: 2011-01-01\nmechanisms:\n  - a\n  - b\ntopics:\n  - c\nplace: x\nkind: "statement"\n',
     2, "a quotation mark opened on this line is never closed"),
    ('title: "Base release\ndate: 2011-01-01\n', 2, "a quotation mark opened on this line is never closed"),
    ("title: 'It is\ndate: 2011\n", 2, "a quotation mark opened on this line is never closed"),
    ('a: 1\nlist:\n  - "open\n  - b\nc: "d"\n', 4, "a quotation mark opened on this line is never closed"),
    ("a: 1\nlist:\n  - x\n - y\n", 5, "did not find expected key"),                          # ParserError
    ("a: 1\n\tb: 2\n", 3, "found a tab character that violates indentation"),                # ScannerError
    ("title: A: B\n", 2, "mapping values are not allowed in this context"),                  # ScannerError
    ("a: [b, c\nd: e\n", 3, "did not find expected ',' or ']'"),                             # ParserError
    ("a: @x\n", 2, "found character that cannot start any token"),                          # ScannerError
    ('a: "\\q"\n', 2, "found unknown escape character"),                                      # ScannerError
    ("a: 1\nb: *x\n", 3, "found undefined alias"),                                            # ComposerError
    ("a: &x 1\nb: &x 2\n", 3, "found duplicate anchor"),                                      # ComposerError
    ("a: 1\n---\nb: 2\n", 3, "but found another document"),                                   # ComposerError
    ("a: !!python/object:os.system x\n", 2, "is not accepted"),                               # ConstructorError
    ("a: b\nc: d\x07\n", 3, "character #x0007 is not allowed"),                                # ReaderError
    ("a: 1\nb: 2\na: 3\n", 4, "duplicate key 'a'"),                                            # ours
]


@pytest.mark.parametrize("text, line, message", YAML_CASES)
def test_yaml_errors_point_where_the_editor_must_look(text: str, line: int, message: str) -> None:
    with pytest.raises(YamlError) as raised:
        load_yaml(text, offset=1)  # as in a file: the front matter starts after the opening ---
    assert raised.value.line == line and message in raised.value.message


def test_valid_quotes_are_not_taken_for_unclosed_ones() -> None:
    data, _ = load_yaml("a: \"x\"\nb: 'it''s'\nc: \"say \\\"hi\\\"\"\nd: \"long\n  value\"\n", 1)
    assert data == {"a": "x", "b": "it's", "c": 'say "hi"', "d": "long value"}
