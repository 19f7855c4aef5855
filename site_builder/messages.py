"""The catalogue of every diagnostic code: what it means and how an editor fixes it.

Each ``Diagnostic(..., code=...)`` raised anywhere in ``site_builder`` has an entry here (a test walks
the package to keep it so), and the "Messages" section of docs/editing.md is generated from this
table, so the guide can never describe a message the code no longer prints, or miss a new one.

Regenerate the guide's section after editing this file::

    python -m site_builder.guide docs/editing.md
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Message:
    code: str
    severity: str  # "error" stops build and check; "warning" is reported by check (an error with --strict)
    meaning: str  # one line: what went wrong
    example: str  # a line as printed, after "path:line: error: "
    fix: str  # one line: what to do


CATALOGUE: dict[str, Message] = {m.code: m for m in (
    # --- reading a file -------------------------------------------------------------------------
    Message("not-utf8", "error", "The file is saved in another encoding than UTF-8 (often Windows-1252 or Latin-1).",
            "the file is not UTF-8 (byte 0xe9)",
            "In your editor choose \"Save with encoding\" > UTF-8 and save again; the line points at the first bad character."),
    Message("no-front-matter", "error", "A Markdown file must start with front matter between two `---` lines.",
            "the file does not start with front matter",
            "Make `---` the very first line, then the fields, then another `---` line, then the text."),
    Message("malformed-yaml", "error", "The front matter (or site.yaml, topics.yaml) is not valid YAML.",
            "malformed YAML: a quotation mark opened on this line is never closed",
            "Look at the line shown: close the quotes, put text containing a colon in quotes, indent list items the same way, and do not repeat a field."),
    Message("not-a-mapping", "error", "The front matter (or topics.yaml) is not a list of `field: value` lines.",
            "the front matter must be a set of 'key: value' lines",
            "Write one `field: value` per line, as in the examples of this guide."),
    Message("missing-file", "error", "content/site.yaml is missing.",
            "site.yaml is missing",
            "Restore content/site.yaml (see \"Site settings\" in this guide)."),
    Message("yaml-limit", "error", "The front matter is nested too deep (more than 32 levels), or its aliases (`*name`) expand to more than 100,000 values or refer to themselves.",
            "more than 100,000 values once aliases (*) are expanded",
            "Write the values out in full instead of using anchors (`&name`) and aliases (`*name`); look for a `[` or `{` that is never closed."),
    Message("yaml-type", "error", "A value has a YAML type the archive does not use (`!!set`, `!!binary`, `!!timestamp`, `!!float`, `!!omap`...).",
            "the YAML type !!set is not accepted",
            "Remove the `!!type` tag: write plain text, a number, true/false, a list `[a, b]` or `field: value` lines."),
    Message("control-character", "error", "The file holds an invisible control character (often pasted from another program) that pages and feeds cannot carry.",
            "invisible control character U+0001 at column 2",
            "Go to the line and column shown, delete the characters around that place and type them again."),
    Message("special-file", "error", "Something in content/ is a named pipe, a socket or a device, not a file.",
            "this is a named pipe, not a file",
            "Remove it from content/: only ordinary files can be published."),
    Message("unreadable", "error", "A file or folder in content/ cannot be read (no permission, or it disappeared while being read).",
            "cannot read this file (permission denied)",
            "Give yourself the right to read it (and the files in it), or move it out of content/; nothing is left out silently."),
    # --- fields ----------------------------------------------------------------------------------
    Message("missing-field", "error", "A required field is absent or empty.",
            "missing required field 'date'",
            "Add the field on its own line, e.g. `date: 2014-11-14`; the tables of this guide say which fields are required."),
    Message("unknown-field", "error", "A field name is not one the archive knows (often a typo).",
            "unknown field 'colour' in front matter",
            "Correct the spelling as suggested (\"did you mean\"), or remove the line."),
    Message("bad-value", "error", "A field has a value of the wrong form: a date that does not exist, text where a list is expected, a bad slug or address.",
            "date: '2011-02-30' is not a real date (day is out of range for month)",
            "Follow the hint in brackets; dates are `YYYY-MM-DD`, lists are `[a, b]`, yes/no fields are `true` or `false`."),
    Message("unknown-kind", "error", "`kind:` is not one of the kinds listed in site.yaml.",
            "unknown kind 'pres-release'",
            "Use one of the kinds of site.yaml (e.g. `press-release`, `statement`), or leave the line out for a press release."),
    Message("unknown-language", "error", "`lang:` (or a `.xx.md` file-name suffix, or a label in site.yaml) names a language the site does not have.",
            "language 'de' is not one of the site's languages",
            "Use one of the languages of site.yaml (`en`, `fr`, `es`), or ask for the language to be added there."),
    Message("bad-file-name", "error", "A URL or a mechanism id cannot be made from the file name.",
            "'OSCE ODIHR' cannot be a mechanism id: the file name is the id",
            "Rename the file with lowercase letters, digits and hyphens (e.g. `osce-odihr.md`), or add a `slug:` line."),
    Message("missing-attachment", "error", "An attachment's `file:` does not exist, or is outside content/.",
            "attachment 'static/pdf/release.pdf' does not exist",
            "Put the file under content/static/ and write its path from content/, e.g. `file: static/pdf/2014-11-14.pdf`."),
    # --- links between files ---------------------------------------------------------------------
    Message("unknown-id", "error", "A meeting, mechanism or topic named in `meetings`, `mechanisms`, `topics`, `host` or `participants` is not defined.",
            "unknown mechanism 'osce-odhir' in mechanisms",
            "Correct the id as suggested, or create the meeting (content/meetings/), mechanism (content/mechanisms/) or topic (content/topics.yaml) first."),
    Message("duplicate-meeting", "error", "Two meeting files have the same `number`.",
            "meeting number '3' is already used by meetings/3-again.md",
            "Give each meeting its own number (e.g. `5.1` and `5.2` for two parts of one meeting)."),
    Message("duplicate-translation", "error", "Two files with the same `translation_key` are in the same language.",
            "translation_key 'jan' already has a 'fr' version: releases/2011/2011-01-01-a.md",
            "Each language version needs its own `lang:` (or `.fr.md` suffix); check both files' `lang` and `translation_key`."),
    Message("duplicate-url", "error", "Two files would be published at the same address.",
            "the URL /releases/2010/warsaw/ is also produced by releases/2010/warsaw.md",
            "Give one of them another `slug:`, alias or file name."),
    Message("path-too-long", "error", "An address (slug, alias, topic id, file name) is too long to be saved as a file.",
            "the address /releases/2010/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa... is too long to be saved as a file",
            "Shorten the slug, alias or name: each part of an address under 200 characters, the whole under 1,000."),
    Message("broken-symlink", "error", "A symbolic link in content/ points to nothing.",
            "this link points to nothing",
            "Remove the link, or point it at a file inside content/."),
    Message("symlink-outside", "error", "A symbolic link in content/ leads to a file outside content/.",
            "this symbolic link leads outside content/",
            "Copy the file into content/ instead of linking to it."),
    Message("body-too-complex", "error", "The text of a file is nested too deeply (lists or quotes inside each other more than 40 levels, brackets or HTML elements more than 32) or is too long for the Markdown renderer.",
            "the text is nested more than 40 levels deep (lists or quotes)",
            "Flatten the list or quote, or close the brackets or tags opened, at the line shown (readers cannot follow that many levels either), or split a huge text into several files."),
    # --- templates (for the design team) ---------------------------------------------------------
    Message("template-error", "error", "A template in templates/ has a mistake (shown with the template's line and the page being rendered).",
            "'no_such_name' is undefined (while rendering /releases/2010/warsaw/)",
            "For the design team: fix the template at the line shown. Editors: tell them, with the message."),
    Message("internal-error", "error", "The dev server met an unexpected problem while rebuilding (a bug, not your content).",
            "internal error while rebuilding: ...",
            "Save again; if it stays, stop `serve` (Ctrl-C), run `python build.py check`, and report the message."),
    # --- warnings of `check` ---------------------------------------------------------------------
    Message("unlisted-mechanism", "warning", "The text of a release (or meeting) names a mechanism, by its name, short name or an alias, that its front matter does not list.",
            "the text names OSCE/ODIHR ('ODIHR') but osce-odihr is not in mechanisms",
            "Add the id to `mechanisms:` (for a meeting: to `participants:` or `host:`), so the release is listed on the mechanism's page."),
    Message("unlisted-country", "warning", "The text of a release names a country (by its name in the release's language) that its `countries:` does not list.",
            "the text names Tunisia but TN is not in countries",
            "Add the code to `countries:` so the release is listed on the country's page; ignore the warning if the country is only mentioned in passing."),
    Message("unreadable-pdf", "warning", "A PDF attachment cannot be read (damaged, protected by a password, or a scan without text): search will not find the words it holds. The release is published anyway.",
            "the PDF 'static/pdf/x.pdf' cannot be read (not a readable PDF: Stream has ended unexpectedly): search will not find its text",
            "Export the PDF again from its source document; for a scan, run text recognition (OCR) first."),
    Message("future-date", "warning", "A release is dated in the future (\"scheduled\"). `build` publishes it anyway, with that date: it never reads the clock.",
            "dated 2041-03-01, in the future: build publishes it now with that date",
            "Check the date for a typo; if the release must not be public yet, add `draft: true` until it may be."),
    Message("lonely-translation", "warning", "A `translation_key` is used by no other file, so the release is linked to no translation (often a typo in the key).",
            "translation_key 'warsaw-2011' is used by no other file",
            "Give every language version exactly the same key; remove the line if the release has no translation yet."),
    Message("html-removed", "warning", "HTML in a text uses a tag, an attribute (such as `style=`) or an address that pages do not allow: it is removed, and readers will not see it.",
            "<font> is removed: it is not allowed in a page",
            "Write the text in Markdown instead (## for headings, **bold**, [links](https://...)); the site's style sheet decides how text looks."),
    Message("html-as-text", "warning", "A word in angle brackets inside a paragraph (e.g. `<H1>`) names an HTML element that is not allowed there: it is shown as typed.",
            "'<H1>' is shown as written: <h1> is not allowed inside a paragraph",
            "If you meant the text, write it in backticks (`<H1>`) to say so; if you meant HTML, put the block on lines of its own."),
    Message("embed-removed", "warning", "An embedded video, audio or frame (`<iframe>`, `<video>`...) cannot play in a page (pages load nothing from other sites): it is shown as a link \"Video: title\".",
            "the embedded iframe is shown as a link: 'Video: Launch of the report'",
            "Give the embed a `title=\"...\"` so the link says what it is, or replace it with a Markdown link [Video: title](https://...)."),
    Message("external-image", "warning", "An image is on another site; pages do not load anything from other sites, so it is shown as a link.",
            "the image https://example.org/photo.jpg is on another site, which pages may not load: it is shown as a link",
            "Save the image under content/static/ (e.g. content/static/img/photo.jpg) and write ![description](/img/photo.jpg)."),
    Message("template-code", "warning", "Template code from another site generator (`{{ ... }}`, `{% ... %}`) is left in a text: readers see it as typed.",
            "template code '{{ \"/x/\" | url }}' from another site generator is shown as text",
            "Replace it with what it stood for: a Markdown link [text](/address/), an image, or plain text. Inside a code block it is left alone."),
    Message("markup-in-text", "warning", "A plain-text field (title, summary, place...) contains an HTML entity such as `&ldquo;` or a tag: it is shown as typed.",
            "title contains '&ldquo;', which readers will see as typed",
            "Type the character itself (“ ” é —), or remove the tag: Markdown and HTML work in the body only."),
    Message("empty-summary", "warning", "A release or page has no summary text: the body does not start with a paragraph, or `summary:` is only markup. List pages, feeds and search results show nothing for it.",
            "no summary: the body does not start with a paragraph of text, so list pages and feeds show none",
            "Add `summary: one sentence` to the front matter, or start the body with a paragraph."),
    Message("file-name-date", "warning", "A release's file name starts with a date that is not written `YYYY-MM-DD` (e.g. `2024-12-5-x.md`).",
            "the file name starts with the date '2024-12-5', not YYYY-MM-DD",
            "Rename the file with two-digit month and day, e.g. `2024-12-05-x.md` (the date is left out of the address either way)."),
    Message("broken-link", "warning", "A link or image in a text points to an address of this site that no page or file provides: readers get \"page not found\".",
            "the link '/releases/2014/warsaw/' leads nowhere: no page or file of the site has the address /releases/2014/warsaw/",
            "Correct the address (see the suggestion), or add the file under content/static/ (a file at content/static/pdf/x.pdf has the address /pdf/x.pdf)."),
    Message("case-collision", "warning", "Two addresses differ only in upper and lower case (e.g. two aliases): on Windows and macOS disks one overwrites the other.",
            "the address /Old-Page/ differs only in case from /old-page/ (from pages/about.md)",
            "Change one slug or alias; writing addresses in lowercase avoids this."),
    Message("untranslated-interface", "warning", "A language of site.yaml has no interface catalog (templates/locale/<lang>/LC_MESSAGES/messages.po), or one with empty entries: those strings (menus, headings, labels) show in the default language.",
            "language 'de' has no catalog: 12 of 12 interface strings are untranslated and shown in English",
            "Create the catalog with `pybabel init -i templates/locale/messages.pot -d templates/locale -l de` and translate it (Poedit, Weblate); or fill in its empty entries."),
    Message("unused-topic", "warning", "A topic of topics.yaml is used by no release.",
            "topic 'land-rights' is used by no release",
            "Use the topic in a release's `topics:`, or remove it from topics.yaml."),
)}


def explain(code: str) -> Message:
    """The catalogue entry of ``code`` (KeyError for an unknown code: a test keeps them in step)."""
    return CATALOGUE[code]


# --- the generated section of docs/editing.md --------------------------------------------------

START = "<!-- messages: generated by `python -m site_builder.guide docs/editing.md`; do not edit by hand -->"
END = "<!-- end of generated messages -->"


def markdown() -> str:
    """The "Messages" section of the editors' guide: one entry per code, errors first."""
    lines = [START, ""]
    for severity, heading in (("error", "Errors (build and check stop)"), ("warning", "Warnings (check; errors with `check --strict`)")):
        lines += [f"### {heading}", ""]
        for message in sorted((m for m in CATALOGUE.values() if m.severity == severity), key=lambda m: m.code):
            lines += [
                f"#### `{message.code}`",
                "",
                f"{message.meaning}",
                "",
                f"Example: `path:line: {message.severity}: {message.example}`",
                "",
                f"**Fix:** {message.fix}",
                "",
            ]
    lines.append(END)
    return "\n".join(lines)


def update(document: str) -> str:
    """``document`` with its generated section replaced by the current catalogue."""
    head, found, rest = document.partition(START)
    _, found_end, tail = rest.partition(END)
    if not found or not found_end:
        raise ValueError(f"the guide has no generated section (a line {START!r} ... {END!r})")
    return head + markdown() + tail

