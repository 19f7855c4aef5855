"""The engine of ``build``: load through the cache, then render only the outputs whose inputs changed.

For every output file of the last build, the cache keeps a ``Record``: the digest of its route
(context included), the templates it used with their digests, the questions it asked the views
with the digest of their answers (see ``fingerprint``), and the size, mtime and inode of the file
it left in the output folder. A warm build plans the whole site (cheap), then for each output:
same route, same templates, same answers, and the file in output/ still the one recorded ->
hard-link it from the previous output into the staging folder (or keep it there, when the
recycled stage already holds that very file); otherwise render it. The writer's atomic swap and
manifest are unchanged. Anything the engine cannot verify is rendered again.

The usual edit changes release texts only. Then the archive's *listing* (everything but those
texts) is the previous build's, and so is the plan: no route or answer is digested, and only the
outputs that read a changed text (a question of its own, see ``tracking``) are rendered. Nor is the
archive read back and planned: the last full plan, kept in the cache, gets the new releases patched
in (see ``kept_plan``).

Copies (static files, attachments) are linked when their source's stamp is the recorded one; each
shard of the search index is linked when none of its pages changed (same files, same bytes), and
only the others are indexed again (see output/shards.py).
"""

from __future__ import annotations

import marshal
import os
import pickle
import time
from pathlib import Path
from typing import Any, Optional, cast

import jinja2

from ..collector import paused
from ..content.archive import read_settings
from ..content.discover import SourceFile, discover
from ..content.model import Archive, Mechanism, Meeting, Page, Release
from ..errors import Diagnostic
from ..options import Options
from ..output.render import Renderer, RenderOne, Written, plain, render_to
from ..output.writer import Writer, read_manifest
from ..plan.routes import Kind, Route
from ..plan.site import Site, load_theme, plan_site
from ..plan.views import Views
from .digest import Digester
from .documents import Documents, seed_of
from .fingerprint import Answers, RecordingLoader, Ref, Resolver, fingerprint
from . import kept_plan
from .inputs import RACY, Inputs, options_key, read_inputs
from .records import Outcome, Record, differs, made_record, same_file, stamp, stamps, stored_records
from .search_shards import previous_file, search_index
from .store import Store, digest_bytes
from .tracking import Tracker, TrackedObject, TrackedRoutes

INDEX = "outputs"
UNTOUCHED = "untouched"  # per output folder: the inputs' stamp and the output's, after the last build


class Engine:
    """One build's use of the cache; without a store it renders everything, tracking nothing."""

    def __init__(self, options: Options, notices: list[str]):
        self.options = options
        self.store = Store.open(options.cache_dir, notices.append) if options.cache_dir is not None else None
        self.documents = Documents(options, self.store, keep_markdown=False)
        self.digester = Digester()
        self._templates: dict[str, bytes] = {}
        self._plan = b""
        self._listing = b""
        self._inputs: Optional[Inputs] = None
        self._discovered: Optional[tuple[list[SourceFile], list[Diagnostic]]] = None
        self._compact = True  # the records' table of questions is made again without the unused ones
        self._kept_key = digest_bytes(b"kept plan", self._index_key(), options_key(options).encode())

    def untouched(self) -> Optional[int]:
        """The number of files of the output when no input changed since the last build into it and
        every file of that output is still the one written (then there is nothing to do; see ``inputs``)."""
        if self.store is None:
            return None
        read_ns = time.time_ns()
        self._discovered = discover(self.options.content)  # load() goes on with it
        self._inputs = read_inputs(self.options, self.store.version, self._discovered, read_ns)
        recorded = self.store.get(UNTOUCHED, self._index_key())
        if self._inputs is None or not isinstance(recorded, tuple) or len(recorded) != 3 \
                or not self._inputs.trusted_against(recorded[0]):
            return None
        files = read_manifest(self.options.output)
        if files is None or digest_bytes(*stamps(self.options.output, sorted(files))) != recorded[1]:
            return None
        return len(files)

    def plan(self) -> Site:
        """This build's plan: the kept one with the new release texts in it when only those changed
        (see kept_plan.py), otherwise loaded and planned in full, and kept for the next builds."""
        site = self._patched()
        if site is not None:
            return site
        archive = self.load()  # frozen as it is made, but for parsing (see collector.py)
        with paused(keep=True):  # the plan: survivors only
            site = plan_site(archive, self.options)
        self._keep(site)
        return site

    def _stamped(self) -> Optional[list[SourceFile]]:
        """The content files as this build found them, when a kept plan can rest on their stamps."""
        found = self._discovered
        return found[0] if found is not None and not found[1] and self._inputs is not None else None

    def _patched(self) -> Optional[Site]:
        """The kept plan with the releases whose texts changed since in it, or None (see kept_plan.py)."""
        sources = self._stamped()
        if self.store is None or sources is None:
            return None
        with paused(keep=True):  # the plan read back and the new releases: survivors only
            kept = self.store.get(kept_plan.NAMESPACE, self._kept_key)
            changed = kept_plan.changed_releases(kept, sources) if kept_plan.well_formed(kept) else None
            loaded = self.documents.some(read_settings(self.options), changed) if changed is not None else {}
            releases = {rel: (document, problems) for rel, (_, (document, problems)) in loaded.items()
                        if isinstance(document, Release)}
            if changed is None or len(releases) != len(loaded):
                return None  # another file changed, or a release became something else
            site = kept_plan.patched(kept, self.store.get(kept_plan.OBJECTS, self._kept_key), load_theme(self.options),
                                     releases)
            made_from = {**kept.made_from, **{rel: (key, seed_of(document, key)) for rel, (key, (document, _)) in loaded.items()}}
            return site if site is not None and self._adopt(site.views.archive, made_from) else None

    def _adopt(self, archive: Archive, made_from: dict[str, tuple[bytes, bytes]]) -> bool:
        """Leave the engine as a full load of ``archive`` would: each document seeded into the digester
        with its seed, the listing digested again (a new summary changes a seed, and then the lists).
        False when ``made_from`` lacks a document (a kept plan that does not fit: plan in full)."""
        documents: tuple[Release | Meeting | Mechanism | Page, ...] = (*archive.releases, *archive.meetings,
                                                                        *archive.mechanisms, *archive.pages)
        if any(document.source not in made_from for document in documents):
            return False
        for document in documents:
            self.digester.seed(document, made_from[document.source][1])
        self.documents.made_from = made_from
        self._listing = self._listing_of(archive)
        return True

    def _keep(self, site: Site) -> None:
        """Keep a plan made in full for the next builds, now: the process is still small (see kept_plan.py)."""
        sources = self._stamped()
        if self.store is None or sources is None or self._inputs is None:
            return
        meta, objects = kept_plan.keep(site, sources, self._inputs.read_ns, self.documents.made_from, self._listing)
        try:
            self.store.put(kept_plan.OBJECTS, self._kept_key, objects)
        except (pickle.PicklingError, TypeError, AttributeError, RecursionError):  # a plan it cannot keep: plan again next time
            return
        self.store.put(kept_plan.NAMESPACE, self._kept_key, meta)

    def load(self) -> Archive:
        """The checked archive, each document from the cache when its inputs are unchanged."""
        settings = read_settings(self.options)
        sources, found = self._discovered or discover(self.options.content)
        archive = self.documents.archive(settings, sources, found, self.digester)
        self._listing = self._listing_of(archive)
        return archive

    def _listing_of(self, archive: Archive) -> bytes:
        """The archive but for the releases' texts, as one digest: settings, topics, static files
        and each document's seed (a release's fields but its text; any other document's key)."""
        seeds = sorted(rel.encode("utf-8", "surrogatepass") + b"\0" + seed
                       for rel, (_, seed) in self.documents.made_from.items())
        return digest_bytes(b"listing", Digester().of((archive.config, archive.topics, archive.statics)), *seeds)

    # --- writing -------------------------------------------------------------------------------

    def write(self, site: Site, writer: Writer) -> Outcome:
        """Every output into the writer's stage: linked when provably unchanged, rendered otherwise."""
        plan = self._plan_digest(site)
        index = self._previous(plan)
        previous: dict[str, Record] = index.get("files", {}) if index else {}
        table: list[Any] = list(index.get("questions", [])) if index else []
        outcome = Outcome(questions=table)
        tracking = self.store is not None
        texts_read = self._texts_only(index, table)
        self._compact = texts_read is None  # see remember
        answers = self._answers(site) if tracking and texts_read is None else None
        todo: list[int] = []
        for position, route in enumerate(site.routes):
            file = route.output_file
            record = previous.get(file)
            if route.kind == Kind.COPY:
                self._copy(route, record, writer, outcome)
                continue
            current = False  # what the record says is still what this build would render
            if record is not None and texts_read is not None:
                current = self._reads_no_new_text(record, texts_read)
            elif answers is not None:
                current = record is not None and self._unchanged(record, self.digester.of(route), answers, table)
            present: Optional[Record] = None
            if current:
                assert record is not None
                if writer.keep(file, route.source, record.inode, record.size, record.mtime_ns):
                    outcome.records[file], outcome.linked = record, outcome.linked + 1
                    continue
                present = same_file(self._previous_file(file), record)
            if present is not None:
                writer.link(file, self._previous_file(file), route.source, present.inode)
                outcome.records[file], outcome.linked = present, outcome.linked + 1
            else:  # (its route's digest is made where it is rendered, see _tracked)
                writer.reserve(file, route.source)
                writer.vacate(file)  # a worker writes it: never into a file the recycled stage inherited
                todo.append(position)
        render_one, renderer = self._tracked(site) if tracking else self._plain(site)
        interned = {question: number for number, question in enumerate(outcome.questions)}
        try:  # what each page read is noted as its chunk comes (18,000 pages' reads: 50 MB at 10,000 releases)
            render_to(render_one, site.routes, todo, writer.stage, self.options.jobs,
                      lambda written: self._note_rendered(written, outcome, interned), renderer.forget_fragments)
        finally:  # the rendered fragments (a release's item in every list: 60 MB at 10,000 releases)
            renderer.new_plan()  # are not needed now: the search step and the records reuse that memory
        if self.options.search:
            search_index(writer, self.options, self.store is not None, index, previous, outcome)
        outcome.changed = tuple(sorted(f for f, r in outcome.records.items() if differs(previous.get(f), r)))
        outcome.removed = tuple(sorted(set(previous) - set(outcome.records)))
        self._plan = plan
        return outcome

    def remember(self, outcome: Outcome) -> None:
        """After the swap: the records of the output now in place, for the next build."""
        if self.store is None:
            return
        table, records = stored_records(outcome, self._compact)
        self.store.put(INDEX, self._index_key(), {
            "plan": self._plan, "questions": table, "files": records,
            "search": outcome.search, "listing": self._listing,
            "keys": {rel: key for rel, (key, _) in self.documents.made_from.items()}})
        if self._inputs is not None:  # each record has its file's stamp (see same_file): no stat needed
            output = [stamp(file, r.size, r.mtime_ns, r.inode) for file, r in sorted(outcome.records.items())]
            self.store.put(UNTOUCHED, self._index_key(), ((self._inputs.digest, self._inputs.read_ns),
                                                          digest_bytes(*output), len(output)))
        self.store.tidy()  # every build that loads a document adds a pack: merged when they are many

    def _previous_file(self, file: str) -> str:
        return previous_file(self.options, file)

    def spare(self) -> Optional[Path]:
        """Where the site this build replaces is kept, to be recycled by the next build (see output/stage.py)."""
        return self.store.root / "sites" / self._index_key().hex()[:32] if self.store is not None else None

    def _index_key(self) -> bytes:
        return digest_bytes(b"output", str(self.options.output.resolve()).encode())

    def _previous(self, plan: bytes) -> Optional[dict[str, Any]]:
        if self.store is None:
            return None
        with paused(keep=True):  # 30,000 records, all kept to the end (see collector.py)
            index = self.store.get(INDEX, self._index_key())
            if not isinstance(index, dict) or index.get("plan") != plan or not isinstance(index.get("files"), bytes):
                return None
            try:
                index["files"] = {file: Record(*fields) for file, fields in marshal.loads(index["files"]).items()}
            except (TypeError, ValueError, EOFError, AttributeError):  # not what this version stores: a miss
                return None
            return index

    def _plan_digest(self, site: Site) -> bytes:
        """What every page may read besides its answers: settings, UI strings, asset names, options."""
        if self.store is None:
            return b""
        return digest_bytes(b"plan", self.store.version.encode(), str(self.options.templates.resolve()).encode(),
                            self.digester.of((site.views.archive.config, site.catalogs, site.attachment_texts, self.options.drafts,
                                              {name: asset.path for name, asset in site.assets.items()})))

    # --- deciding --------------------------------------------------------------------------------

    def _answers(self, site: Site) -> Answers:
        tracker = Tracker()
        tracker.reset(site.views, site.routes)
        return Answers(tracker, Resolver(site.views.archive), self.digester)

    def _texts_only(self, index: Optional[dict[str, Any]], table: list[Any]) -> Optional[frozenset[int]]:
        """When the archive is the previous build's but for some releases' texts (the usual edit):
        the numbers of the questions that read one of those texts; otherwise None.

        Then the plan is the previous one too, route for route: planning reads no text (the dev
        server's patch rests on the same fact, see plan/patch.py and tests/plan/test_patch.py),
        and routes and answers digest a release without its text. So every output keeps its
        route digest and its answers, except where it read a changed text: no digest is needed.
        """
        if index is None or index.get("listing") != self._listing or not isinstance(index.get("keys"), dict):
            return None
        before = index["keys"]
        changed = {rel for rel, (key, _) in self.documents.made_from.items() if before.get(rel) != key}
        return frozenset(number for number, question in enumerate(table)
                         if question[0] == "text" and len(question) == 2 and isinstance(question[1], Ref)
                         and question[1].ident in changed)

    def _reads_no_new_text(self, record: Record, texts_read: frozenset[int]) -> bool:
        """When only texts changed: the output read none of them, with the same templates (see ``_texts_only``)."""
        if record.questions is None or not texts_read.isdisjoint(record.questions):
            return False
        return all(self._template(name) == digest for name, digest in record.templates)

    def _unchanged(self, record: Record, route: bytes, answers: Answers, table: list[Any]) -> bool:
        """The output of ``record`` is still what this build would render: same route, templates and answers."""
        if record.route != route or record.questions is None:
            return False
        if any(self._template(name) != digest for name, digest in record.templates):
            return False
        try:
            now = b"".join(answers.numbered(q, table) for q in record.questions)
        except IndexError:
            return False
        return digest_bytes(now) == record.answers

    def _template(self, name: str) -> bytes:
        known = self._templates.get(name)
        if known is None:
            try:
                data = (self.options.templates / name).read_bytes()
            except OSError:
                data = b"\0absent"
            known = self._templates[name] = digest_bytes(data)
        return known

    # --- rendering -------------------------------------------------------------------------------

    def _plain(self, site: Site) -> tuple[RenderOne, Renderer]:
        renderer = Renderer(site, self.options.templates)
        return plain(renderer), renderer

    def _tracked(self, site: Site) -> tuple[RenderOne, Renderer]:
        """Render with the views behind the tracker; note what each page read and which templates."""
        tracker = Tracker()
        tracker.reset(site.views, site.routes)
        tracked = Site(cast(Views, TrackedObject(tracker)), site.urls, site.translations, site.assets,
                       cast(tuple[Route, ...], TrackedRoutes(tracker)), site.catalogs, site.attachment_texts)
        loader = RecordingLoader(jinja2.FileSystemLoader(str(self.options.templates)))
        compiled = self.store.root / "templates" if self.store is not None else None
        if compiled is not None:
            compiled.mkdir(exist_ok=True)
        renderer = Renderer(tracked, self.options.templates, loader, tracker, compiled)
        digester = self.digester

        def render_one(route: Route) -> tuple[bytes, Any]:
            """The page, what it read, its templates, its route's digest (made in the rendering processes)."""
            route_digest = digester.of(route)
            tracker.begin()
            loader.begin()
            try:
                data = renderer.render(route)
                reads = tracker.end()
            except Exception:  # noqa: BLE001 - maybe the stand-ins: render as a plain build does
                tracker.end()
                reads = None
                tracker.raw = True
                try:
                    data = renderer.render(route)
                finally:
                    tracker.raw = False
            used = loader.end()
            return data, (fingerprint(reads, digester) if reads is not None else None, used, route_digest)
        return render_one, renderer

    def _note_rendered(self, written: list[Written], outcome: Outcome, interned: dict[Any, int]) -> None:
        """The records of rendered outputs; each question they asked numbered once (``interned``)."""
        for item in written:
            outcome.rendered += 1
            reads, used, route_digest = item.note if item.note is not None else (None, (), b"")
            questions: Optional[tuple[int, ...]] = None
            answers = b""
            if reads is not None:
                numbers = []
                for question, _ in reads:
                    number = interned.get(question)
                    if number is None:
                        number = interned[question] = len(outcome.questions)
                        outcome.questions.append(question)
                    numbers.append(number)
                questions, answers = tuple(numbers), digest_bytes(b"".join(d for _, d in reads))
            outcome.records[item.file] = Record(route_digest, tuple((n, self._template(n)) for n in used),
                                                questions, answers, item.size, item.mtime_ns, item.inode,
                                                item.digest, item.searchable, language=item.language,
                                                search_digest=item.search_digest)

    def _copy(self, route: Route, record: Optional[Record], writer: Writer, outcome: Outcome) -> None:
        file = route.output_file
        try:
            stat = os.stat(route.file)
        except OSError:
            stat = None
        seen = time.time_ns()
        source = (stat.st_mtime_ns, stat.st_size, stat.st_ino) if stat is not None else (-1, -1, -1)
        previous = self.options.output / file
        # like git's index: a stamp read less than RACY after the file's mtime may hide a later write
        present = same_file(previous, record) if self.store is not None and record is not None and stat is not None \
            and record.source == source and record.source[0] < record.seen_ns - RACY else None
        if present is not None:
            writer.link(file, previous, route.source, present.inode)
            outcome.records[file], outcome.linked = present, outcome.linked + 1
            return
        writer.copy(file, route.file, route.source)
        outcome.records[file] = made_record(writer.stage / file)._replace(source=source, seen_ns=seen)

