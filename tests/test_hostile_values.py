"""No hostile value gets out of its box: each payload in every text field of every content type, of
site.yaml and topics.yaml, and in every body, then every output format is read the way a browser or a
feed reader would (HTML elements and attributes, JSON-LD, feeds, sitemap, JSON API, search filters,
redirect pages). URL fields and aliases refuse what would run a script or send readers elsewhere."""

from __future__ import annotations

import json
import re
from pathlib import Path

import lxml.etree
import lxml.html
import pytest

from site_builder.options import Options
from site_builder.pipeline import build
from tests.helpers import make_site, run

PAYLOADS = {
    "script": "<script>alert(1)</script>",
    "attribute": '"><img src=x onerror=alert(1)>',
    "single-quote": "' onmouseover='alert(1)",
    "javascript-url": "javascript:alert(1)",
    "data-url": "data:text/html,<script>alert(1)</script>",
    "css": "</style><style>body{background:url(javascript:alert(1))}</style>",
    "json": '"}]</script><script>alert(1)</script>{"a":"',
    "xml": "]]></title><x:evil xmlns:x=\"urn:x\"/><![CDATA[",
    "template": "{{ 7*7 }}{% raw %}",
}


def _q(value: str) -> str:
    return json.dumps(value)  # a JSON string is a YAML double-quoted string


def hostile_archive(root: Path, payload: str) -> Path:
    v = _q(payload)
    return make_site(root, {
        "site.yaml": f"title: {v}\nbase_url: https://example.org/sub/\nlanguages: [en, fr]\ndescription: {v}\n"
                     f"kinds: {{press-release: {v}}}\ncontacts: [{{org: {v}, name: {v}, phone: {v}}}]\n",
        "topics.yaml": f"cooperation:\n  title: {v}\n  description: {v}\n",
        "mechanisms/osce-odihr.md": f"---\nname: {v}\nshort: {v}\naliases: [{v}]\norganisation: {v}\nregion: {v}\n"
                                    f"mandate_holders: [{{name: {v}}}]\n---\n{payload}\n",
        "meetings/3.md": f'---\nnumber: "3"\ntitle: {v}\nstart: "2010-12-08"\ncity: {v}\ncountry: {v}\nhost: {v}\n'
                         f"participants: [osce-odihr]\n---\n{payload}\n",
        "releases/2010/2010-12-09-warsaw.md": f"---\ntitle: {v}\ndate: 2010-12-09\nplace: {v}\nsummary: {v}\n"
                                              f'meetings: ["3"]\nmechanisms: [osce-odihr]\ntopics: [cooperation]\n'
                                              f"translation_key: warsaw\ncontacts: [{{org: {v}, name: {v}, phone: {v}}}]\n"
                                              f"attachments: [{{file: static/a.pdf, title: {v}}}]\naliases: [/old/warsaw.html]\n"
                                              f"---\n{payload}\n\n[link]({payload}) <a href=\"{payload}\">x</a> ![i]({payload})\n",
        "releases/2010/2010-12-09-warsaw.fr.md": f"---\ntitle: {v}\ndate: 2010-12-09\ntranslation_key: warsaw\n---\n{payload}\n",
        "pages/about.md": f"---\ntitle: {v}\nsummary: {v}\naliases: [/old/about/]\n---\n{payload}\n",
        "static/a.pdf": "%PDF",
    })


LIVE_URL = re.compile(r"^\s*(javascript|data|vbscript):", re.IGNORECASE)


def html_problems(rel: str, data: bytes, payload: str) -> list[str]:
    problems = []
    document = lxml.html.document_fromstring(data)
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                problems.append(f"{rel}: <{element.tag} {name}=...>")
            if name.lower() in ("href", "src", "action", "formaction", "srcset", "poster", "xlink:href") and LIVE_URL.match(value):
                problems.append(f"{rel}: <{element.tag} {name}={value!r}>")
            if element.tag == "meta" and (element.get("http-equiv") or "").lower() == "refresh" and name == "content" \
                    and LIVE_URL.match(value.partition("url=")[2] or value.partition("URL=")[2]):
                problems.append(f"{rel}: a refresh to {value!r}")
        if element.tag == "script":
            text = element.text or ""
            if element.get("type") == "application/ld+json":
                json.loads(text)  # JSON-LD stays JSON, the payload inside it a string
            elif "alert(1)" in text:
                problems.append(f"{rel}: a live script")
        if element.tag == "style" and "javascript" in (element.text or ""):
            problems.append(f"{rel}: the payload's style is live")
        if element.tag.startswith("x:") or element.tag == "evil":
            problems.append(f"{rel}: the payload's element is live")
    return problems


@pytest.mark.parametrize("name", PAYLOADS)
def test_a_payload_in_every_field_stays_text_in_every_output(name: str, tmp_path: Path) -> None:
    payload = PAYLOADS[name]
    content = hostile_archive(tmp_path, payload)
    output = tmp_path / "site"
    build(Options(content=content, output=output, jobs=1, search=False))
    problems: list[str] = []
    files = sorted(p for p in output.rglob("*") if p.is_file())
    assert len(files) > 40
    for path in files:
        rel, data = path.relative_to(output).as_posix(), path.read_bytes()
        if path.suffix == ".html":
            problems += html_problems(rel, data, payload)
        elif path.suffix == ".xml":
            tree = lxml.etree.fromstring(data, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
            for element in tree.iter():
                if isinstance(element.tag, str) and ("urn:x" in element.tag or element.tag.endswith("evil")):
                    problems.append(f"{rel}: the payload's element is live in XML")
                if element.tag.endswith("}content") and "<script" in (element.text or "").lower():
                    problems.append(f"{rel}: a script in a feed entry's HTML")
                if element.tag.endswith("}link") and LIVE_URL.match(element.get("href", "")):
                    problems.append(f"{rel}: a live URL in a feed link")
        elif path.suffix == ".json":
            json.loads(data)
    redirect = (output / "old" / "warsaw.html").read_text(encoding="utf-8")
    assert "/sub/releases/2010/warsaw/" in redirect
    assert problems == []


@pytest.mark.parametrize("field, value", [
    ("url", "javascript:alert(1)"), ("url", "data:text/html,x"), ("url", "//evil.example/"),
    ("sources", "[javascript:alert(1)]"), ("sources", "[ftp://example.org/]"),
])
def test_url_fields_refuse_what_is_not_a_web_address(field: str, value: str, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path, {"mechanisms/osce-odihr.md": f"---\nname: N\nshort: S\n{field}: {value}\n---\nX.\n"})
    monkeypatch.chdir(tmp_path)
    code, _, err = run("check")
    assert code == 1 and f"content/mechanisms/osce-odihr.md:4: error: {field}: " in err


@pytest.mark.parametrize("alias", ["//evil.example/", "https://evil.example/", "/a/../../etc/", "/../x.html",
                                   "/.htaccess", "/x?y", "/x#y", "old", "/" + "a" * 300 + "/", '"/\\u0000/"',
                                   "/feed.xml/", "/api/releases.json/", "/.site-builder.json", "/pagefind/x.html"])
def test_aliases_cannot_redirect_away_leave_the_output_or_replace_a_generated_file(alias: str, tmp_path: Path,
                                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    make_site(tmp_path, {"releases/2010/2010-12-09-warsaw.md": f"---\ntitle: T\ndate: 2010-12-09\naliases: [{alias}]\n---\nX.\n"})
    monkeypatch.chdir(tmp_path)
    code, _, err = run("check")
    assert code == 1
    assert err.startswith("content/releases/2010/2010-12-09-warsaw.md:4: error: "), err
    code, _, err = run("build")
    assert code == 1 and not (tmp_path / "output").exists()
