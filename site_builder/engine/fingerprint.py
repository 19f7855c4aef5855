"""What one output read, in a form that outlives the process: its fingerprint.

``tracking`` notes each question a page asked the views, with the answer, as live objects. To
keep that between builds, a question is made *portable* (a document passed as an argument becomes
a ``Ref`` to its file, a topic to its id) and its answer becomes a stable digest. The next build
asks the same portable questions of its own plan and compares digests: an output whose route,
templates and answers are all the same renders the same bytes, and is taken from the previous
output instead of being rendered again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Optional

import jinja2

from ..content.model import Archive, Mechanism, Meeting, Page, Release, Topic
from .digest import Digester, Unstable
from .tracking import MISSING, Key, Tracker


@dataclass(frozen=True)
class Ref:
    """A model object named by what identifies it in any build: its file, or a topic's id."""

    kind: str
    ident: str


_KINDS: dict[type, str] = {Release: "release", Meeting: "meeting", Mechanism: "mechanism", Page: "page"}


def portable(value: Any) -> Any:
    """``value`` with model objects replaced by refs; raise Unstable for anything else unusual."""
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, tuple):
        return tuple(portable(item) for item in value)
    kind = _KINDS.get(type(value))
    if kind is not None:
        return Ref(kind, value.source)
    if isinstance(value, Topic):
        return Ref("topic", value.id)
    raise Unstable(f"a question with a {type(value).__qualname__} cannot be asked again")


class Resolver:
    """Turns refs back into the objects of one archive."""

    def __init__(self, archive: Archive):
        self._objects: dict[Ref, Any] = {}
        for documents in (archive.releases, archive.meetings, archive.mechanisms, archive.pages):
            for document in documents:
                self._objects[Ref(_KINDS[type(document)], document.source)] = document
        for topic in archive.topics:
            self._objects[Ref("topic", topic.id)] = topic

    def live(self, value: Any) -> Any:
        if isinstance(value, tuple):
            return tuple(self.live(item) for item in value)
        if isinstance(value, Ref):
            return self._objects[value]  # KeyError: the object is gone, so the answer changed
        return value


Fingerprint = tuple[tuple[Any, bytes], ...]  # (portable question, digest of its answer), in asking order


def fingerprint(reads: dict[Key, Any], digester: Digester) -> Optional[Fingerprint]:
    """The portable form of what a render read, or None when some of it cannot be checked later."""
    try:
        return tuple((portable(key), answer_digest(digester, answer)) for key, answer in reads.items())
    except Unstable:
        return None


def answer_digest(digester: Digester, answer: Any) -> bytes:
    """The digest of an answer; "no such key" is an answer too."""
    return b"missing" if answer is MISSING else digester.of(answer)


GONE = b"gone"  # the digest of a question that cannot be asked of the new plan


class Answers:
    """The digests of portable questions asked of one plan, each computed once."""

    def __init__(self, tracker: Tracker, resolver: Resolver, digester: Digester):
        self.tracker = tracker
        self.resolver = resolver
        self.digester = digester
        self._memo: dict[Any, bytes] = {}
        self._numbered: dict[int, bytes] = {}

    def numbered(self, number: int, table: list[Any]) -> bytes:
        """The digest of question ``table[number]``, memoised by its number: a question is a nested
        tuple whose hash Python computes anew at every lookup, and a warm build makes 100,000 of them."""
        try:
            return self._numbered[number]
        except KeyError:
            value = self._numbered[number] = self.digest(table[number])
            return value

    def digest(self, question: Any) -> bytes:
        try:
            return self._memo[question]
        except KeyError:
            pass
        try:
            value = answer_digest(self.digester, self.tracker.answer(self.resolver.live(question)))
        except Exception:  # noqa: BLE001 - e.g. the neighbours of a release that is gone
            value = GONE
        self._memo[question] = value
        return value


class RecordingLoader(jinja2.BaseLoader):
    """The templates' loader, noting every template each render uses (extends, include, import).

    Jinja asks a cached template whether it is up to date each time it is used; that question is
    where the use is noted (the templates do not change during a build, so the answer is yes).
    """

    def __init__(self, inner: jinja2.BaseLoader):
        self.inner = inner
        self.used: Optional[set[str]] = None

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, Optional[str], Callable[[], bool]]:
        source, filename, _ = self.inner.get_source(environment, template)
        self._note(template)

        def uptodate() -> bool:
            self._note(template)
            return True
        return source, filename, uptodate

    def list_templates(self) -> list[str]:
        return self.inner.list_templates()

    def _note(self, template: str) -> None:
        if self.used is not None:
            self.used.add(template)

    def begin(self) -> None:
        self.used = set()

    def end(self) -> tuple[str, ...]:
        used, self.used = self.used or set(), None
        return tuple(sorted(used))
