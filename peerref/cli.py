"""``peerref-cli``: every library operation without a window.

The same services as the GUI (the Library façade, the format registry, the citation
engine), so anything but drag and drop can be scripted. The output forms and exit codes
are contracts other tools rely on: 0 success, 1 a user error (one clear line on stderr,
no traceback), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any, NoReturn, TextIO, cast

from peerref import __version__
from peerref import settings as settings_io
from peerref.citations import (
    StyleCatalogue,
    render_bibliography,
    render_citation,
)
from peerref.citations.document import format_document, read_citations, read_items
from peerref.core.atomic import describe_write_error, is_disk_full, write_atomically
from peerref.core.csl import reference_to_csl
from peerref.core.errors import FormatError, PeerRefError, UserInputError
from peerref.core.limits import input_too_large_message
from peerref.core.model import CollectionId, ImportMethod, Reference, ReferenceId
from peerref.core.prisma import Review, ScreeningOrder, Stage, Verdict
from peerref.enrich import (
    BatchResult,
    Completion,
    CompletionStatus,
    CrossrefCancelledError,
    CrossrefClient,
    CrossrefUnavailableError,
    Deadline,
    complete_with_doi,
)
from peerref.enrich.complete import LOOKUP_DEADLINE_SECONDS
from peerref.enrich.matching import describe_differences
from peerref.exporting import ExportFormat, export_document, export_notes
from peerref.formats import registry
from peerref.formats.base import ParseResult
from peerref.library import (
    COMPLETION_FIELD_LABELS,
    CompletionToApply,
    Library,
    SortKey,
    completion_value_text,
    writes_doi,
)
from peerref.lockfile import LibraryLock
from peerref.paths import AppPaths, is_library_url
from peerref.review import tables as review_tables
from peerref.review import terminal as review_terminal
from peerref.review import text as review_text
from peerref.review.manager import ReviewManager
from peerref.review.screening import Screening

EXIT_OK = 0
EXIT_USER_ERROR = 1
EXIT_USAGE = 2

log = logging.getLogger("peerref.cli")


class UsageError(Exception):
    """Bad usage discovered after argparse (e.g. an id that is not a number)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def _reference_ids(values: Sequence[str]) -> list[ReferenceId]:
    ids: list[ReferenceId] = []
    for value in values:
        try:
            ids.append(ReferenceId(int(value)))
        except ValueError:
            raise UsageError(
                f"not a reference id: {value!r} (ids are numbers, see `list`)"
            ) from None
    return ids


def _read_input(path: str, stdin: TextIO) -> tuple[registry.DecodedText, str]:
    """Text of a file or of standard input ("-"), and the name to record as its source.

    The text comes with the encoding it was read in, and whether that was a guess (a file
    neither UTF-8 nor declaring its encoding), which the commands report on stderr.
    """
    if path == "-":
        return registry.DecodedText(stdin.read(), stdin.encoding or "utf-8"), "standard input"
    file = Path(path)
    try:
        too_large = input_too_large_message(file.stat().st_size, path)
        if too_large is not None:
            raise FormatError(too_large)
        data = file.read_bytes()
    except FileNotFoundError:
        raise UserInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise UserInputError(f"{path}: is a directory, not a file") from None
    except OSError as error:
        raise UserInputError(f"{path}: cannot read ({error.strerror})") from None
    try:
        return registry.decode_bytes(data), file.name
    except FormatError as error:
        raise FormatError(f"{path}: {error}") from None


def _print_json(data: object, out: TextIO) -> None:
    json.dump(data, out, ensure_ascii=False, indent=2)
    out.write("\n")


def _short_row(ref: Reference) -> str:
    authors = ref.authors
    first = authors[0].family_with_particle() if authors else ""
    if len(authors) > 2:
        first += " et al."
    elif len(authors) == 2:
        first += f" & {authors[1].family_with_particle()}"
    title = ref.title
    if not title:
        title = f"[untitled] {ref.abstract_text[:50]}…" if ref.abstract else "[untitled]"
    year = ref.issued.year or "n.d."
    return f"{ref.id:>6}  {year!s:<5} {first[:28]:<28}  {title[:80]}"


def _show_text(ref: Reference, library: Library, out: TextIO) -> None:
    item = reference_to_csl(ref)
    for key, value in item.items():
        if key in {"author", "editor", "translator"}:
            names = "; ".join(
                n.get("literal")
                or " ".join(
                    p
                    for p in (n.get("given"), n.get("non-dropping-particle"), n.get("family"))
                    if p
                )
                for n in value
            )
            out.write(f"{key:>16}: {names}\n")
        elif key == "issued":
            out.write(f"{key:>16}: {ref.issued.iso() or ref.issued.literal}\n")
        elif key == "abstract":
            out.write(f"{key:>16}:\n")
            for section in ref.abstract:
                if section.heading:
                    out.write(f"    {section.heading}\n")
                out.write(f"      {section.text}\n")
        elif key != "custom":
            out.write(f"{key:>16}: {value}\n")
    if ref.tags:
        out.write(f"{'tags':>16}: {', '.join(ref.tags)}\n")
    collections = {c.id: c.name for c in library.collections()}
    if ref.collection_ids:
        names = ", ".join(collections.get(cid, str(cid)) for cid in ref.collection_ids)
        out.write(f"{'collections':>16}: {names}\n")
    for note in library.notes(ReferenceId(ref.id or 0)):
        out.write(f"{'note':>16}: {note.text}\n")
    for event in library.merge_history(ReferenceId(ref.id or 0)):
        origin = f"#{event.merged_reference_id} " if event.merged_reference_id else ""
        fields = f" ({', '.join(event.fields)})" if event.fields else ""
        out.write(f"{'merged from':>16}: {origin}{event.description}{fields}\n")
    if ref.trashed:
        out.write(f"{'':>16}  (in the trash)\n")


# --- commands -------------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    decoded, source = _read_input(args.path, stdin)
    result = registry.parse_text(decoded.text, args.format)
    result = registry.with_encoding_warning(result, decoded, source)
    _report_diagnostics(result, err)
    _print_json([reference_to_csl(r, with_id=False) for r in result.references], out)
    return EXIT_OK if result.entries else EXIT_USER_ERROR


def _report_diagnostics(result: ParseResult, err: TextIO) -> None:
    err.write(f"{result.format_label}: {len(result.entries)} reference(s) found\n")
    for diagnostic in result.warnings:
        err.write(f"warning: {diagnostic}\n")
    for index, entry in enumerate(result.entries, start=1):
        for diagnostic in entry.warnings:
            err.write(f"warning: entry {index}: {diagnostic}\n")
    for diagnostic in result.skipped:
        err.write(f"skipped: {diagnostic}\n")


def cmd_import(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    collection = _collection_id(library, args.collection)
    total_added = total_skipped = total_merged = 0
    for path in args.paths:
        decoded, source = _read_input(path, stdin)
        result = registry.parse_text(decoded.text, args.format)
        outcome = library.import_parsed(
            registry.with_encoding_warning(result, decoded, source),
            raw_input=decoded.text,
            method=ImportMethod.COMMAND_LINE,
            source_name=source,
            collection=collection,
        )
        _report_diagnostics(outcome.result, err)
        total_added += outcome.added
        total_skipped += outcome.already_in_library
        total_merged += outcome.merged
        out.write(
            f"{source}: {outcome.added} new, {outcome.already_in_library} skipped as "
            f"duplicates, {outcome.merged} merged\n"
        )
    if len(args.paths) > 1:
        out.write(f"total: {total_added} new, {total_skipped} skipped, {total_merged} merged\n")
    return EXIT_OK


def _collection_id(library: Library, name: str | None) -> CollectionId | None:
    return library.collection_by_name(name).id if name else None


def cmd_list(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    ids = library.search_ids(
        args.search or "",
        collection=_collection_id(library, args.collection),
        tag=args.tag,
        trash=args.trash,
        sort=SortKey(args.sort),
        descending=args.descending,
    )
    refs = library.get_many(ids)
    if args.json:
        _print_json([reference_to_csl(r) for r in refs], out)
    else:
        for ref in refs:
            out.write(_short_row(ref) + "\n")
        err.write(f"{len(refs)} reference(s)\n")
    return EXIT_OK


def cmd_show(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    (ref_id,) = _reference_ids([args.id])
    ref = library.get(ref_id)
    if args.json:
        _print_json(reference_to_csl(ref), out)
    else:
        _show_text(ref, library, out)
    return EXIT_OK


def cmd_export(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    ids = library.search_ids(
        args.search or "",
        collection=_collection_id(library, args.collection),
        sort=SortKey.AUTHOR,
    )
    refs = library.get_many(ids)
    text = _export_text(refs, args, library, err)
    if args.output:
        # All or nothing: a full disk leaves the previous export whole, not cut mid-record.
        try:
            write_atomically(Path(args.output), text)
        except OSError as error:
            raise UserInputError(describe_write_error(args.output, error)) from error
        err.write(f"{len(refs)} reference(s) written to {args.output}\n")
    else:
        out.write(text)
    return EXIT_OK


def _export_text(
    refs: Sequence[Reference], args: argparse.Namespace, library: Library, err: TextIO
) -> str:
    """The export's text; what it left out of the values (control characters) goes to ``err``."""
    chosen = ExportFormat(args.format)
    document = export_document(
        refs,
        chosen,
        notes=export_notes(library, refs) if chosen.carries_notes else None,
        style=StyleCatalogue().load(_style_name(args.style))
        if chosen is ExportFormat.BIBLIOGRAPHY
        else None,
        bibliography_format=args.bibliography_format,
    )
    for warning in document.warnings:
        err.write(f"warning: {warning}\n")
    return document.text


def _style_name(style: str | None) -> str | Path:
    """A style short name or id, or a path when the argument names an existing .csl file."""
    if style is None:
        return "apa"
    return Path(style) if style.endswith(".csl") else style


def cmd_cite(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    refs = library.get_many(_existing(library, args.ids))
    style = StyleCatalogue().load(_style_name(args.style))
    if args.in_text:
        # The cited references are the document: "2012a" only when both papers are cited,
        # the same as in the bibliography printed for the same ids.
        cited = render_citation(refs, style, context=refs)
        text = {"text": cited.text, "html": cited.html, "rtf": cited.rtf}[args.format]
        warnings = cited.warnings
    else:
        result = render_bibliography(refs, style)
        text = {"text": result.text, "html": result.html, "rtf": result.rtf}[args.format]
        warnings = result.warnings
    out.write(text.rstrip("\n") + "\n")
    for warning in warnings:
        ref_id = warning.reference_id if warning.reference_id is not None else warning.position
        err.write(f"warning: reference {ref_id}: {warning.message}\n")
    return EXIT_OK


def _read_json_file(path: str, what: str, stdin: TextIO) -> object:
    """A JSON file's value ("-" reads stdin); a user error says where the JSON is bad."""
    try:
        text = stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8-sig")
    except OSError as error:
        raise UserInputError(f"cannot read the {what} file {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise UserInputError(f"the {what} file {path} is not UTF-8 text") from error
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise UserInputError(
            f"the {what} file {path} is not valid JSON: {error.msg} "
            f"(line {error.lineno}, column {error.colno})"
        ) from error


def cmd_csl(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    """Format CSL-JSON with a style, no library needed (see the command's help)."""
    items = read_items(_read_json_file(args.references, "references", stdin))
    citations = None
    if args.citations:
        citations = read_citations(
            _read_json_file(args.citations, "citations", stdin), {i["id"] for i in items}
        )
    style = StyleCatalogue().load(_style_name(args.style), locale=args.locale)
    document = format_document(items, style, citations, args.format)
    if args.json:
        _print_json(
            {"citations": list(document.citations), "bibliography": list(document.bibliography)},
            out,
        )
        return EXIT_OK
    for line in document.citations:
        out.write(line.replace("\n", " ") + "\n")
    out.write("\n")
    for line in document.bibliography:
        out.write(line.replace("\n", " ") + "\n")
    return EXIT_OK


def cmd_styles(args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO) -> int:
    catalogue = StyleCatalogue()
    found = catalogue.search(args.search) if args.search else catalogue.favourites()
    for info in found:
        short = info.short_name or info.id
        out.write(f"{short:<40} {info.title}\n")
    err.write(
        f"{len(found)} style(s)"
        + ("" if args.search else " (favourites; --search Q for all)")
        + "\n"
    )
    return EXIT_OK if found else EXIT_USER_ERROR


def cmd_collection(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    action = args.collection_action
    if action == "list":
        counts = library.collection_counts()
        by_parent: dict[CollectionId | None, list[Any]] = {}
        for collection in library.collections():
            by_parent.setdefault(collection.parent_id, []).append(collection)

        def walk(parent: CollectionId | None, depth: int) -> Iterator[str]:
            for node in by_parent.get(parent, []):
                yield f"{'  ' * depth}{node.name} ({counts.get(node.id, 0)})"
                yield from walk(node.id, depth + 1)

        for line in walk(None, 0):
            out.write(line + "\n")
    elif action == "add":
        parent = _collection_id(library, args.parent)
        collection, _ = library.add_collection(args.name, parent)
        out.write(f"created collection {collection.name!r}\n")
    elif action == "rename":
        library.rename_collection(library.collection_by_name(args.name).id, args.new_name)
    elif action == "move":
        parent = None if args.parent in (None, "", "/") else _collection_id(library, args.parent)
        library.move_collection(library.collection_by_name(args.name).id, parent)
    elif action == "delete":
        library.delete_collection(library.collection_by_name(args.name).id)
    return EXIT_OK


def cmd_add_to(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    collection = library.collection_by_name(args.collection)
    library.add_to_collection(collection.id, _existing(library, args.ids))
    return EXIT_OK


def _existing(library: Library, values: Sequence[str]) -> list[ReferenceId]:
    """Ids as numbers, each checked to exist so a typo is an error rather than a no-op."""
    ids = _reference_ids(values)
    for ref_id in ids:
        library.get(ref_id)
    return ids


TAG_ACTIONS = ("list", "rename", "merge", "delete")


def cmd_tag(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    if args.ids[0] in TAG_ACTIONS:
        return _tags_across_library(library, args.ids[0], args.ids[1:], args.into, out)
    if args.into:
        raise UsageError("--into goes with: tag merge TAG... --into NAME")
    if not args.add and not args.remove:
        raise UsageError("say what to do: --add TAG and/or --remove TAG")
    library.tag(_existing(library, args.ids), add=args.add or (), remove=args.remove or ())
    return EXIT_OK


def _tags_across_library(
    library: Library, action: str, names: Sequence[str], into: str | None, out: TextIO
) -> int:
    """``tag list | rename OLD NEW | merge TAG... --into NAME | delete TAG``, as the sidebar."""
    tags = library.tags
    if action == "list":
        if names:
            raise UsageError("tag list takes no names")
        for name, count in tags.counts():
            out.write(f"{name} ({count})\n")
        return EXIT_OK
    if action == "rename":
        if len(names) != 2:
            raise UsageError("say: tag rename OLD NEW")
        edit = tags.rename(names[0], names[1])
    elif action == "merge":
        if not names or not into:
            raise UsageError("say: tag merge TAG... --into NAME")
        edit = tags.merge(names, into)
    else:
        if len(names) != 1:
            raise UsageError("say: tag delete TAG")
        edit = tags.delete(names[0])
    count = len(edit.changes.updated)
    out.write(f"{count} reference{'s' if count != 1 else ''} changed\n")
    return EXIT_OK


def cmd_note(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    (ref_id,) = _existing(library, [args.id])
    text = stdin.read() if args.text == "-" else args.text
    if not text.strip():
        raise UserInputError("the note is empty")
    library.add_note(ref_id, text)
    return EXIT_OK


def cmd_trash(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    changes = library.trash(_existing(library, args.ids))
    err.write(f"{len(changes.trashed)} reference(s) moved to the trash\n")
    return EXIT_OK


def cmd_restore(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    changes = library.restore(_existing(library, args.ids))
    err.write(f"{len(changes.restored)} reference(s) restored\n")
    return EXIT_OK


def cmd_empty_trash(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    changes = library.empty_trash()
    err.write(f"{len(changes.removed)} reference(s) deleted for good\n")
    return EXIT_OK


def cmd_backup(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    path = library.backup(Path(args.output) if args.output else None)
    out.write(f"{path}\n")
    return EXIT_OK


def cmd_optimize(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    """Merge the search index into one segment (the window does it by itself when idle)."""
    tidied = library.tidy_search_index(force=True)
    data = {
        "segments_before": tidied.segments_before,
        "segments_after": tidied.segments_after,
        "steps": tidied.steps,
    }
    if args.json:
        _print_json(data, out)
    else:
        out.write(
            f"search index: {tidied.segments_before} segment(s) before, "
            f"{tidied.segments_after} after\n"
        )
    return EXIT_OK


def cmd_stats(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    stats = library.stats()
    data = {
        "references": stats.references,
        "trashed": stats.trashed,
        "collections": stats.collections,
        "tags": stats.tags,
        "notes": stats.notes,
        "import_batches": stats.batches,
        "file_bytes": stats.file_bytes,
        "by_type": dict(stats.by_type),
    }
    if args.json:
        _print_json(data, out)
    else:
        for key, value in data.items():
            if key == "by_type":
                for type_name, count in sorted(stats.by_type.items()):
                    out.write(f"{'':>15}  {type_name}: {count}\n")
            else:
                out.write(f"{key.replace('_', ' '):>15}: {value}\n")
    return EXIT_OK


COMPLETE_HELP = "fill missing titles, DOIs, journals, pages and ISSNs from Crossref"
COMPLETE_DESCRIPTION = """\
Look references up on Crossref and fill in what they lack.

Every match is verified locally (authors, year, journal, volume, issue, pages, abstract)
before it is used. Fields that are empty in the library are filled automatically. Where
Crossref says something different from the library, the change is only printed as a
proposal; --yes accepts every proposal of a verified match. When Crossref has several
records that could be the reference, they are listed and nothing is changed, with or
without --yes: choose in the app (Reference > Find Missing Details), or give the right
DOI with --doi (or add it to the reference) and run this again. Each completion is
recorded in the reference's provenance.

Each lookup gives up after --timeout seconds however slowly Crossref answers, and the
whole run has a deadline too. Ctrl+C (or SIGTERM) stops at once: references already
looked up keep their changes, each written in its own transaction.

Uses the Crossref address and e-mail (polite pool) from the app's preferences;
$PEERREF_CROSSREF_URL overrides the address. Exit status: 0 when the lookups ran, even if
nothing matched; 1 when Crossref could not be reached (what was found before is kept);
130 when interrupted."""


class _Interruption:
    """Which signal (SIGINT, SIGTERM) asked ``complete`` to stop, if any."""

    def __init__(self) -> None:
        self.signal: int | None = None

    @property
    def exit_code(self) -> int:
        return 128 + (self.signal or signal.SIGINT)


@contextmanager
def _stop_on_signals(client: CrossrefClient) -> Iterator[_Interruption]:
    """While lookups run, SIGINT and SIGTERM cancel them (a second Ctrl+C stops at once).

    Python delivers signals to the main thread only; elsewhere (an embedding program)
    the handlers are left alone.
    """
    state = _Interruption()
    if threading.current_thread() is not threading.main_thread():
        yield state
        return

    def stop(signum: int, _frame: object) -> None:
        if state.signal is not None:
            raise KeyboardInterrupt
        state.signal = signum
        client.cancel()  # lookups in flight end now; finished ones are applied

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield state
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def cmd_complete(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    if args.all_incomplete and args.ids:
        raise UsageError("give reference ids or --all-incomplete, not both")
    if not args.all_incomplete and not args.ids:
        raise UsageError("say which references to complete: ID ... or --all-incomplete")
    if args.doi is not None and (args.all_incomplete or len(args.ids) != 1):
        raise UsageError("--doi names the record of one reference: give exactly one ID")
    if args.timeout is not None and not args.timeout > 0:
        raise UsageError("--timeout must be a number of seconds above 0")
    ids = library.incomplete_ids() if args.all_incomplete else _existing(library, args.ids)
    if not ids:
        err.write("nothing to complete: no reference lacks a title, DOI, journal or pages\n")
        return EXIT_OK
    settings = settings_io.load(AppPaths.from_platformdirs(args.library).settings_file)
    lookup_seconds = args.timeout or LOOKUP_DEADLINE_SECONDS
    with (
        CrossrefClient(
            settings.effective_crossref_url(), mailto=settings.crossref_mailto
        ) as client,
        _stop_on_signals(client) as interruption,
    ):
        if args.doi is not None:
            result = _complete_with_doi(library, ids[0], args.doi, client, lookup_seconds)
        else:
            result = library.find_completions(ids, client, lookup_seconds=lookup_seconds)
    to_apply: list[CompletionToApply] = []
    counts = dict.fromkeys(("completed", "proposals", "to choose", "not matched", "failed"), 0)
    skipped = 0
    for completion in result.completions:
        reference = completion.reference
        if reference.id is None:
            continue
        if completion.status is CompletionStatus.SKIPPED and (
            result.stopped_by or interruption.signal is not None
        ):
            skipped += 1
            continue  # said once below, not once per reference
        if result.stopped_by and completion.status is CompletionStatus.FAILED:
            continue
        out.write(_short_row(reference).strip() + "\n")
        _print_completion(completion, accept=args.yes, out=out)
        if completion.status is CompletionStatus.MATCHED:
            if completion.changes_anything:
                to_apply.append((reference.id, completion, bool(args.yes)))
            counts["completed"] += 1
            counts["proposals"] += bool(completion.proposed)
        elif completion.status is CompletionStatus.CHOOSE:
            counts["to choose"] += 1
        elif completion.status is CompletionStatus.NO_MATCH:
            counts["not matched"] += 1
        else:
            counts["failed"] += 1
    # One transaction per reference: an interruption keeps every reference written before
    # it, and the one being written is either whole or untouched.
    for item in to_apply:
        library.apply_completions([item])
    if to_apply:
        given_doi = [
            ref_id for ref_id, completion, _ in to_apply if writes_doi(completion, args.yes)
        ]
        for ref_id, others in library.others_with_same_doi(given_doi).items():
            listed = ", ".join(str(other) for other in others)
            err.write(
                f"reference {ref_id} now has the same DOI as {listed}: probably the same "
                "work; see peerref-cli duplicates\n"
            )
    err.write(", ".join(f"{count} {what}" for what, count in counts.items()) + "\n")
    if interruption.signal is not None:
        name = signal.Signals(interruption.signal).name
        err.write(
            f"peerref-cli: interrupted ({name}): the references looked up before it keep "
            f"their changes; {skipped} not looked up\n"
        )
        return interruption.exit_code
    if result.stopped_by:
        err.write(f"peerref-cli: {result.stopped_by}\n")
        return EXIT_USER_ERROR
    return EXIT_OK


def _complete_with_doi(
    library: Library,
    ref_id: ReferenceId,
    doi: str,
    client: CrossrefClient,
    lookup_seconds: float,
) -> BatchResult:
    """``complete ID --doi DOI``: the named record, as if the user had chosen it."""
    reference = library.get(ref_id)
    try:
        completion = complete_with_doi(
            reference, doi, client, deadline=Deadline.after(lookup_seconds)
        )
    except CrossrefCancelledError:
        completion = Completion(reference=reference, status=CompletionStatus.SKIPPED)
    except CrossrefUnavailableError as error:
        return BatchResult(
            completions=(
                Completion(reference=reference, status=CompletionStatus.FAILED, message=str(error)),
            ),
            stopped_by=str(error),
        )
    return BatchResult(completions=(completion,))


def _print_completion(completion: Completion, *, accept: bool, out: TextIO) -> None:
    """What one lookup found: filled fields, proposals, candidates, or why nothing."""
    status = completion.status
    if status is CompletionStatus.MATCHED:
        out.write(f"  matched  {completion.match.doi if completion.match else ''}\n")
        for name, value in completion.filled.items():
            label = COMPLETION_FIELD_LABELS.get(name, name)
            out.write(f"  filled   {label}: {completion_value_text(value)}\n")
        for name, (ours, theirs) in completion.proposed.items():
            label = COMPLETION_FIELD_LABELS.get(name, name)
            verb = "accepted" if accept else "proposed"
            out.write(
                f"  {verb} {label}: {completion_value_text(ours, limit=60)} -> "
                f"{completion_value_text(theirs, limit=60)}\n"
            )
        if completion.proposed and not accept:
            out.write("           (proposals are not applied; --yes accepts them)\n")
        if not completion.changes_anything:
            out.write("           nothing to add: the library already agrees with Crossref\n")
    elif status is CompletionStatus.CHOOSE:
        out.write(f"  choose   {completion.message}\n")
        for candidate in completion.candidates:
            title = completion_value_text(candidate.reference.title, limit=70)
            agree = ", ".join(candidate.agreeing)
            out.write(f"           {candidate.doi}  {title}  (agree: {agree})\n")
        _print_refused(completion, out)
    elif status is CompletionStatus.NO_MATCH:
        out.write(f"  no match {completion.message}\n")
        _print_refused(completion, out)
    else:
        out.write(f"  failed   {completion.message}\n")


def _print_refused(completion: Completion, out: TextIO) -> None:
    """The records PeerRef refused, with what disagreed, so ``--doi`` can still take one."""
    if not completion.rejected:
        return
    for candidate in completion.rejected:
        title = completion_value_text(candidate.reference.title, limit=70)
        differs = describe_differences(candidate, limit=30)
        out.write(f"  refused  {candidate.doi}  {title}  (disagrees: {differs})\n")
    out.write("           (if one of them is right: complete ID --doi DOI)\n")


def cmd_duplicates(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    groups = library.duplicate_groups()
    members = {
        ref.id: ref for ref in library.get_many([i for g in groups for i in g.reference_ids])
    }
    if args.json:
        _print_json(
            [
                {
                    "ids": list(group.reference_ids),
                    "verdict": group.verdict.value,
                    "pairs": [
                        {
                            "ids": [pair.first_id, pair.second_id],
                            "verdict": pair.match.verdict.value,
                            "reasons": [reason.value for reason in pair.match.reasons],
                        }
                        for pair in group.pairs
                    ],
                    "items": [
                        reference_to_csl(members[i]) for i in group.reference_ids if i in members
                    ],
                }
                for group in groups
            ],
            out,
        )
    else:
        for number, group in enumerate(groups, start=1):
            reasons = dict.fromkeys(r.value for pair in group.pairs for r in pair.match.reasons)
            out.write(f"group {number}: {group.verdict.value} ({', '.join(reasons)})\n")
            for ref_id in group.reference_ids:
                if ref_id in members:
                    out.write(_short_row(members[ref_id]) + "\n")
        err.write(f"{len(groups)} group(s) of possible duplicates\n")
    return EXIT_OK


def cmd_merge(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    ids = _existing(library, args.ids)
    if args.keep is not None:
        (keep,) = _existing(library, [args.keep])
    else:
        keep = library.suggest_keep(ids)
    others = [i for i in dict.fromkeys(ids) if i != keep]
    _record, changes = library.merge(keep, others)
    merged = ", ".join(str(i) for i in sorted(changes.trashed))
    err.write(f"merged {merged or 'nothing'} into {keep} (the merged ones are in the trash)\n")
    out.write(f"{keep}\n")
    return EXIT_OK


def cmd_not_duplicates(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    ids = _existing(library, args.ids)
    pairs, _changes = library.dismiss_duplicates(ids)
    err.write(f"{len(pairs)} pair(s) marked as not duplicates\n")
    return EXIT_OK


LibraryCommand = Callable[[Library, argparse.Namespace, TextIO, TextIO, TextIO], int]


# --- argument parsing -----------------------------------------------------------------------


def _review_output(
    args: argparse.Namespace, text: str, out: TextIO, err: TextIO, what: str
) -> None:
    if getattr(args, "output", None):
        try:
            Path(args.output).write_text(text, encoding="utf-8")
        except OSError as error:
            raise UserInputError(f"cannot write {args.output}: {error.strerror or error}") from None
        err.write(f"{what} written to {args.output}\n")
    else:
        out.write(text)


def cmd_review(
    library: Library, args: argparse.Namespace, out: TextIO, err: TextIO, stdin: TextIO
) -> int:
    """``review new|list|decide|undo|status|prisma|log|export|screen|reasons|terms``,
    and for dual screening ``mode|disagreements|resolve``."""
    reviews = library.reviews
    reviewer = (
        getattr(args, "reviewer", None)
        or settings_io.load(AppPaths.from_platformdirs(args.library).settings_file).reviewer_name
    )
    if reviewer:
        reviews.reviewer = reviewer
    action = args.review_action
    if action == "new":
        collection = _collection_id(library, args.collection)
        review = reviews.create(args.name, collection, seed=args.seed, dual=args.dual)
        scope = f"the collection {args.collection!r}" if args.collection else "the whole library"
        mode = ", dual independent screening" if review.dual else ""
        out.write(f"created review {review.name!r} over {scope}{mode}\n")
        return EXIT_OK
    if action == "list":
        for review in reviews.all():
            counts = reviews.counts(review)
            out.write(
                f"{review.name}: {counts.screened} screened, {counts.included} included, "
                f"{counts.undecided} undecided\n"
            )
        return EXIT_OK
    review = reviews.get(args.name)
    if action == "decide":
        (ref_id,) = _reference_ids([args.ref_id])
        decision = reviews.decide(
            review, ref_id, Verdict(args.verdict), stage=Stage(args.stage), reason=args.reason or ""
        )
        reason = f" ({decision.reason})" if decision.reason else ""
        verdict = decision.verdict.value
        out.write(f"#{decision.reference_id}: {verdict} at {decision.stage.value}{reason}\n")
    elif action == "undo":
        undone = reviews.undo(review)
        if undone is None:
            err.write(f"peerref-cli: the review {review.name!r} has no decision to undo\n")
            return EXIT_USER_ERROR
        out.write(f"undid #{undone.reference_id}: {undone.verdict.value} at {undone.stage.value}\n")
    elif action == "status":
        state = reviews.state(review)
        counts = state.counts
        if args.json:
            data = counts.as_json()
            if review.dual:  # an extra key; the others are a contract
                agreement = review_text.agreement_json(state.agreement(), state.disagreements())
                for key, extra in review_text.team_agreement_json(state.team_agreement()).items():
                    cast(dict[str, object], agreement[key]).update(cast(dict[str, object], extra))
                data["agreement"] = agreement
            _print_json(data, out)
        else:
            for line in review_text.status_lines(counts):
                out.write(line + "\n")
            if review.dual:
                lines = review_text.agreement_lines(state.agreement(), state.disagreements())
                lines += review_text.team_agreement_lines(state.team_agreement())
                out.write("\n".join(lines) + "\n")
            if args.duplicates:
                out.write("\n" + review_tables.duplicates_table(state.duplicates, "md"))
    elif action == "prisma":
        from peerref.review import diagram as review_diagram  # matplotlib: only when drawing

        counts = reviews.counts(review)
        review_diagram.export(counts, Path(args.output), args.format, title=review.name)
        err.write(f"PRISMA flow diagram written to {args.output}\n")
    elif action == "log":
        state = reviews.state(review)
        text = review_tables.search_log(state.records, args.format)
        if args.duplicates:
            text += "\n" + review_tables.duplicates_table(state.duplicates, args.format)
        _review_output(args, text, out, err, "search log")
    elif action == "export":
        if args.decisions:
            decisions = reviews.decisions(review)
            refs = reviews.references(sorted({d.reference_id for d in decisions}))
            text = review_tables.decisions_csv(decisions, {r.id: r for r in refs if r.id})
            _review_output(args, text, out, err, f"{len(decisions)} decision(s)")
        else:
            refs = library.get_many(reviews.included_ids(review))
            text = _export_text(refs, args, library, err)
            _review_output(args, text, out, err, f"{len(refs)} included reference(s)")
    elif action == "screen":
        screening = Screening(
            reviews, review, stage=Stage(args.stage), order=ScreeningOrder(args.order)
        )
        colour = out.isatty() and not args.no_colour
        made = review_terminal.screen(screening, stdin, out, colour=colour)
        counts = screening.counts
        err.write(
            f"{made} decision(s) saved; {counts.screened} screened, {counts.included} included, "
            f"{counts.undecided} undecided\n"
        )
    elif action == "reasons":
        reasons = [
            r
            for r in review.reasons
            if r.casefold() not in {x.casefold() for x in args.remove or ()}
        ]
        reasons.extend(args.add or ())
        if args.add or args.remove:
            review = reviews.set_reasons(review, reasons)
        for reason in review.reasons:
            out.write(reason + "\n")
    elif action == "mode":
        if args.mode is not None:
            review = reviews.set_dual(review, args.mode == "dual")
        out.write(("dual" if review.dual else "single") + "\n")
    elif action == "disagreements":
        return _review_disagreements(reviews, review, args, out)
    elif action == "resolve":
        (ref_id,) = _reference_ids([args.ref_id])
        stage = Stage(args.stage) if args.stage else None
        decision = reviews.resolve(
            review, ref_id, Verdict(args.verdict), stage=stage, reason=args.reason or ""
        )
        reason = f" ({decision.reason})" if decision.reason else ""
        out.write(
            f"#{decision.reference_id}: resolved as {decision.verdict.value} "
            f"at {decision.stage.value}{reason}\n"
        )
    elif action == "terms":
        include = [*review.include_terms, *(args.include or ())]
        exclude = [*review.exclude_terms, *(args.exclude or ())]
        if args.clear:
            include, exclude = list(args.include or ()), list(args.exclude or ())
        review = reviews.set_terms(review, include=include, exclude=exclude)
        out.write("include: " + "; ".join(review.include_terms) + "\n")
        out.write("exclude: " + "; ".join(review.exclude_terms) + "\n")
    return EXIT_OK


def _review_disagreements(
    reviews: ReviewManager, review: Review, args: argparse.Namespace, out: TextIO
) -> int:
    """List the unresolved disagreements of a dual review, as text or JSON."""
    if not review.dual:
        raise UserInputError(
            f"the review {review.name!r} is not screened by two reviewers "
            f"(see `peerref-cli review mode {review.name!r} dual`)"
        )
    found = reviews.state(review).disagreements()
    titles = reviews.titles(sorted({d.reference_id for d in found}))
    if args.json:
        _print_json(
            [
                {
                    "ref_id": d.reference_id,
                    "stage": d.stage.value,
                    "title": titles.get(d.reference_id, ""),
                    "decisions": [
                        {"reviewer": x.reviewer, "verdict": x.verdict.value, "reason": x.reason}
                        for x in d.decisions
                    ],
                }
                for d in found
            ],
            out,
        )
        return EXIT_OK
    for d in found:
        calls = "; ".join(
            f"{x.reviewer or '(no name)'}: {x.verdict.value}"
            + (f" ({x.reason})" if x.reason else "")
            for x in d.decisions
        )
        out.write(f"#{d.reference_id} {d.stage.value}: {titles.get(d.reference_id, '')}\n")
        out.write(f"    {calls}\n")
    if not found:
        out.write("no disagreements to resolve\n")
    return EXIT_OK


def _add_review_parser(command: Callable[[str, str, object], argparse.ArgumentParser]) -> None:
    p = command("review", "literature reviews: screening, PRISMA counts and diagram", cmd_review)
    actions = p.add_subparsers(dest="review_action", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    a = actions.add_parser("new", help="create a review over a collection or the whole library")
    a.add_argument("name")
    a.add_argument("--collection", metavar="PATH", help="the collection (default: the library)")
    a.add_argument("--seed", type=int, help="seed of the random screening order")
    a.add_argument(
        "--dual", action="store_true", help="dual independent screening by two reviewers"
    )
    actions.add_parser("list", help="the reviews with their progress")
    a = actions.add_parser("decide", help="record a screening decision")
    a.add_argument("name")
    a.add_argument("ref_id", metavar="REF_ID")
    a.add_argument("verdict", choices=[v.value for v in Verdict])
    a.add_argument("--stage", choices=[s.value for s in Stage], default=Stage.TITLE_ABSTRACT.value)
    a.add_argument("--reason", metavar="TEXT", help="required for a full-text exclusion")
    a.add_argument("--reviewer", metavar="NAME", help="who decided (default: settings, OS user)")
    a = actions.add_parser("undo", help="take back the review's latest decision")
    a.add_argument("name")
    a.add_argument("--reviewer", metavar="NAME", help="whose decision (dual screening)")
    a = actions.add_parser("status", help="the PRISMA counts, computed from the decisions")
    a.add_argument("name")
    a.add_argument("--json", action="store_true", help="one JSON object")
    a.add_argument("--duplicates", action="store_true", help="also list the duplicates removed")
    a = actions.add_parser("prisma", help="write the PRISMA 2020 flow diagram")
    a.add_argument("name")
    a.add_argument("--format", choices=["svg", "png", "pdf"], default=None)
    a.add_argument("-o", "--output", metavar="FILE", required=True)
    a = actions.add_parser("log", help="the search log (PRISMA-S) as a table")
    a.add_argument("name")
    a.add_argument("--format", choices=["csv", "md"], default="md")
    a.add_argument("--duplicates", action="store_true", help="also the duplicates removed")
    a.add_argument("-o", "--output", metavar="FILE")
    a = actions.add_parser("export", help="the included references, or every decision as CSV")
    a.add_argument("name")
    a.add_argument("--decisions", action="store_true", help="every decision with reasons (CSV)")
    a.add_argument(
        "--reviewer", metavar="NAME", help="whose view of a dual review (default: settings)"
    )
    a.add_argument(
        "--format",
        default="ris",
        help="format of the included references: a writer name (ris, bibtex, csl-json …) "
        "or bibliography",
    )
    a.add_argument("--style", metavar="NAME|PATH", help="citation style for bibliography")
    a.add_argument("--bibliography-format", choices=["text", "html", "rtf"], default="text")
    a.add_argument("-o", "--output", metavar="FILE")
    a = actions.add_parser("screen", help="screen by keyboard: i, e, m, u (undo), q (quit)")
    a.add_argument("name")
    a.add_argument("--stage", choices=[s.value for s in Stage], default=Stage.TITLE_ABSTRACT.value)
    a.add_argument(
        "--order", choices=[o.value for o in ScreeningOrder], default=ScreeningOrder.IMPORT.value
    )
    a.add_argument("--reviewer", metavar="NAME", help="who decides (default: settings, OS user)")
    a.add_argument("--no-colour", action="store_true", help="mark terms with [+ +] and [- -]")
    a = actions.add_parser("reasons", help="list or edit the full-text exclusion reasons")
    a.add_argument("name")
    a.add_argument("--add", action="append", metavar="REASON")
    a.add_argument("--remove", action="append", metavar="REASON")
    a = actions.add_parser("terms", help="highlight terms for screening")
    a.add_argument("name")
    a.add_argument("--include", action="append", metavar="TERM", help="inclusion term (green)")
    a.add_argument("--exclude", action="append", metavar="TERM", help="exclusion term (red)")
    a.add_argument("--clear", action="store_true", help="replace the terms instead of adding")
    a = actions.add_parser("mode", help="show or set single or dual independent screening")
    a.add_argument("name")
    a.add_argument("mode", nargs="?", choices=["single", "dual"], default=None)
    a = actions.add_parser("disagreements", help="records the reviewers decided differently")
    a.add_argument("name")
    a.add_argument("--json", action="store_true", help="a JSON list")
    a = actions.add_parser("resolve", help="settle a disagreement of dual screening")
    a.add_argument("name")
    a.add_argument("ref_id", metavar="REF_ID")
    a.add_argument("verdict", choices=[Verdict.INCLUDE.value, Verdict.EXCLUDE.value])
    a.add_argument(
        "--stage",
        choices=[s.value for s in Stage],
        default=None,
        help="the stage to resolve (default: the record's disagreement)",
    )
    a.add_argument("--reason", metavar="TEXT", help="required for a full-text exclusion")
    a.add_argument("--reviewer", metavar="NAME", help="who resolved (default: settings, OS user)")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="peerref-cli",
        description="PeerRef's library from the command line.",
        epilog="Uses the app's library unless --library or $PEERREF_LIBRARY names another.",
    )
    parser.add_argument("--version", action="version", version=f"PeerRef {__version__}")
    library_option = _Parser(add_help=False)
    library_option.add_argument(
        "--library",
        metavar="PATH|URL",
        default=argparse.SUPPRESS,
        help="the library file, or a team library's postgresql:// URL",
    )
    parser.add_argument(
        "--library",
        metavar="PATH|URL",
        help="the library file, or a team library's postgresql:// URL",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    sub.required = True

    def command(name: str, help_text: str, handler: object) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[library_option])
        p.set_defaults(handler=handler)
        return p

    p = command("parse", "print the references found in a file or stdin as CSL-JSON", cmd_parse)
    p.add_argument("path", metavar="PATH|-")
    p.add_argument("--format", help="force a format instead of detecting it")

    p = command("import", "add the references in files (or stdin) to the library", cmd_import)
    p.add_argument("paths", nargs="+", metavar="FILE|-")
    p.add_argument("--format", help="force a format instead of detecting it")
    p.add_argument("--collection", metavar="NAME", help="also put them in this collection")

    p = command("list", "list references", cmd_list)
    p.add_argument("--search", metavar="Q", help="search query (author:, year:2010..2015, tag: …)")
    p.add_argument("--collection", metavar="NAME")
    p.add_argument("--tag", metavar="T")
    p.add_argument("--trash", action="store_true", help="list the trash instead")
    p.add_argument("--sort", choices=[k.value for k in SortKey], default=SortKey.ADDED.value)
    p.add_argument("--descending", action="store_true")
    p.add_argument("--json", action="store_true", help="CSL-JSON with an id")

    p = command("show", "show one reference", cmd_show)
    p.add_argument("id")
    p.add_argument("--json", action="store_true", help="CSL-JSON with an id")

    p = command("export", "export references", cmd_export)
    p.add_argument(
        "--format",
        default="csl-json",
        choices=[f.value for f in ExportFormat],
    )
    p.add_argument("--style", metavar="NAME|PATH", help="citation style for --format bibliography")
    p.add_argument(
        "--bibliography-format",
        choices=["text", "html", "rtf"],
        default="text",
        help="output of --format bibliography",
    )
    p.add_argument("--search", metavar="Q")
    p.add_argument("--collection", metavar="NAME")
    p.add_argument("-o", "--output", metavar="FILE")

    p = command("collection", "list, add, rename, move or delete collections", cmd_collection)
    actions = p.add_subparsers(dest="collection_action", metavar="ACTION", parser_class=_Parser)
    actions.required = True
    actions.add_parser("list", help="the collections tree with counts")
    a = actions.add_parser("add", help="create a collection")
    a.add_argument("name")
    a.add_argument("--parent", metavar="NAME", help="nest it in this collection")
    a = actions.add_parser("rename", help="rename a collection")
    a.add_argument("name")
    a.add_argument("new_name")
    a = actions.add_parser("move", help="move a collection under another (or to the top: /)")
    a.add_argument("name")
    a.add_argument("parent", nargs="?", default=None)
    a = actions.add_parser("delete", help="delete a collection (its references stay)")
    a.add_argument("name")

    p = command("add-to", "put references in a collection", cmd_add_to)
    p.add_argument("collection", metavar="COLLECTION")
    p.add_argument("ids", nargs="+", metavar="ID")

    p = command(
        "tag",
        "add or remove tags on references (tag ID... --add T --remove T); or across the "
        "library: tag list, tag rename OLD NEW (into an existing tag: a merge), "
        "tag merge TAG... --into NAME, tag delete TAG",
        cmd_tag,
    )
    p.add_argument("ids", nargs="+", metavar="ID|ACTION")
    p.add_argument("--add", action="append", metavar="T")
    p.add_argument("--remove", action="append", metavar="T")
    p.add_argument("--into", metavar="NAME", help="with merge: the name the tags become")

    p = command("note", "add a note (markdown; - reads stdin)", cmd_note)
    p.add_argument("id")
    p.add_argument("text")

    p = command("trash", "move references to the trash", cmd_trash)
    p.add_argument("ids", nargs="+", metavar="ID")
    p = command("restore", "restore references from the trash", cmd_restore)
    p.add_argument("ids", nargs="+", metavar="ID")
    command("empty-trash", "delete everything in the trash for good", cmd_empty_trash)

    p = command("optimize", "merge the search index into one piece: faster searches", cmd_optimize)
    p.add_argument("--json", action="store_true", help="the segments before and after as JSON")

    p = command("backup", "back up the library now", cmd_backup)
    p.add_argument("-o", "--output", metavar="FILE", help="where (default: the backups folder)")
    p = command("restore-backup", "replace the library with a backup", None)
    p.add_argument("file", metavar="FILE")

    p = command(
        "copy-library",
        "copy a library into another (a personal file into a team library, or back)",
        None,
    )
    p.description = (
        "Copy every reference of SRC, with its notes, tags, collections, provenance and "
        "reviews, into DEST under DEST's own ids. Each is a file or a postgresql:// URL. "
        "Run again, it adds only what is new."
    )
    p.add_argument("source", metavar="SRC")
    p.add_argument("destination", metavar="DEST")

    p = command("cite", "print a bibliography or an in-text citation", cmd_cite)
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument(
        "--style", metavar="NAME|PATH", help="style name, id or .csl file (default APA 7th)"
    )
    p.add_argument("--in-text", action="store_true", help="the in-text citation instead")
    p.add_argument("--format", choices=["text", "html", "rtf"], default="text")

    p = command("csl", "format CSL-JSON references with a style, without a library", cmd_csl)
    p.description = (
        "Format CSL-JSON references (a file, or - for stdin) with a CSL style: each "
        "citation on its own line, a blank line, then the bibliography. Without "
        "--citations every reference is cited once on its own."
    )
    p.add_argument("references", metavar="REFERENCES.json")
    p.add_argument(
        "--style", metavar="STYLE", required=True, help="style id or name, or a .csl file"
    )
    p.add_argument("--locale", metavar="LANG", help="locale, e.g. en-GB (default: the style's)")
    p.add_argument("--format", choices=["html", "text", "rtf"], default="html")
    p.add_argument(
        "--citations",
        metavar="CITATIONS.json",
        help='a list of citations, each a list of {"id", "locator", "label", "prefix", '
        '"suffix", "suppress-author", "author-only"}',
    )
    p.add_argument(
        "--json", action="store_true", help='print {"citations": [...], "bibliography": [...]}'
    )

    p = command("styles", "list favourite citation styles or search all of them", cmd_styles)
    p.add_argument("--search", metavar="Q", help="words to find in style titles")

    p = command("complete", COMPLETE_HELP, cmd_complete)
    p.description = COMPLETE_DESCRIPTION
    p.formatter_class = argparse.RawDescriptionHelpFormatter
    p.add_argument("ids", nargs="*", metavar="ID", help="references to complete")
    p.add_argument(
        "--all-incomplete",
        action="store_true",
        help="every reference (outside the trash) lacking a title, DOI, journal, pages or ISSN",
    )
    p.add_argument(
        "--yes",
        action="store_true",
        help="also accept the proposed changes of verified matches (never picks a candidate)",
    )
    p.add_argument(
        "--doi",
        metavar="DOI",
        help="use the Crossref record with this DOI for the one ID given (checked, shown, "
        "never refused)",
    )
    p.add_argument(
        "--timeout",
        metavar="SECONDS",
        type=float,
        help=f"give up on a reference whose lookup takes longer (default "
        f"{LOOKUP_DEADLINE_SECONDS:g})",
    )

    p = command("duplicates", "list groups of duplicate references", cmd_duplicates)
    p.add_argument("--json", action="store_true", help="groups with ids and CSL-JSON items")
    p = command("merge", "merge duplicate references into one", cmd_merge)
    p.add_argument("ids", nargs="+", metavar="ID")
    p.add_argument("--keep", metavar="ID", help="the one to keep (default: the most complete)")
    p = command("not-duplicates", "say these references are different works", cmd_not_duplicates)
    p.add_argument("ids", nargs="+", metavar="ID")

    p = command("stats", "counts and file size", cmd_stats)
    p.add_argument("--json", action="store_true")

    _add_review_parser(command)
    return parser


# Commands that only read: they may run while the window has the library open, since
# SQLite's WAL mode lets readers work beside the one writer.
READ_ONLY_COMMANDS = frozenset({"list", "show", "export", "cite", "duplicates", "stats", "backup"})


REVIEW_WRITES = frozenset({"new", "decide", "undo", "screen", "reasons", "terms"})


def _writes(args: argparse.Namespace) -> bool:
    if args.command == "collection":
        return bool(args.collection_action != "list")
    if args.command == "review":
        return bool(args.review_action in REVIEW_WRITES)
    return args.command not in READ_ONLY_COMMANDS


@contextmanager
def _write_lock(library_file: Path, needed: bool) -> Iterator[None]:
    """Hold the library's lock for a command that changes it (see ``peerref.lockfile``)."""
    if not needed:
        yield
        return
    library_file.parent.mkdir(parents=True, exist_ok=True)
    with LibraryLock(library_file, program="peerref-cli"):
        yield


def _location(value: str) -> Path | str:
    return value if is_library_url(value) else Path(value).expanduser()


def cmd_copy_library(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Copy SRC into DEST; DEST (a file) is locked for the copy, SRC only read."""
    source, destination = _location(args.source), _location(args.destination)
    for location in (source, destination):
        Library.check_file(location)
    if isinstance(source, Path) and not source.exists():
        raise UsageError(f"{source} does not exist")
    lock_target = destination if isinstance(destination, Path) else None
    if lock_target is not None:
        lock_target.parent.mkdir(parents=True, exist_ok=True)
    with (
        LibraryLock(lock_target, program="peerref-cli") if lock_target else nullcontext(),
        Library.open(source, daily_backup=False) as src,
        Library.open(destination) as dest,
    ):
        outcome = src.copy_into(dest)
    added = sum(outcome.added.values())
    kept = sum(outcome.already.values())
    out.write(
        f"copied {outcome.references} references ({added} rows in all) into "
        f"{dest.location}; {kept} rows were already there\n"
    )
    return EXIT_OK


@contextmanager
def _open_library(args: argparse.Namespace, err: TextIO) -> Iterator[Library]:
    paths = AppPaths.from_platformdirs(args.library)
    # Another application's database is refused before a lock file is put beside it.
    Library.check_file(paths.library_location)
    # A team library has no lock: several people write at once (row versions guard edits).
    needs_lock = _writes(args) and paths.library_url is None
    with _write_lock(paths.library_file, needs_lock):
        library = Library.open(paths.library_location)
        # Changes are recorded as the name set in Preferences, else the login (role).
        library.set_user(settings_io.load(paths.settings_file).reviewer_name)
        try:
            for warning in library.open_warnings:
                err.write(f"peerref-cli: warning: {warning}\n")
            yield library
        finally:
            library.close()


def _os_error_line(error: OSError) -> str:
    """An operating-system error as the one line after "peerref-cli: error: "."""
    where = f"{error.filename}: " if error.filename else ""
    if is_disk_full(error):
        return f"{where}the disk is full; free some space and try again"
    return f"{where}{error.strerror or error}"


def main(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    stdin: TextIO | None = None,
) -> int:
    """Run one command; returns the exit code (the console script exits with it)."""
    out, err, inp = stdout or sys.stdout, stderr or sys.stderr, stdin or sys.stdin
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=err,
    )
    try:
        if args.command == "parse":
            return cmd_parse(args, out, err, inp)
        if args.command == "styles":
            return cmd_styles(args, out, err, inp)
        if args.command == "csl":
            return cmd_csl(args, out, err, inp)
        if args.command == "copy-library":
            return cmd_copy_library(args, out, err)
        if args.command == "restore-backup":
            chosen = AppPaths.from_platformdirs(args.library)
            if chosen.library_url is not None:
                raise UsageError("a team library is restored on its server (pg_restore)")
            target = chosen.library_file
            with _write_lock(target, needed=True):
                Library.restore_backup(Path(args.file), target)
            err.write(f"restored {args.file} into {target}\n")
            return EXIT_OK
        with _open_library(args, err) as library:
            handler: LibraryCommand = args.handler
            return handler(library, args, out, err, inp)
    except UsageError as error:
        err.write(f"peerref-cli: error: {error}\n")
        return EXIT_USAGE
    except PeerRefError as error:
        err.write(f"peerref-cli: {error}\n")
        return EXIT_USER_ERROR
    except BrokenPipeError:  # `peerref-cli list | head`
        return EXIT_OK
    except OSError as error:  # a full disk, a vanished folder: one line, never a traceback
        log.debug("%s failed", args.command, exc_info=True)
        err.write(f"peerref-cli: error: {_os_error_line(error)}\n")
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        err.write("peerref-cli: interrupted\n")
        return 130


def run() -> NoReturn:
    code = main()
    # Output still buffered is written now, not by the interpreter on its way out, which
    # would print its own traceback-like complaint and exit 120 (`list > /full/disk/file`).
    try:
        sys.stdout.flush()
    except OSError as error:
        _silence_stdout()
        if code == EXIT_OK and not isinstance(error, BrokenPipeError):
            sys.stderr.write(f"peerref-cli: error: <stdout>: {_os_error_line(error)}\n")
            code = EXIT_USER_ERROR
    sys.exit(code)


def _silence_stdout() -> None:
    """Point standard output at the null device, so the final flush at exit succeeds."""
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, sys.stdout.fileno())
        os.close(null)
    except (OSError, ValueError):  # no real file descriptor: nothing left to flush
        pass


if __name__ == "__main__":
    run()
