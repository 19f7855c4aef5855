"""What changed on disk, and what kind of change it is (the dev server's watcher, serve/watch.py,
reports the files; this says what each change means for the rebuild)."""

from __future__ import annotations

from dataclasses import dataclass

from ..content import discover

# Kinds of change, each rebuilt its own way (see incremental.Session.rebuild):
SETTINGS_KIND = "settings"  # content/site.yaml, content/topics.yaml: everything
DOCUMENT_KIND = "document"  # a release, meeting, mechanism or page: re-parse that file, re-render what read it
FILE_KIND = "file"  # content/static/** or any other file under content/ (attachments): copied as is
TEMPLATE_KIND = "template"  # templates/**: re-render everything, without re-parsing


@dataclass(frozen=True, order=True)
class Change:
    root: str  # "content" or "templates"
    rel: str  # path relative to the root, with forward slashes

    @property
    def kind(self) -> str:
        return classify(self.root, self.rel)

    def shown(self) -> str:
        return f"{self.root}/{self.rel}"


def classify(root: str, rel: str) -> str:
    """The kind of a changed file: how it is rebuilt follows from what ``discover.classify`` says it holds."""
    if root == "templates":
        return TEMPLATE_KIND
    kind = discover.classify(rel)
    if kind == "settings":
        return SETTINGS_KIND
    return DOCUMENT_KIND if kind in discover.DOCUMENT_KINDS else FILE_KIND


@dataclass(frozen=True)
class ChangeSet:
    """One burst of changes, reported once."""

    changes: frozenset[Change]

    @property
    def kinds(self) -> set[str]:
        return {c.kind for c in self.changes}

    def of_kind(self, kind: str) -> list[Change]:
        return sorted(c for c in self.changes if c.kind == kind)

    def describe(self) -> str:
        """For the console: the file, or the first files and a count."""
        shown = sorted(c.shown() for c in self.changes)
        return shown[0] if len(shown) == 1 else f"{', '.join(shown[:2])}{' ...' if len(shown) > 2 else ''} ({len(shown)} files)"
