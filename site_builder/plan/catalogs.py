"""Interface strings: gettext catalogs, as translators and their tools (Poedit, Weblate) know them.

The templates are written in English and mark their strings with ``_()`` / ``ngettext()``;
``pybabel extract`` (see babel.cfg and ``make messages``) collects them into
templates/locale/messages.pot, and each language has templates/locale/<lang>/LC_MESSAGES/messages.po.
The .po files are compiled here, in memory, with Babel at every build: no compiled .mo file is
committed, so a catalog can never be out of step with its compiled form.

A language with no catalog (or a partial one) still builds: a string it lacks is shown in the
site's default language, and ``check`` says how many strings are missing.
"""

from __future__ import annotations

import gettext
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from typing import Sequence

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import PoFileError, read_po

from ..errors import ContentError, Diagnostic

LOCALE_DIR = "locale"
DOMAIN = "messages"
POT_FILE = f"{LOCALE_DIR}/{DOMAIN}.pot"
SOURCE_LANGUAGE = "en"  # the language the templates are written in: the msgids


def po_path(lang: str) -> str:
    """Where the catalog of ``lang`` lives, relative to templates/."""
    return f"{LOCALE_DIR}/{lang}/LC_MESSAGES/{DOMAIN}.po"


@dataclass(frozen=True)
class Catalogs:
    """Every catalog under templates/locale, compiled, and the ids the templates use."""

    compiled: dict[str, bytes]  # language -> .mo bytes (translated, non-fuzzy messages only)
    translated: dict[str, frozenset[str]]  # language -> msgids it translates
    template_ids: frozenset[str]  # the msgids of messages.pot

    def translations(self, languages: Sequence[str]) -> dict[str, gettext.NullTranslations]:
        """One translator per site language; a missing string falls back to the default language.

        English needs no fallback: its strings are the msgids themselves.
        """
        default = languages[0] if languages else SOURCE_LANGUAGE
        result: dict[str, gettext.NullTranslations] = {}
        for lang in languages:
            translator = self._compiled(lang)
            if lang != default and lang != SOURCE_LANGUAGE and default in self.compiled:
                translator.add_fallback(self._compiled(default))
            result[lang] = translator
        return result

    def _compiled(self, lang: str) -> gettext.NullTranslations:
        data = self.compiled.get(lang)
        return gettext.GNUTranslations(BytesIO(data)) if data is not None else gettext.NullTranslations()

    def untranslated(self, lang: str) -> int:
        """How many of the templates' strings ``lang`` shows in another language."""
        if lang == SOURCE_LANGUAGE:
            return 0
        return len(self.template_ids - self.translated.get(lang, frozenset()))


def load_catalogs(templates: Path) -> Catalogs:
    """Read and compile templates/locale/*/LC_MESSAGES/messages.po; a malformed one is an error."""
    compiled: dict[str, bytes] = {}
    translated: dict[str, frozenset[str]] = {}
    problems: list[Diagnostic] = []
    for path in sorted((templates / LOCALE_DIR).glob(f"*/LC_MESSAGES/{DOMAIN}.po")):
        lang = path.parent.parent.name
        try:
            catalog = _read(path, lang)
        except _Unreadable as exc:
            problems.append(Diagnostic(f"templates/{po_path(lang)}", exc.line, f"cannot read the catalog: {exc}",
                                       "fix the line shown (Poedit or `msgfmt --check` point at it)",
                                       code="template-error"))
            continue
        buffer = BytesIO()
        write_mo(buffer, catalog)
        compiled[lang] = buffer.getvalue()
        translated[lang] = frozenset(str(m.id if isinstance(m.id, str) else m.id[0])
                                     for m in catalog if m.id and m.string and not m.fuzzy and _complete(m.string))
    pot = templates / POT_FILE
    template_ids: frozenset[str] = frozenset()
    if pot.is_file():
        try:
            template_ids = frozenset(str(m.id if isinstance(m.id, str) else m.id[0]) for m in _read(pot, None) if m.id)
        except _Unreadable as exc:
            problems.append(Diagnostic(f"templates/{POT_FILE}", exc.line, f"cannot read the catalog template: {exc}",
                                       "extract it again: make messages", code="template-error"))
    if problems:
        raise ContentError(problems)
    return Catalogs(compiled, translated, template_ids)


def _complete(string: object) -> bool:
    """A translation with every plural form filled in."""
    return all(string) if isinstance(string, (tuple, list)) else bool(string)


class _Unreadable(ValueError):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def _read(path: Path, lang: str | None) -> Catalog:
    try:
        with path.open("rb") as handle:
            return read_po(handle, locale=lang, abort_invalid=True)
    except PoFileError as exc:
        raise _Unreadable(str(exc), int(getattr(exc, "lineno", -1)) + 1) from None  # Babel counts from 0
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise _Unreadable(str(exc), 0) from None


def untranslated_warnings(catalogs: Catalogs, languages: Sequence[str]) -> list[Diagnostic]:
    """One warning per site language whose interface is not fully translated."""
    problems = []
    default = languages[0] if languages else SOURCE_LANGUAGE
    for lang in languages:
        missing = catalogs.untranslated(lang)
        if not missing:
            continue
        shown_in = "English" if default == SOURCE_LANGUAGE else f"the default language ('{default}')"
        have = "has no catalog" if lang not in catalogs.compiled else "has a partial catalog"
        problems.append(Diagnostic(
            f"templates/{po_path(lang)}", 0,
            f"language '{lang}' {have}: {missing} of {len(catalogs.template_ids)} interface strings are untranslated "
            f"and shown in {shown_in}",
            f"pybabel init -i templates/{POT_FILE} -d templates/{LOCALE_DIR} -l {lang} (or update), then translate it "
            "with Poedit or Weblate" if lang not in catalogs.compiled else
            f"translate the empty entries of templates/{po_path(lang)} (Poedit or Weblate list them)",
            severity="warning", code="untranslated-interface"))
    return problems
