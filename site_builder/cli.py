"""The command line of SPEC.md: argv in, exit code out (0 ok, 1 content errors, 2 bad usage, 3 a tool failed)."""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import time
from pathlib import Path
from typing import Optional, Sequence, TextIO

from .errors import EXIT_CONTENT, EXIT_OK, EXIT_USAGE, ContentError, Diagnostic, SiteBuilderError, UsageError
from . import scaffold
from .options import Options
from .pipeline import build, check

COMMANDS = ("build", "check", "serve", "new")


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a whole number") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("needs at least 1")
    return jobs


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{value}' is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError("a port is a number from 1 to 65535")
    return port


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="build.py", description="Build the Observatory's press-release archive.")
    commands = parser.add_subparsers(dest="command", metavar="{build,check,serve,new}")

    p_build = commands.add_parser("build", help="validate and build the site (the default)")
    _content(p_build)
    p_build.add_argument("--output", type=Path, default=Path("output"), help="the site folder (default: output)")
    p_build.add_argument("--base-url", help="override base_url of site.yaml (e.g. for a preview)")
    p_build.add_argument("--drafts", action="store_true", help="include releases and pages marked draft: true")
    p_build.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, help="processes working in parallel, this one included (default: CPUs)")
    _cache(p_build)

    p_check = commands.add_parser("check", help="validate only, and warn about likely mistakes")
    _content(p_check)
    p_check.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1), for CI")

    p_serve = commands.add_parser("serve", help="build, serve and rebuild on save with live reload",
                                  description="Serve the site from memory at http://HOST:PORT/, rebuild what each save "
                                              "changes and reload the browser; errors show in the browser.")
    _content(p_serve)
    p_serve.add_argument("--output", type=Path, default=None,
                         help="also write the served site (drafts, local address) into this folder after each "
                              "rebuild without errors; by default nothing is written")
    p_serve.add_argument("--drafts", action=argparse.BooleanOptionalAction, default=True,
                         help="show drafts, marked as drafts (the default); --no-drafts shows what build publishes")
    p_serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p_serve.add_argument("--port", type=_port, default=8000, help="port to listen on (default: 8000)")
    _cache(p_serve)

    p_new = commands.add_parser("new", help="scaffold a release, meeting or mechanism file",
                                description="Write a new file with valid front matter and print its path; "
                                            "never overwrites. Examples: new release \"Title\"; new meeting 5.3; "
                                            "new meeting \"Title\" --number 5.3; new mechanism \"Full name\" --short ABC")
    p_new.add_argument("type", choices=("release", "meeting", "mechanism"))
    p_new.add_argument("title", help="the release's title, the meeting's number (or title, with --number), the mechanism's name")
    _content(p_new)
    p_new.add_argument("--date", help="release: YYYY-MM-DD; meeting: its start, YYYY-MM-DD, YYYY-MM, YYYY-Qn or YYYY (default: today)")
    p_new.add_argument("--lang", help="release: its language (default: the site's first language)")
    p_new.add_argument("--slug", help="release: the URL segment (default: made from the title)")
    p_new.add_argument("--number", help="meeting: its number, e.g. 5.3, when the argument is a title")
    p_new.add_argument("--id", help="mechanism: its id, the file name (default: made from --short or the name)")
    p_new.add_argument("--short", help="mechanism: its short name, e.g. OSCE/ODIHR")
    return parser


def _content(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="the archive folder (default: content)")


DEFAULT_CACHE = Path(".cache")


def _cache(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, metavar="DIR",
                       help="keep parsed files and what each page read here, to rebuild only what changed "
                            "(default: .cache in the current folder)")
    group.add_argument("--no-cache", dest="cache_dir", action="store_const", const=None,
                       help="build everything from scratch, reading and writing no cache")


def print_diagnostics(diagnostics: Sequence[Diagnostic], stream: TextIO, content: Path = Path("content")) -> None:
    for diagnostic in sorted(diagnostics):
        print(diagnostic.format(content.as_posix()), file=stream)


def main(argv: Optional[Sequence[str]] = None, stdout: TextIO = sys.stdout, stderr: TextIO = sys.stderr) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0].startswith("-") and args_list[0] not in ("-h", "--help"):
        args_list.insert(0, "build")  # `python build.py` alone is `python build.py build`
    parser = make_parser()
    try:
        args = parser.parse_args(args_list)
    except SystemExit as exc:  # argparse has printed the usage message
        return EXIT_OK if exc.code == 0 else EXIT_USAGE
    if not args.content.is_dir():
        print(f"error: the content folder {args.content} does not exist", file=stderr)
        return EXIT_USAGE
    try:
        if args.command == "build":
            return _build(args, stdout, stderr)
        if args.command == "check":
            return _check(args, stdout, stderr)
        if args.command == "new":
            return _new(args, stdout)
        if args.command == "serve":
            return _serve(args, stdout)
        print(f"error: '{args.command}' is not available yet", file=stderr)
        return EXIT_USAGE
    except ContentError as exc:
        print_diagnostics(exc.diagnostics, stderr, args.content)
        errors = sum(1 for d in exc.diagnostics if d.is_error)
        counted = f"{errors} error{'s' if errors != 1 else ''}"
        # check never writes anything, so "nothing was written" would only puzzle
        print(f"check found {counted}" if args.command == "check" else f"{counted}: nothing was written", file=stderr)
        return exc.exit_code
    except SiteBuilderError as exc:  # bad usage, or a tool that failed: one line, its own exit code
        print(f"error: {exc}", file=stderr)
        return exc.exit_code


def _build(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    started = time.perf_counter()
    options = Options(content=args.content, output=args.output, base_url=args.base_url, drafts=args.drafts,
                      jobs=args.jobs, cache_dir=args.cache_dir)
    result = build(options)
    for notice in result.notices:
        print(notice, file=stderr)
    print_diagnostics(result.warnings, stderr, args.content)
    print(f"built {result.files} files into {args.output} in {time.perf_counter() - started:.2f}s", file=stdout)
    return EXIT_OK


def _check(args: argparse.Namespace, stdout: TextIO, stderr: TextIO) -> int:
    warnings = check(Options(content=args.content))
    if args.strict:  # CI: a warning is an error, printed and counted as one
        warnings = [dataclasses.replace(w, severity="error") for w in warnings]
    print_diagnostics(warnings, stderr, args.content)
    count = f"{len(warnings)} warning{'s' if len(warnings) != 1 else ''}"
    if args.strict and warnings:
        print(f"{args.content}: {count}, errors with --strict", file=stderr)
        return EXIT_CONTENT
    print(f"{args.content}: no errors" + (f", {count}" if warnings else ""), file=stdout)
    return EXIT_OK


NEW_OPTIONS = {"release": {"date", "lang", "slug"}, "meeting": {"date", "number"}, "mechanism": {"id", "short"}}


def _new(args: argparse.Namespace, stdout: TextIO) -> int:
    given = {name for name in ("date", "lang", "slug", "number", "id", "short") if getattr(args, name) is not None}
    extra = sorted(given - NEW_OPTIONS[args.type])
    if extra:
        raise UsageError(f"--{extra[0]} is not an option of new {args.type}")
    if args.type == "release":
        made = scaffold.new_release(args.content, args.title, date=args.date, lang=args.lang, slug=args.slug)
    elif args.type == "meeting":
        made = scaffold.new_meeting(args.content, args.title, number=args.number, date=args.date)
    else:
        made = scaffold.new_mechanism(args.content, args.title, mechanism_id=args.id, short=args.short)
    print(scaffold.write(args.content, made).as_posix(), file=stdout)
    return EXIT_OK


def _serve(args: argparse.Namespace, stdout: TextIO) -> int:
    from .serve.server import DevServer  # tornado and livereload are needed by serve only

    options = Options(content=args.content, drafts=args.drafts, cache_dir=args.cache_dir)
    DevServer(options, args.host, args.port, mirror=args.output, out=stdout, freeze_heap=True).serve_forever()
    return EXIT_OK
