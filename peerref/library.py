"""The Library façade: every operation the CLI and the window perform on a library.

Each method is one unit of work with its own session (so a worker thread can use the
same ``Library`` for a long operation), raises only ``PeerRefError`` children, and
every write is one transaction that returns a ``ChangeSet`` describing what changed
(STYLE.md #6): the caller refreshes from that instead of reloading everything.
"""

from __future__ import annotations

import enum
import functools
import gc
import json
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from peerref.core.changes import ChangeSet
from peerref.core.dedupe import (
    DismissedPair,
    DuplicateGroup,
    DuplicateIndex,
    GroupScreen,
    Reason,
    all_pairs,
    doi_blocking_key,
    find_groups_among,
)
from peerref.core.errors import (
    FormatError,
    NotFoundError,
    UserInputError,
)
from peerref.core.ids import doi_key
from peerref.core.merging import MERGEABLE_FIELDS, field_changes, fill_in, merge_references
from peerref.core.model import (
    AbstractSection,
    BatchId,
    Collection,
    CollectionId,
    Creator,
    ImportBatch,
    ImportMethod,
    Note,
    NoteId,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.core.query import parse_query
from peerref.enrich import (
    COMPLETABLE_FIELDS,
    BatchResult,
    Completion,
    CompletionStatus,
    CrossrefClient,
    FieldValue,
    complete_many,
    needs_completion,
)
from peerref.formats import registry
from peerref.formats.base import ParseResult
from peerref.library_tags import TagManager
from peerref.paths import is_library_url
from peerref.review import ReviewManager
from peerref.store import reviews as review_store
from peerref.store import search as search_store
from peerref.store.copy import copy_library
from peerref.store.database import Database, check_identity
from peerref.store.listing import ListFilter, ReferenceSummary, SortKey
from peerref.store.postgres import ChangeFeed, remember_password
from peerref.store.repository import MergeEvent, NewReference, Repository

__all__ = [
    "COMPLETION_FIELD_LABELS",
    "CROSSREF_PROVENANCE_KEY",
    "CompletionRecord",
    "CompletionToApply",
    "DuplicateGroup",
    "EntryMark",
    "EntryStatus",
    "ImportOutcome",
    "Library",
    "LibraryStats",
    "MergeEvent",
    "MergeRecord",
    "ReferenceSummary",
    "SortKey",
]

BACKUP_DIR_NAME = "backups"
# References read per query when scanning the library for incomplete ones.
_COMPLETION_CHUNK = 500


@dataclass(frozen=True, slots=True)
class ImportOutcome:
    """What an import did: the change set (with the batch id), what was parsed, counts."""

    changes: ChangeSet
    result: ParseResult
    added: int
    skipped: int
    merged: int
    # References the import filled in from duplicate entries, for undoing (``unmerge``).
    fills: tuple[MergeRecord, ...] = ()
    # Of ``skipped``: entries not added because the library already holds them.
    already_in_library: int = 0
    # References already in the library that the import put into its target collection
    # (the duplicates its entries matched), for undoing (``remove_from_collection``).
    collected: tuple[ReferenceId, ...] = ()
    # The collection the import went into, if any.
    collection: CollectionId | None = None


@dataclass(frozen=True, slots=True)
class _Imported:
    """What importing one parse result into an open transaction did."""

    changes: ChangeSet
    added: int
    skipped: int
    merged: int
    fills: tuple[MergeRecord, ...]
    already_in_library: int = 0
    collected: tuple[ReferenceId, ...] = ()


@dataclass(frozen=True, slots=True)
class CopyOutcome:
    """What ``copy_into`` did: rows added to the target, and rows it already held, by table."""

    added: Mapping[str, int]
    already: Mapping[str, int]

    @property
    def references(self) -> int:
        return int(self.added.get("reference", 0))


@dataclass(frozen=True, slots=True)
class LibraryStats:
    """Counts for ``peerref-cli stats`` and the status bar."""

    references: int
    trashed: int
    collections: int
    tags: int
    notes: int
    batches: int
    file_bytes: int
    by_type: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class SearchIndexTidied:
    """What ``Library.tidy_search_index`` did: the index's segments before and after."""

    segments_before: int
    segments_after: int
    steps: int
    stopped: bool = False


# --- completion from Crossref: the provenance record -----------------------------------------

# Where a reference keeps the history of its completions from Crossref: one line per
# completion in its ``extra`` mapping. Kept with the reference's own fields, so writing
# the reference back as it was (undo) takes the record away with the values it describes.
CROSSREF_PROVENANCE_KEY = "peerref:completed-from-crossref"

# How each completable field is named to a person (CLI output, the results dialog).
COMPLETION_FIELD_LABELS: Mapping[str, str] = {
    "title": "Title",
    "creators": "Authors",
    "container_title": "Journal",
    "container_title_short": "Journal abbreviation",
    "volume": "Volume",
    "issue": "Issue",
    "page": "Pages",
    "issued": "Date",
    "doi": "DOI",
    "issn": "ISSN",
    "publisher": "Publisher",
    "abstract": "Abstract",
    "type": "Type",
}


@dataclass(frozen=True, slots=True)
class CompletionRecord:
    """One completion from Crossref, as recorded in the reference's provenance.

    Attributes:
        when: when it was applied (UTC).
        doi: the Crossref record the values came from.
        filled: fields that were empty and were filled.
        accepted: fields that differed and whose Crossref value the user accepted.
    """

    when: datetime
    doi: str
    filled: tuple[str, ...] = ()
    accepted: tuple[str, ...] = ()

    def to_line(self) -> str:
        """ "2026-05-01T09:30:00+00:00 10.1108/x filled=title,doi accepted=page"."""
        parts = [self.when.astimezone(UTC).isoformat(timespec="seconds"), self.doi]
        if self.filled:
            parts.append("filled=" + ",".join(self.filled))
        if self.accepted:
            parts.append("accepted=" + ",".join(self.accepted))
        return " ".join(parts)

    @classmethod
    def from_line(cls, line: str) -> CompletionRecord | None:
        """Read a line written by ``to_line``; None for anything else (a hand-edited value)."""
        words = line.split()
        if len(words) < 2:
            return None
        try:
            when = datetime.fromisoformat(words[0])
        except ValueError:
            return None
        lists: dict[str, tuple[str, ...]] = {"filled": (), "accepted": ()}
        for word in words[2:]:
            key, _, names = word.partition("=")
            if key in lists:
                lists[key] = tuple(name for name in names.split(",") if name)
        return cls(when, words[1], lists["filled"], lists["accepted"])


def completion_history(reference: Reference) -> list[CompletionRecord]:
    """Every completion from Crossref recorded on ``reference``, oldest first."""
    text = reference.extra.get(CROSSREF_PROVENANCE_KEY, "")
    records = (CompletionRecord.from_line(line) for line in text.splitlines())
    return [record for record in records if record is not None]


def completion_value_text(value: FieldValue, *, limit: int = 120) -> str:
    """A completable field's value as one line of text, shortened to ``limit`` characters.

    The CLI and the results dialog show proposed values side by side; a whole abstract or
    twenty authors would drown the comparison.
    """
    text: str
    if isinstance(value, PartialDate):
        text = value.iso() or value.literal
    elif isinstance(value, ReferenceType):
        text = value.value
    elif isinstance(value, str):
        text = value
    else:
        parts: list[str] = []
        for item in value:
            if isinstance(item, Creator):
                parts.append(item.display_name())
            elif isinstance(item, AbstractSection):
                parts.append(f"{item.heading}: {item.text}" if item.heading else item.text)
            else:
                parts.append(item)
        separator = "; " if value and isinstance(value[0], Creator) else ", "
        if value and isinstance(value[0], AbstractSection):
            separator = " "
        text = separator.join(parts)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


CompletionToApply = tuple[ReferenceId, Completion, bool | Iterable[str]]
"""(reference id, its MATCHED completion, True or the names of the proposals accepted)."""


def writes_doi(completion: Completion, accept: bool | Iterable[str]) -> bool:
    """Whether applying ``completion`` with these accepted proposals writes a DOI.

    A DOI is written when it fills an empty field, or when a different one is proposed
    and accepted (``True`` accepts every proposal; a collection names the accepted ones).
    """
    if "doi" in completion.filled:
        return True
    if "doi" not in completion.proposed:
        return False
    return accept if isinstance(accept, bool) else "doi" in tuple(accept)


def _now() -> datetime:
    return datetime.now(UTC)


_Method = TypeVar("_Method", bound=Callable[..., object])


def _changes_in(result: object) -> ChangeSet | None:
    """The change set a write returned: itself, inside a tuple, or an import's."""
    if isinstance(result, ChangeSet):
        return result
    if isinstance(result, ImportOutcome):
        return result.changes
    if isinstance(result, tuple):
        return next((item for item in result if isinstance(item, ChangeSet)), None)
    return None


def _announced(method: _Method) -> _Method:
    """Tell a team library's other clients what this write changed, once it committed."""

    @functools.wraps(method)
    def announcing(self: Library, *args: object, **kwargs: object) -> object:
        result = method(self, *args, **kwargs)
        changes = _changes_in(result)
        if changes is not None:
            self.announce(changes)
        return result

    return announcing  # type: ignore[return-value]  # same signature, as wraps promises


@dataclass(frozen=True, slots=True)
class LiveChange:
    """What another client of a team library changed, and who.

    ``reload`` when the change set was too large to send: everything is re-read.
    ``reviews``: the reviews whose decisions changed (a decision, undo or resolution).
    """

    changes: ChangeSet
    by: str = ""
    reload: bool = False
    reviews: frozenset[int] = frozenset()


class LiveChanges:
    """Other clients' changes to a team library, as they commit (``Library.listen``)."""

    def __init__(self, feed: ChangeFeed, origin: str) -> None:
        self._feed = feed
        self._origin = origin

    def wait(self, timeout: float) -> list[LiveChange]:
        """The changes announced since the last call, waiting up to ``timeout`` seconds.

        This library's own announcements are left out (its window already shows them);
        a payload that is not a change set (another program's NOTIFY) is ignored.

        Raises:
            ConnectionError: the server went away; open the feed again to carry on.
        """
        found: list[LiveChange] = []
        for payload in self._feed.wait(timeout):
            try:
                data = json.loads(payload)
            except ValueError:
                continue
            if not isinstance(data, dict) or data.get("origin") == self._origin:
                continue
            by = data.get("by")
            reviews = data.get("reviews")
            found.append(
                LiveChange(
                    ChangeSet.from_json(data),
                    by=by if isinstance(by, str) else "",
                    reload=data.get("reload") is True,
                    reviews=frozenset(v for v in reviews if isinstance(v, int))
                    if isinstance(reviews, list)
                    else frozenset(),
                )
            )
        return found

    def close(self) -> None:
        self._feed.close()


class Library:
    """One open library file. Use ``Library.open``; close it, or use it in ``with``."""

    def __init__(self, database: Database) -> None:
        self.database = database
        # Names this open library in its announcements, so it can skip its own.
        self.origin = uuid.uuid4().hex
        self.path = database.path
        self.backup_dir = database.backup_dir
        # Literature reviews (screening, PRISMA counts): a room of their own.
        self.reviews = ReviewManager(database, on_decisions_changed=self._announce_decisions)
        # Tags across the library (counts, rename, merge, delete): another room.
        self.tags = TagManager(database, announce=self.announce)
        # Problems met while opening that did not stop it (today's backup failed), for
        # the window or the command line to show.
        self.open_warnings: tuple[str, ...] = database.open_warnings

    # -- lifetime -------------------------------------------------------------------------

    def announce(self, changes: ChangeSet) -> None:
        """Tell a team library's other clients what a committed write changed.

        Nothing for a personal library, or for a write that changed nothing. The rooms
        beside this façade (``tags``) call it after their own transactions.
        """
        if self.is_team and not changes.is_empty:
            self.database.announce(
                json.dumps({"origin": self.origin, "by": self.user, **changes.to_json()})
            )

    def _announce_decisions(self, review_id: int) -> None:
        """Tell a team library's other clients that a review's decisions changed."""
        if self.is_team:
            self.database.announce(
                json.dumps({"origin": self.origin, "by": self.user, "reviews": [review_id]})
            )

    @classmethod
    def open(
        cls, path: Path | str, *, backup_dir: Path | None = None, daily_backup: bool = True
    ) -> Library:
        """Open the library at ``path``, creating it when missing.

        Checks the file's identity, backs it up before migrating an older schema, and
        takes the daily automatic backup (``backup_dir`` defaults to ``backups`` next to
        the file, as ``AppPaths.backup_dir`` does); the file's integrity is checked before
        either backup, so only the first open of the day reads the whole file. A
        ``postgresql://`` URL opens (or sets up) a team library on that server instead:
        no file, no lock, no automatic backup (the server's own backups apply).

        Raises:
            LibraryFileError: damaged, not a PeerRef library, or locked by another program;
                for a team library, the server cannot be reached or refused the login.
            NewerLibraryError: written by a newer PeerRef.
        """
        if is_library_url(path):
            return cls(Database.open_url(str(path)))
        path = Path(path).expanduser().absolute()
        folder = backup_dir if backup_dir is not None else path.parent / BACKUP_DIR_NAME
        return cls(Database.open(path, backup_dir=folder, daily_backup=daily_backup))

    @staticmethod
    def check_file(path: Path | str, *, backup_dir: Path | None = None) -> None:
        """Refuse a file that is not a PeerRef library, reading it only.

        Call it before taking the library's lock, so that pointing PeerRef at another
        application's database leaves no lock file beside it; ``open`` checks again.

        Raises:
            LibraryFileError: a folder, not an SQLite database, another application's
                database, or unreadable. A missing or empty file passes (it is set up).
                A team library's URL passes: the server is asked when it is opened.
        """
        if is_library_url(path):
            return
        path = Path(path).expanduser().absolute()
        folder = backup_dir if backup_dir is not None else path.parent / BACKUP_DIR_NAME
        check_identity(path, folder)

    @property
    def is_team(self) -> bool:
        """Whether this is a team library on a PostgreSQL server (several writers)."""
        return self.database.is_team

    @property
    def location(self) -> str:
        """The library's file, or its URL without a password, for titles and messages."""
        return self.database.location

    @property
    def opened_from(self) -> Path | str:
        """What ``Library.open`` was given: the file, or the team library's URL."""
        return self.database.url if self.database.url is not None else self.path

    @property
    def user(self) -> str:
        """Who the changes made here are recorded as (``added_by``, ``modified_by``)."""
        return self.database.user

    @property
    def read_only(self) -> bool:
        """Whether this role may only read the library (a read-only window)."""
        return self.database.read_only

    def listen(self) -> LiveChanges:
        """Other clients' changes as they commit (a team library; a file raises).

        Raises:
            UserInputError: a library file (it has no other clients).
            StorageError: the server cannot be reached.
        """
        return LiveChanges(self.database.change_feed(), self.origin)

    @staticmethod
    def remember_password(url: str, password: str) -> bool:
        """Keep a team library's password in the OS keyring (never in PeerRef's settings).

        Returns False when there is no usable keyring; the caller then asks each time.
        """
        return remember_password(url, password)

    def set_user(self, name: str) -> None:
        """Record changes under ``name`` (Preferences); an empty name means the login."""
        self.database.user = name.strip() or self.database.login

    def close(self) -> None:
        self.database.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    # -- reading references ---------------------------------------------------------------

    def get(self, ref_id: ReferenceId) -> Reference:
        """One reference with its tags and collections; NotFoundError when there is none."""
        found = self.get_many([ref_id])
        if not found:
            raise NotFoundError(f"no reference with id {ref_id} in this library")
        return found[0]

    def get_many(self, ids: Sequence[ReferenceId]) -> list[Reference]:
        """References in the order asked for; ids that do not exist are skipped."""
        with self.database.reading() as repo:
            return repo.get_references(ids)

    def search_ids(
        self,
        query: str = "",
        *,
        collection: CollectionId | None = None,
        tag: str | None = None,
        batch: BatchId | None = None,
        unfiled: bool = False,
        trash: bool = False,
        sort: SortKey = SortKey.ADDED,
        descending: bool = False,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[ReferenceId]:
        """Ids matching the search language and filters, sorted, optionally one page.

        ``trash=True`` lists only trashed references; otherwise they are excluded. Bad
        search syntax never raises: it is read as plain words.
        """
        criteria = ListFilter(parse_query(query), collection, tag, batch, unfiled, trash)
        return self.database.list_ids(
            criteria,
            sort=SortKey(sort),
            descending=descending,
            limit=limit,
            offset=offset,
        )

    def count(
        self,
        query: str = "",
        *,
        collection: CollectionId | None = None,
        tag: str | None = None,
        batch: BatchId | None = None,
        unfiled: bool = False,
        trash: bool = False,
    ) -> int:
        """How many references ``search_ids`` with the same arguments would list."""
        criteria = ListFilter(parse_query(query), collection, tag, batch, unfiled, trash)
        return self.database.count(criteria)

    def summaries(self, ids: Sequence[ReferenceId]) -> list[ReferenceSummary]:
        """Table rows for these ids, in the same order (missing ids skipped)."""
        return self.database.summaries(ids)

    # -- writing references ---------------------------------------------------------------

    @_announced
    def add(
        self,
        references: Sequence[Reference],
        *,
        collection: CollectionId | None = None,
        notes: Sequence[Sequence[str]] | None = None,
        keep_ids: bool = False,
    ) -> ChangeSet:
        """Add references, optionally into a collection.

        ``notes``, when given, holds the markdown notes of each reference, in the same
        order as ``references``: adding them here indexes each reference once.
        A reference's ``id`` is ignored unless ``keep_ids`` is set: then each goes back
        under its own id, which must be one deleted before (``UserInputError`` otherwise).
        Redoing an undone add does this, so later steps of the history still find them.
        """
        if notes is not None and len(notes) != len(references):
            raise UserInputError("give one list of notes per reference added")
        note_lists = notes if notes is not None else [()] * len(references)
        with self.database.writing() as repo:
            ids = repo.add_references(
                [
                    NewReference(ref, notes=tuple(texts))
                    for ref, texts in zip(references, note_lists, strict=True)
                ],
                now=_now(),
                collection=collection,
                keep_ids=keep_ids,
            )
        collection_ids = {c for ref in references for c in ref.collection_ids}
        if collection is not None:
            collection_ids.add(collection)
        return ChangeSet(
            added=frozenset(ids),
            notes_changed=frozenset(i for i, texts in zip(ids, note_lists, strict=True) if texts),
            tags_changed=any(ref.tags for ref in references),
            collections_changed=bool(collection_ids),
            collection_ids=frozenset(collection_ids),
        )

    @_announced
    def update(self, reference: Reference) -> ChangeSet:
        """Save a reference's bibliographic fields, tags, reading status and rating.

        Collections, notes, trash state and provenance have their own methods and are
        left as they are.
        """
        if reference.id is None:
            raise UserInputError("cannot update a reference that has no id")
        with self.database.writing() as repo:
            before = repo.get_references([reference.id])
            repo.update_reference(reference, now=_now())
            after = repo.get_references([reference.id])
        tags_changed = bool(before) and before[0].tags != after[0].tags
        return ChangeSet(updated=frozenset({reference.id}), tags_changed=tags_changed)

    @_announced
    def trash(self, ids: Iterable[ReferenceId]) -> ChangeSet:
        """Move references to the trash; they can be restored until the trash is emptied."""
        with self.database.writing() as repo:
            changed = repo.set_trashed(repo.require(ids), True)
        return ChangeSet(trashed=frozenset(changed), tags_changed=bool(changed))

    @_announced
    def restore(self, ids: Iterable[ReferenceId]) -> ChangeSet:
        """Bring references back from the trash."""
        with self.database.writing() as repo:
            changed = repo.set_trashed(repo.require(ids), False)
        return ChangeSet(restored=frozenset(changed), tags_changed=bool(changed))

    @_announced
    def empty_trash(self) -> ChangeSet:
        """Delete every trashed reference for good."""
        with self.database.writing() as repo:
            removed = repo.delete_references(repo.trashed_ids())
        return ChangeSet(removed=frozenset(removed), tags_changed=bool(removed))

    @_announced
    def delete_permanently(self, ids: Iterable[ReferenceId]) -> ChangeSet:
        """Delete references for good, bypassing the trash (undo of an add uses this)."""
        with self.database.writing() as repo:
            removed = repo.delete_references(list(ids))
        return ChangeSet(removed=frozenset(removed), tags_changed=bool(removed))

    # -- completion from Crossref ---------------------------------------------------------

    def incomplete_ids(self, ids: Sequence[ReferenceId] | None = None) -> list[ReferenceId]:
        """References outside the Trash worth completing from Crossref, in library order.

        Worth completing means a title, DOI, journal, pages or ISSN is missing, or the
        source cut a field short (``peerref.enrich.needs_completion``). ``ids`` limits the
        check to some references, such as the ones an import just added.
        """
        wanted = list(ids) if ids is not None else self.search_ids("")
        found: list[ReferenceId] = []
        for start in range(0, len(wanted), _COMPLETION_CHUNK):
            for reference in self.get_many(wanted[start : start + _COMPLETION_CHUNK]):
                worth_it = not reference.trashed and needs_completion(reference)
                if reference.id is not None and worth_it:
                    found.append(reference.id)
        return found

    def find_completions(
        self,
        ids: Sequence[ReferenceId],
        client: CrossrefClient,
        *,
        progress: Callable[[int, int], None] | None = None,
        is_cancelled: Callable[[], bool] | None = None,
        lookup_seconds: float | None = None,
    ) -> BatchResult:
        """Look references up on Crossref and work out what each would gain; changes nothing.

        The lookups are slow network work, so they happen outside any transaction; apply
        the result with ``apply_completions`` (each reference is re-read then, so an edit
        made meanwhile is never overwritten). A Crossref that cannot be reached is
        reported in ``BatchResult.stopped_by`` rather than raised, so what was found
        before it went away is not lost. Each lookup ends by ``lookup_seconds`` (default
        ``peerref.enrich.complete.LOOKUP_DEADLINE_SECONDS``) and the run by its own
        deadline; cancelling (``is_cancelled`` or ``client.cancel()``) ends it at once.

        Raises:
            NotFoundError: an id is not in the library.
        """
        unique = list(dict.fromkeys(ids))
        references = self.get_many(unique)
        if len(references) != len(unique):
            present = {reference.id for reference in references}
            absent = next(ref_id for ref_id in unique if ref_id not in present)
            raise NotFoundError(f"no reference with id {absent} in this library")
        if lookup_seconds is None:
            return complete_many(references, client, progress=progress, is_cancelled=is_cancelled)
        return complete_many(
            references,
            client,
            progress=progress,
            is_cancelled=is_cancelled,
            lookup_seconds=lookup_seconds,
        )

    @_announced
    def apply_completion(
        self,
        ref_id: ReferenceId,
        completion: Completion,
        *,
        accept_proposed: bool | Iterable[str] = (),
    ) -> ChangeSet:
        """Fill a reference's empty fields from its Crossref match, and accepted proposals.

        See ``apply_completions``, which does the same for many references at once.
        """
        return self.apply_completions([(ref_id, completion, accept_proposed)])

    @_announced
    def apply_completions(self, items: Sequence[CompletionToApply]) -> ChangeSet:
        """Apply Crossref matches in one transaction, recording each in its provenance.

        Only fields that are empty in the reference as stored now are filled (the lookup
        may be minutes old); a field that differs changes only when its proposal is
        accepted. Each reference that changed gets a ``CompletionRecord`` line under
        ``CROSSREF_PROVENANCE_KEY`` in its ``extra``: the DOI matched, the fields filled
        and accepted, and when. A reference that would gain nothing is left untouched.

        Raises:
            UserInputError: a completion has no match (the user must choose a candidate
                first), names a field it did not propose, or two references would be
                given the same DOI. Nothing is changed then.
            NotFoundError: a reference no longer exists.
        """
        now = _now()
        given_dois: dict[str, ReferenceId] = {}
        updated: set[ReferenceId] = set()
        filled_count = accepted_count = 0
        with self.database.writing() as repo:
            for ref_id, completion, accept in items:
                match = completion.match
                if completion.status is not CompletionStatus.MATCHED or match is None:
                    raise UserInputError(
                        f"reference {ref_id} has no Crossref match to apply; "
                        "choose one of its candidates first"
                    )
                found = repo.get_references([ref_id])
                if not found:
                    raise NotFoundError(f"no reference with id {ref_id} in this library")
                current = found[0]
                if isinstance(accept, bool):
                    accepted = tuple(completion.proposed) if accept else ()
                else:
                    accepted = tuple(dict.fromkeys(accept))
                try:
                    new = completion.apply(current, accept_proposed=accepted)
                except ValueError as error:
                    raise UserInputError(f"reference {ref_id}: {error}") from None
                filled = tuple(
                    name
                    for name in COMPLETABLE_FIELDS
                    if name in completion.filled and getattr(new, name) != getattr(current, name)
                )
                taken = tuple(n for n in accepted if getattr(new, n) != getattr(current, n))
                if not filled and not taken:
                    continue
                new_doi = doi_key(new.doi)
                if new_doi and new_doi != doi_key(current.doi):
                    other = given_dois.get(new_doi)
                    if other is not None and other != ref_id:
                        raise UserInputError(
                            f"references {other} and {ref_id} would both be given the DOI "
                            f"{new.doi}; choose the right one for each"
                        )
                    given_dois[new_doi] = ref_id
                line = CompletionRecord(now, match.doi, filled, taken).to_line()
                extra = dict(new.extra)
                previous = extra.get(CROSSREF_PROVENANCE_KEY, "")
                extra[CROSSREF_PROVENANCE_KEY] = f"{previous}\n{line}" if previous else line
                repo.update_reference(new.with_changes(extra=extra), now=now)
                updated.add(ref_id)
                filled_count += len(filled)
                accepted_count += len(taken)
        if not updated:
            return ChangeSet(messages=("Crossref had nothing to add.",))
        noun = "reference" if len(updated) == 1 else "references"
        summary = f"Completed {len(updated)} {noun} from Crossref: {filled_count} field(s) filled"
        if accepted_count:
            summary += f", {accepted_count} change(s) accepted"
        return ChangeSet(updated=frozenset(updated), messages=(summary,))

    def others_with_same_doi(
        self, ids: Iterable[ReferenceId]
    ) -> dict[ReferenceId, list[ReferenceId]]:
        """For each of these references that has a DOI, the others outside the Trash with it.

        A completion that gives a reference the DOI another one already has usually means
        the two are the same work (or the match was wrong): the app and the CLI say so,
        and the Duplicates view offers the merge. References without others are left out.
        """
        found: dict[ReferenceId, list[ReferenceId]] = {}
        with self.database.reading() as repo:
            for reference in repo.get_references(list(dict.fromkeys(ids))):
                if reference.id is None or not reference.doi:
                    continue
                others = repo.candidate_ids([doi_blocking_key(reference.doi)]) - {reference.id}
                if others:
                    found[reference.id] = sorted(others)
        return found

    # -- importing ------------------------------------------------------------------------

    @_announced
    def import_text(
        self,
        text: str,
        *,
        method: ImportMethod,
        source_name: str = "",
        format_name: str | None = None,
        collection: CollectionId | None = None,
    ) -> ImportOutcome:
        """Parse text (format detected unless named) and import every entry as one batch.

        Raises:
            FormatError: nothing in the text could be read as references.
        """
        result = registry.parse_text(text, format_name)
        return self.import_parsed(
            result,
            raw_input=text,
            method=method,
            source_name=source_name,
            collection=collection,
        )

    @_announced
    def import_files(
        self,
        paths: Sequence[Path],
        *,
        method: ImportMethod = ImportMethod.FILE,
        format_name: str | None = None,
        collection: CollectionId | None = None,
    ) -> ImportOutcome:
        """Import files in one transaction, one import batch per file (each keeps its text).

        A file whose encoding had to be guessed (not UTF-8, nothing declaring it) is named,
        with the encoding assumed, in the outcome's ``result.warnings``.

        Raises:
            NotFoundError: a file does not exist or cannot be read.
            FormatError: a file holds nothing readable; nothing is imported then.
        """
        parsed: list[tuple[Path, str, ParseResult]] = []
        for path in paths:
            try:
                data = Path(path).read_bytes()
            except OSError as error:
                raise NotFoundError(f"cannot read {path}: {error.strerror or error}") from error
            try:
                decoded = registry.decode_bytes(data)
                result = registry.parse_text(decoded.text, format_name)
            except FormatError as error:
                raise FormatError(f"{Path(path).name}: {error}", tried=error.tried) from error
            # A guessed encoding is named in the result, with the file it concerns.
            result = registry.with_encoding_warning(result, decoded, Path(path).name)
            parsed.append((path, decoded.text, result))
        if not parsed:
            raise UserInputError("no files to import")
        changes = ChangeSet()
        added = skipped = merged = already = 0
        fills: list[MergeRecord] = []
        collected: set[ReferenceId] = set()
        with self.database.writing(serialised=True) as repo:
            for path, text, result in parsed:
                imported = self._import_into(
                    repo,
                    result,
                    raw_input=text,
                    method=method,
                    source_name=Path(path).name,
                    selected=None,
                    collection=collection,
                )
                changes = changes.merged_with(imported.changes)
                added += imported.added
                skipped += imported.skipped
                merged += imported.merged
                fills.extend(imported.fills)
                already += imported.already_in_library
                collected.update(imported.collected)
        results = [result for _, _, result in parsed]
        combined = ParseResult(
            format_name=", ".join(dict.fromkeys(r.format_name for r in results)),
            format_label=", ".join(dict.fromkeys(r.format_label for r in results)),
            entries=tuple(e for r in results for e in r.entries),
            skipped=tuple(d for r in results for d in r.skipped),
            warnings=tuple(d for r in results for d in r.warnings),
            tried=tuple(dict.fromkeys(t for r in results for t in r.tried)),
        )
        return ImportOutcome(
            changes,
            combined,
            added=added,
            skipped=skipped,
            merged=merged,
            fills=tuple(fills),
            already_in_library=already,
            collected=tuple(sorted(collected)),
            collection=collection,
        )

    @_announced
    def import_parsed(
        self,
        result: ParseResult,
        *,
        raw_input: str,
        method: ImportMethod,
        source_name: str = "",
        selected: Sequence[int] | None = None,
        collection: CollectionId | None = None,
        merge_into: Mapping[int, ReferenceId] | None = None,
        replacing: Iterable[int] = (),
        skip_possible: bool = False,
    ) -> ImportOutcome:
        """Import the entries of a parse as one batch, never adding a paper twice.

        With ``selected`` None every entry is checked for duplicates (``check_duplicates``):
        a duplicate of a stored reference, or of an earlier entry, is not added again but
        fills that reference's empty fields (title, DOI, pages…), which its provenance
        records; possible duplicates are added unless ``skip_possible``. Otherwise a person
        has decided in the preview: the ``selected`` entries are added and each entry in
        ``merge_into`` (entry index -> reference id) fills that reference instead. Filling
        never replaces what the reference holds (``peerref.core.merging.fill_in``), except
        for the entries in ``replacing``, whose richer or different values replace the
        stored ones (a poorer value never does): the person chose "Replace with the
        incoming values" for them.

        Importing into a ``collection`` also puts there the stored references that the
        entries not added duplicate (or were merged into): whoever drops a page on a
        collection expects the collection to hold every paper of that page.

        The batch keeps ``raw_input`` verbatim and each reference keeps its entry's raw
        text, so the original can always be shown next to what was read from it.
        """
        # Serialised: two people importing the same page at once end with one copy.
        with self.database.writing(serialised=True) as repo:
            imported = self._import_into(
                repo,
                result,
                raw_input=raw_input,
                method=method,
                source_name=source_name,
                selected=selected,
                collection=collection,
                merge_into=merge_into,
                replacing=replacing,
                skip_possible=skip_possible,
            )
        return ImportOutcome(
            imported.changes,
            result,
            added=imported.added,
            skipped=imported.skipped,
            merged=imported.merged,
            fills=imported.fills,
            already_in_library=imported.already_in_library,
            collected=imported.collected,
            collection=collection,
        )

    @staticmethod
    def _import_into(
        repo: Repository,
        result: ParseResult,
        *,
        raw_input: str,
        method: ImportMethod,
        source_name: str,
        selected: Sequence[int] | None,
        collection: CollectionId | None,
        merge_into: Mapping[int, ReferenceId] | None = None,
        replacing: Iterable[int] = (),
        skip_possible: bool = False,
    ) -> _Imported:
        """Import one parse result as one batch, catching duplicates (see ``import_parsed``)."""
        entries = result.entries
        count = len(entries)
        merges = dict(merge_into or {})
        replacing = frozenset(replacing)
        bad = [i for i in [*(selected or ()), *merges, *replacing] if not 0 <= i < count]
        if bad:
            raise UserInputError(f"no parsed entry number {bad[0]} to import")
        stray = sorted(set(replacing) - set(merges))
        if stray:
            raise UserInputError(
                f"entry {stray[0]} replaces values only when it is merged into a reference"
            )
        into_entry: dict[int, int] = {}
        if selected is None:
            repo.fill_dedupe_keys(repo.unkeyed_ids())
            statuses = _entry_statuses(repo, [entry.reference for entry in entries])
            adding = [
                s.index
                for s in statuses
                if s.mark is EntryMark.NEW or (s.mark is EntryMark.POSSIBLE and not skip_possible)
            ]
            added_set = set(adding)
            for status in statuses:
                target = status
                while target.mark is EntryMark.DUPLICATE and target.entry_index is not None:
                    if target.entry_index in added_set:
                        into_entry[status.index] = target.entry_index
                        break
                    target = statuses[target.entry_index]
                else:
                    if target.mark is EntryMark.DUPLICATE and target.existing_id is not None:
                        merges.setdefault(status.index, target.existing_id)
        else:
            adding = [i for i in dict.fromkeys(selected) if i not in merges]
        repo.require(merges.values())
        # Entries not added that stand for a stored reference: merged or already there.
        matched = dict(merges)
        adding_set = set(adding)
        unused = [i for i in range(count) if i not in matched and i not in adding_set]
        if selected is not None and unused:
            repo.fill_dedupe_keys(repo.unkeyed_ids())
            statuses = _entry_statuses(repo, [entry.reference for entry in entries])
            for i in unused:
                stored = _stored_match(statuses, i, adding_set)
                if stored is not None:
                    matched[i] = stored

        new_refs = {
            i: entries[i].reference.with_changes(
                id=None, added=None, modified=None, trashed=False, collection_ids=()
            )
            for i in adding
        }
        # (receiving entry or stored id, fields, merged entry) for the provenance records.
        entry_events: list[tuple[int, tuple[str, ...], int]] = []
        for i, j in into_entry.items():
            new_refs[j], fields = fill_from(new_refs[j], entries[i].reference)
            if fields:
                entry_events.append((j, fields, i))
        before = {ref.id: ref for ref in repo.get_references(sorted(set(merges.values())))}
        current = dict(before)
        stored_events: list[tuple[ReferenceId, tuple[str, ...], int]] = []
        for i, ref_id in merges.items():
            current[ref_id], fields = fill_from(
                current[ref_id], entries[i].reference, replace=i in replacing
            )
            if fields:
                stored_events.append((ref_id, fields, i))
        merged = len(entry_events) + len(stored_events)
        now = _now()
        batch_id = repo.add_batch(
            created=now,
            method=method,
            format_name=result.format_name,
            raw_input=raw_input,
            source_name=source_name,
            found=count,
            added=len(adding),
            skipped=count - len(adding) - merged,
            merged=merged,
        )
        if not result.page.is_empty:
            review_store.set_search_page(
                repo.session,
                batch_id,
                query=result.page.query,
                hit_count=result.page.hit_count,
                hit_text=result.page.hit_text,
            )
        ids = repo.add_references(
            [
                NewReference(new_refs[i], batch_id=batch_id, source_text=entries[i].raw_text)
                for i in adding
            ],
            now=now,
            collection=collection,
        )
        id_of_entry = dict(zip(adding, ids, strict=True))
        changed_ids = sorted({ref_id for ref_id, _, _ in stored_events})
        for ref_id in changed_ids:
            repo.update_reference(current[ref_id], now=now)
        # As stored (tags cleaned, versions raised): what an undo expects to find.
        after = {ref.id: ref for ref in repo.get_references(changed_ids)} if changed_ids else {}
        event_ids: dict[ReferenceId, list[int]] = {}
        targets = [(id_of_entry[j], f, i) for j, f, i in entry_events] + stored_events
        for ref_id, fields, i in targets:
            event_ids.setdefault(ref_id, []).append(
                repo.add_merge_event(
                    ref_id,
                    now=now,
                    merged_reference_id=None,
                    batch_id=batch_id,
                    fields=fields,
                    description=describe(entries[i].reference),
                    source_text=entries[i].raw_text,
                )
            )
        fills = tuple(
            MergeRecord(
                kept_id=ref_id,
                kept_before=before[ref_id],
                kept_after=after[ref_id],
                event_ids=tuple(event_ids[ref_id]),
            )
            for ref_id in changed_ids
        )
        collected: list[ReferenceId] = []
        if collection is not None and matched:
            collected = sorted(repo.add_members(collection, sorted(set(matched.values()))))
        filling = {i for _, _, i in stored_events}
        already = sum(1 for i in matched if i not in filling)
        changes = ChangeSet(
            added=frozenset(ids),
            updated=frozenset(changed_ids) | frozenset(collected),
            batch_id=batch_id,
            tags_changed=any(ref.tags for ref in new_refs.values()),
            collections_changed=collection is not None,
            collection_ids=frozenset() if collection is None else frozenset({collection}),
        )
        return _Imported(
            changes,
            len(ids),
            count - len(ids) - merged,
            merged,
            fills,
            already_in_library=already,
            collected=tuple(collected),
        )

    def batches(self) -> list[ImportBatch]:
        """Every import batch, newest first."""
        with self.database.reading() as repo:
            return repo.batches()

    def batch(self, batch_id: BatchId) -> ImportBatch:
        with self.database.reading() as repo:
            return repo.batch(batch_id)

    # -- duplicates and merges ------------------------------------------------------------

    def _ensure_dedupe_keys(self) -> None:
        """Compute the blocking keys of references that have none (an upgraded library)."""
        with self.database.reading() as repo:
            missing = repo.unkeyed_ids()
        if missing:
            with self.database.writing() as repo:
                repo.fill_dedupe_keys(repo.unkeyed_ids())

    def duplicate_groups(self) -> list[DuplicateGroup]:
        """Groups of references outside the trash that describe one work, for review.

        "Not duplicates" decisions are respected: a dismissed pair never links a group.
        The groups are ``find_groups``'s over every reference outside the trash, but only
        the pairs a ``GroupScreen`` picks from the stored keys and titles are read and
        compared: 100,000 references take about a second, not a quarter of a minute.
        """
        self._ensure_dedupe_keys()
        # The screen makes some hundreds of thousands of small tuples and strings, none
        # of them in reference cycles; each of the cyclic collector's passes it sets off
        # walks the whole heap (a fifth of the time at 100,000 references). Memory is
        # still freed by reference counting meanwhile.
        collecting = gc.isenabled()
        gc.disable()
        try:
            with self.database.reading() as repo:
                screen = GroupScreen(repo.filed_keys())
                pairs = screen.pairs(repo.titles(screen.needs_titles))
                wanted = sorted({i for pair in pairs for i in pair})
                references = repo.comparable_references(wanted)
                dismissed = repo.dismissed_pairs()
            return find_groups_among(references, pairs, dismissed)
        finally:
            if collecting:
                gc.enable()

    def dismissed_pairs(self) -> frozenset[DismissedPair]:
        """Every "not duplicates" decision stored in the library."""
        with self.database.reading() as repo:
            return repo.dismissed_pairs()

    @_announced
    def dismiss_duplicates(
        self, ids: Iterable[ReferenceId]
    ) -> tuple[frozenset[DismissedPair], ChangeSet]:
        """Say "not duplicates" for every pair of these references, for good.

        Returns the pairs that were not dismissed before (what ``undo_dismissal`` takes
        back) and a change set naming the references, whose duplicate status changed.
        """
        wanted = list(dict.fromkeys(ids))
        if len(wanted) < 2:
            raise UserInputError("name at least two references that are not duplicates")
        with self.database.writing() as repo:
            new = repo.add_dismissals(all_pairs(wanted), now=_now())
        pairs = frozenset(frozenset(pair) for pair in new)
        return pairs, ChangeSet(updated=frozenset(wanted))

    @_announced
    def undo_dismissal(self, pairs: Iterable[DismissedPair]) -> ChangeSet:
        """Forget "not duplicates" decisions (the undo of ``dismiss_duplicates``)."""
        listed = [tuple(sorted(pair)) for pair in pairs]
        with self.database.writing() as repo:
            repo.remove_dismissals((first, second) for first, second in listed)
        return ChangeSet(updated=frozenset(i for pair in listed for i in pair))

    def check_duplicates(self, result: ParseResult) -> list[EntryStatus]:
        """How each parsed entry relates to the library, for the import preview.

        Each entry is new, a duplicate (of a stored reference, or of an earlier entry of
        the same input), or a possible duplicate; a duplicate of a stored reference says
        which of its empty fields the entry would fill.
        """
        self._ensure_dedupe_keys()
        with self.database.reading() as repo:
            return _entry_statuses(repo, [entry.reference for entry in result.entries])

    def suggest_keep(self, ids: Sequence[ReferenceId]) -> ReferenceId:
        """The most complete of these references: the default one to keep when merging."""
        references = self.get_many(ids)
        if not references:
            raise NotFoundError("none of these references is in the library")
        best = max(references, key=lambda ref: (_completeness(ref), -(ref.id or 0)))
        assert best.id is not None
        return best.id

    @_announced
    def merge(
        self,
        keep: ReferenceId,
        others: Sequence[ReferenceId],
        choices: Mapping[str, ReferenceId] | None = None,
    ) -> tuple[MergeRecord, ChangeSet]:
        """Merge ``others`` into ``keep``; the others go to the trash.

        Fields follow ``peerref.core.dedupe.merge_references`` (``choices`` maps a field to
        the reference to take it from). The notes, tags, collections and merge history of
        the others move to the kept reference, and each merged reference is recorded in
        its provenance. The returned ``MergeRecord`` is what ``unmerge`` needs to undo it.

        Raises:
            UserInputError: nothing to merge, or a choice names another reference.
            NotFoundError: an id is not in the library.
        """
        other_ids = [i for i in dict.fromkeys(others) if i != keep]
        if not other_ids:
            raise UserInputError("name at least one other reference to merge into the kept one")
        now = _now()
        with self.database.writing(serialised=True) as repo:
            repo.require([keep, *other_ids])
            kept, *merged_refs = repo.get_references([keep, *other_ids])
            combined = merge_references(kept, merged_refs, choices or {})
            repo.update_reference(combined, now=now)
            (kept_after,) = repo.get_references([keep])
            added_collections = tuple(
                c for c in combined.collection_ids if c not in kept.collection_ids
            )
            for collection_id in added_collections:
                repo.add_members(collection_id, [keep])
            note_owners = repo.note_owners(other_ids)
            repo.reassign_notes(dict.fromkeys(note_owners, keep))
            event_owners = repo.merge_event_owners(other_ids)
            repo.reassign_merge_events(dict.fromkeys(event_owners, keep))
            event_ids: list[int] = []
            taken: set[str] = set()
            for other in merged_refs:
                assert other.id is not None
                fields = [
                    name
                    for name in MERGEABLE_FIELDS
                    if name not in taken
                    and getattr(combined, name) != getattr(kept, name)
                    and getattr(combined, name) == getattr(other, name)
                ]
                taken.update(fields)
                event_ids.append(
                    repo.add_merge_event(
                        keep,
                        now=now,
                        merged_reference_id=other.id,
                        batch_id=other.batch_id,
                        fields=fields,
                        description=describe(other),
                        source_text=other.source_text,
                    )
                )
            trashed = repo.set_trashed(other_ids, True)
        record = MergeRecord(
            kept_id=keep,
            kept_before=kept,
            kept_after=kept_after,
            merged_ids=tuple(other_ids),
            trashed_ids=tuple(sorted(trashed)),
            note_owners=note_owners,
            event_owners=event_owners,
            event_ids=tuple(event_ids),
            added_collections=added_collections,
        )
        changes = ChangeSet(
            updated=frozenset({keep}),
            trashed=frozenset(trashed),
            notes_changed=frozenset({keep, *note_owners.values()}) if note_owners else frozenset(),
            tags_changed=True,
            collections_changed=bool(added_collections),
            collection_ids=frozenset(added_collections),
        )
        return record, changes

    @_announced
    def unmerge(self, record: MergeRecord) -> ChangeSet:
        """Undo a merge (or an import's filling of a reference) from its ``MergeRecord``.

        The kept reference gets its fields, tags and collections back, the moved notes and
        merge history return to their references, and the merged ones leave the trash.
        Only the fields the merge changed are written back, and only if nobody changed
        them since (a team library): an edit made after the merge is never undone with it.

        Raises:
            NotFoundError: a reference involved was deleted for good since.
            ConflictError: someone changed a field the merge had filled; nothing was undone.
        """
        action = "undoing the merge" if record.merged_ids else "undoing the import's filling"
        with self.database.writing() as repo:
            repo.require([record.kept_id, *record.merged_ids])
            repo.write_back(
                record.kept_id,
                values=record.kept_before,
                expected=record.kept_after,
                action=action,
                now=_now(),
            )
            restored = repo.set_trashed(record.trashed_ids, False)
            repo.reassign_notes(record.note_owners)
            repo.reassign_merge_events(record.event_owners)
            repo.delete_merge_events(record.event_ids)
            for collection_id in record.added_collections:
                repo.remove_members(collection_id, [record.kept_id])
        return ChangeSet(
            updated=frozenset({record.kept_id}),
            restored=frozenset(restored),
            notes_changed=frozenset({record.kept_id, *record.note_owners.values()})
            if record.note_owners
            else frozenset(),
            tags_changed=True,
            collections_changed=bool(record.added_collections),
            collection_ids=frozenset(record.added_collections),
        )

    @_announced
    def refill(
        self, record: MergeRecord, filled: Reference, events: Sequence[MergeEvent]
    ) -> tuple[MergeRecord, ChangeSet]:
        """Fill a reference in again after ``unmerge`` took an import's filling back (redo).

        ``filled`` is the reference as the import left it and ``events`` the provenance
        records the import wrote (``merge_history`` before the undo): both are written
        back, so a redone import reads as the original one did. Returns the record that
        undoes this again (the provenance records get new ids).

        Only the fields the undo took back are filled again, and only if nobody filled or
        changed them since.

        Raises:
            UserInputError: the record is of a merge of references (redo that with ``merge``).
            NotFoundError: the reference was deleted for good since.
            ConflictError: someone changed a field the filling would write; nothing was redone.
        """
        if record.merged_ids or filled.id != record.kept_id:
            raise UserInputError("only an import's filling of one reference can be redone")
        with self.database.writing() as repo:
            repo.require([record.kept_id])
            (before,) = repo.get_references([record.kept_id])
            repo.write_back(
                record.kept_id,
                values=filled,
                expected=record.kept_before,
                action="redoing the import's filling",
                now=_now(),
            )
            event_ids = tuple(
                repo.add_merge_event(
                    record.kept_id,
                    now=event.created,
                    merged_reference_id=event.merged_reference_id,
                    batch_id=event.batch_id,
                    fields=event.fields,
                    description=event.description,
                    source_text=event.source_text,
                )
                for event in events
            )
            (after,) = repo.get_references([record.kept_id])
        redone = replace(record, kept_before=before, kept_after=after, event_ids=event_ids)
        changes = ChangeSet(
            updated=frozenset({record.kept_id}), tags_changed=before.tags != filled.tags
        )
        return redone, changes

    def merge_history(self, ref_id: ReferenceId) -> list[MergeEvent]:
        """What was merged into a reference (its provenance beyond its own import), oldest first."""
        with self.database.reading() as repo:
            return repo.merge_events(ref_id)

    # -- collections ----------------------------------------------------------------------

    def collections(self) -> list[Collection]:
        """All collections, ordered by parent then position (top level first)."""
        with self.database.reading() as repo:
            return repo.collections()

    def collection_by_name(self, name: str) -> Collection:
        """A collection by name, or by a "Parent/Child" path when no name matches whole.

        Letter case is ignored. NotFoundError when nothing (or more than one) matches.
        """
        wanted = name.strip()
        everything = self.collections()
        by_name = [c for c in everything if c.name.casefold() == wanted.casefold()]
        if len(by_name) == 1:
            return by_name[0]
        if len(by_name) > 1:
            raise NotFoundError(
                f"several collections are named {wanted!r}; give the path, e.g. Parent/{wanted}"
            )
        parent: CollectionId | None = None
        found: Collection | None = None
        for part in (p.strip() for p in wanted.split("/")):
            found = next(
                (
                    c
                    for c in everything
                    if c.parent_id == parent and c.name.casefold() == part.casefold()
                ),
                None,
            )
            if found is None:
                break
            parent = found.id
        if found is None:
            raise NotFoundError(f"no collection named {wanted!r}")
        return found

    @_announced
    def add_collection(
        self, name: str, parent: CollectionId | None = None
    ) -> tuple[Collection, ChangeSet]:
        """Create a collection at the end of its parent's children."""
        with self.database.writing() as repo:
            created = repo.add_collection(name, parent)
        return created, ChangeSet(collections_changed=True, collection_ids=frozenset({created.id}))

    @_announced
    def rename_collection(self, cid: CollectionId, name: str) -> ChangeSet:
        with self.database.writing() as repo:
            repo.rename_collection(cid, name)
        return ChangeSet(collections_changed=True, collection_ids=frozenset({cid}))

    @_announced
    def move_collection(self, cid: CollectionId, parent: CollectionId | None) -> ChangeSet:
        """Move a collection under another (or to the top level); refuses cycles."""
        with self.database.writing() as repo:
            repo.move_collection(cid, parent)
        touched = {cid} if parent is None else {cid, parent}
        return ChangeSet(collections_changed=True, collection_ids=frozenset(touched))

    @_announced
    def delete_collection(self, cid: CollectionId) -> ChangeSet:
        """Delete a collection and its subcollections; the references stay in the library."""
        with self.database.writing() as repo:
            gone, members = repo.delete_collection(cid)
        return ChangeSet(
            updated=frozenset(ReferenceId(i) for i in members),
            collections_changed=True,
            collection_ids=frozenset(gone),
        )

    @_announced
    def add_to_collection(self, cid: CollectionId, ids: Iterable[ReferenceId]) -> ChangeSet:
        with self.database.writing() as repo:
            added = repo.add_members(cid, list(ids))
        return ChangeSet(
            updated=frozenset(added), collections_changed=True, collection_ids=frozenset({cid})
        )

    @_announced
    def remove_from_collection(self, cid: CollectionId, ids: Iterable[ReferenceId]) -> ChangeSet:
        """Take references out of a collection (they stay in the library)."""
        with self.database.writing() as repo:
            removed = repo.remove_members(cid, list(ids))
        return ChangeSet(
            updated=frozenset(removed), collections_changed=True, collection_ids=frozenset({cid})
        )

    def collection_counts(self) -> Mapping[CollectionId, int]:
        """References outside the trash directly in each collection."""
        with self.database.reading() as repo:
            return repo.collection_counts()

    # -- tags -----------------------------------------------------------------------------

    @_announced
    def tag(
        self, ids: Iterable[ReferenceId], *, add: Sequence[str] = (), remove: Sequence[str] = ()
    ) -> ChangeSet:
        """Add and remove tags on references (names compare without regard to case)."""
        with self.database.writing() as repo:
            changed = repo.change_tags(list(ids), add=add, remove=remove, now=_now())
        return ChangeSet(updated=frozenset(changed), tags_changed=bool(changed))

    # -- notes ----------------------------------------------------------------------------

    def notes(self, ref_id: ReferenceId) -> list[Note]:
        """A reference's notes, oldest first."""
        with self.database.reading() as repo:
            return repo.notes(ref_id)

    @_announced
    def add_note(self, ref_id: ReferenceId, text: str) -> tuple[Note, ChangeSet]:
        with self.database.writing() as repo:
            note = repo.add_note(ref_id, text, now=_now())
        return note, ChangeSet(notes_changed=frozenset({ref_id}))

    @_announced
    def add_notes(self, notes: Sequence[tuple[ReferenceId, str]]) -> ChangeSet:
        """Add many notes in one transaction: (reference id, markdown text) pairs."""
        with self.database.writing() as repo:
            touched = repo.add_notes(notes, now=_now())
        return ChangeSet(notes_changed=frozenset(touched))

    @_announced
    def update_note(self, note_id: NoteId, text: str) -> ChangeSet:
        with self.database.writing() as repo:
            ref_id = repo.update_note(note_id, text, now=_now())
        return ChangeSet(notes_changed=frozenset({ref_id}))

    @_announced
    def delete_note(self, note_id: NoteId) -> ChangeSet:
        with self.database.writing() as repo:
            ref_id = repo.delete_note(note_id)
        return ChangeSet(notes_changed=frozenset({ref_id}))

    # -- maintenance ----------------------------------------------------------------------

    def backup(self, destination: Path | None = None) -> Path:
        """Write a consistent copy of the library (SQLite backup API) and return its path.

        Without ``destination`` the copy goes to the backup folder; a folder as
        ``destination`` receives a file named after the library and the time.
        """
        return self.database.backup(None if destination is None else Path(destination).expanduser())

    @staticmethod
    def restore_backup(
        backup_file: Path, library_file: Path, *, backup_dir: Path | None = None
    ) -> None:
        """Replace a (closed) library with a backup, keeping the replaced file first.

        The replaced library is saved in ``backup_dir`` (default: ``backups`` next to
        the library) so a restore can itself be undone.

        Raises:
            NotFoundError: the backup does not exist.
            LibraryFileError: the backup is damaged or not a PeerRef library.
            NewerLibraryError: the backup comes from a newer PeerRef.
        """
        library_file = Path(library_file).expanduser().absolute()
        folder = backup_dir if backup_dir is not None else library_file.parent / BACKUP_DIR_NAME
        Database.restore(Path(backup_file).expanduser(), library_file, folder)

    def copy_into(self, target: Library) -> CopyOutcome:
        """Copy this library into ``target``: every reference with its notes, tags,
        collections, provenance, merges and reviews, under the target's own ids.

        One transaction in the target. Run again, it adds only what is new since; copied
        back into the library it came from, it recognises that library's own rows.

        Raises:
            UserInputError: both are the same library.
        """
        with self.database.reading() as source, target.database.writing(serialised=True) as dest:
            counts = copy_library(source.connection, dest.connection)
        return CopyOutcome(dict(counts.added), dict(counts.already))

    def search_index_needs_tidying(self) -> bool:
        """Whether the search index is in more segments than ``tidy_search_index`` leaves."""
        return self.database.search_index_segments() > search_store.TIDY_ABOVE_SEGMENTS

    def tidy_search_index(
        self, *, force: bool = False, should_stop: Callable[[], bool] | None = None
    ) -> SearchIndexTidied:
        """Merge the search index into one segment, a short transaction at a time.

        Why: the full-text index grows by a segment per import and merges only eight of a
        kind at a time, so a library built by many imports is in twenty or more, and each
        word searched is looked up in every one: at 1,000,000 references a page of one
        common word costs three times what it does in a tidy index. Each step merges a few
        MB and commits, so a write of the window or the CLI waits a fraction of a second
        at most; ``should_stop`` is asked between steps (the window stops when it
        closes). Only when the index is in more than ``TIDY_ABOVE_SEGMENTS`` segments,
        unless ``force``. Nothing to do for a team library (one GIN index).
        """
        before = self.database.search_index_segments()
        if before <= 1 or not (force or before > search_store.TIDY_ABOVE_SEGMENTS):
            return SearchIndexTidied(before, before, 0)
        steps = 0
        while True:
            if should_stop is not None and should_stop():
                return SearchIndexTidied(before, self.database.search_index_segments(), steps, True)
            if not self.database.tidy_search_index_step():
                break
            steps += 1
        return SearchIndexTidied(before, self.database.search_index_segments(), steps)

    def stats(self) -> LibraryStats:
        with self.database.reading() as repo:
            by_type = repo.counts_by_type()
            trashed = repo.trash_count()
            collections = repo.collection_count()
            batches = repo.batch_count()
            tags = repo.tag_count()
            notes = repo.note_count()
        size = self.database.size_bytes()
        return LibraryStats(
            references=sum(by_type.values()),
            trashed=trashed,
            collections=collections,
            tags=tags,
            notes=notes,
            batches=batches,
            file_bytes=size,
            by_type=by_type,
        )


# -- duplicates: helpers of the import and the merge ----------------------------------------


class EntryMark(enum.StrEnum):
    """How a parsed entry relates to the library, as the import preview marks it."""

    NEW = "new"
    DUPLICATE = "duplicate"  # skipped (or filling empty fields) unless the person decides
    POSSIBLE = "possible"  # imported unless the person merges it


@dataclass(frozen=True, slots=True)
class EntryStatus:
    """One parsed entry's duplicate status (``Library.check_duplicates``).

    Attributes:
        index: the entry's position in the parse result.
        mark: new, duplicate or possible duplicate.
        existing_id: the stored reference it duplicates (or may), if any.
        entry_index: the earlier entry of the same input it duplicates, if that is the match.
        reasons: why (``peerref.core.dedupe.Reason`` codes).
        fills: the empty fields of ``existing_id`` this entry would fill in.
        replaces: the fields where the entry's value is richer than, or different from,
            the stored one (never poorer): replaced only if the person chooses to.
        identical: the entry reads exactly as the record it duplicates (the same page
            pasted again), which makes a duplicate even where the rules alone would only
            say "possible" (an untitled entry without its journal, for instance).
    """

    index: int
    mark: EntryMark
    existing_id: ReferenceId | None = None
    entry_index: int | None = None
    reasons: tuple[Reason, ...] = ()
    fills: tuple[str, ...] = ()
    identical: bool = False
    replaces: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class MergeRecord:
    """Everything needed to undo a merge (``Library.unmerge``).

    Attributes:
        kept_id: the reference that received the others' fields.
        kept_before: that reference as it was before, with its tags and collections.
        kept_after: that reference as the merge stored it: what an undo expects to find.
        merged_ids: the references merged into it (none when an import filled it).
        trashed_ids: those of them the merge moved to the trash.
        note_owners: notes moved to the kept reference, with the reference each came from.
        event_owners: merge history moved to the kept reference, with its former owner.
        event_ids: the provenance records this merge wrote.
        added_collections: collections the kept reference joined through the merge.
    """

    kept_id: ReferenceId
    kept_before: Reference
    kept_after: Reference
    merged_ids: tuple[ReferenceId, ...] = ()
    trashed_ids: tuple[ReferenceId, ...] = ()
    note_owners: Mapping[NoteId, ReferenceId] = field(default_factory=dict)
    event_owners: Mapping[int, ReferenceId] = field(default_factory=dict)
    event_ids: tuple[int, ...] = ()
    added_collections: tuple[CollectionId, ...] = ()


def describe(reference: Reference) -> str:
    """A short label of a record for provenance: "Repper (2012) Peer support workers…"."""
    creators = reference.authors or reference.creators
    first = creators[0].family_with_particle() or creators[0].literal if creators else ""
    year = reference.issued.year or "n.d."
    title = reference.title or f"[untitled] {reference.abstract_text[:60]}".rstrip()
    label = f"{first} ({year}) {title}".strip()
    return label if len(label) <= 160 else label[:159] + "…"


def _completeness(reference: Reference) -> int:
    """How many bibliographic fields a record fills completely (not cut short)."""
    truncated = {name.replace("-", "_") for name in reference.truncated}
    if truncated & {"author", "authors", "creators"}:
        truncated.add("creators")
    empty: tuple[object, ...] = (None, "", (), frozenset())
    return sum(
        1
        for name in MERGEABLE_FIELDS
        if getattr(reference, name) not in empty
        and getattr(reference, name) != PartialDate()
        and name not in truncated
    )


def fill_from(
    existing: Reference, incoming: Reference, *, replace: bool = False
) -> tuple[Reference, tuple[str, ...]]:
    """``existing`` with the empty or cut-short fields that ``incoming`` completes.

    What an import does with a duplicate entry: only gaps are filled, nothing the library
    holds is replaced by another source's wording — unless ``replace``, when richer and
    different values are taken too; a poorer value never is (see
    ``peerref.core.merging``). Returns the new record and the names of the changed fields.
    """
    return fill_in(existing, _incoming_values(incoming), replace=replace)


def _incoming_values(incoming: Reference) -> Reference:
    """An entry without library fields of its own, as it is weighed against a stored record."""
    return incoming.with_changes(
        id=None, tags=(), collection_ids=(), added=None, reading_status=None, rating=None
    )


# What makes two records read the same: every bibliographic field, not the library's own.
_RECORD_FIELDS = tuple(
    name for name in MERGEABLE_FIELDS if name not in {"tags", "reading_status", "rating"}
)


def same_record(first: Reference, second: Reference) -> bool:
    """Every bibliographic field of the two records is the same."""
    return all(getattr(first, name) == getattr(second, name) for name in _RECORD_FIELDS)


def _stored_match(
    statuses: Sequence[EntryStatus], position: int, adding: set[int]
) -> ReferenceId | None:
    """The stored reference an entry duplicates, through the earlier entries it repeats.

    None when the entry is new or only a possible duplicate, or when it repeats an entry
    that is being added (it then stands for that new reference, not a stored one).
    """
    status = statuses[position]
    while status.mark is EntryMark.DUPLICATE:
        if status.existing_id is not None:
            return status.existing_id
        if status.entry_index is None or status.entry_index in adding:
            return None
        status = statuses[status.entry_index]
    return None


def _entry_statuses(repo: Repository, references: Sequence[Reference]) -> list[EntryStatus]:
    """Duplicate statuses of incoming references against the library and each other.

    Only the stored references that share a blocking key with an incoming one are read
    (the store keeps the keys indexed), so checking 1,000 entries against 100,000
    references reads a few hundred rows rather than the whole library.
    """
    probes = [reference.with_changes(id=None) for reference in references]
    index = DuplicateIndex(repo.duplicate_candidates(probes))
    entry_of: dict[int, int] = {}
    statuses: list[EntryStatus] = []
    possibles: dict[int, list[ReferenceId]] = {}
    for position, probe in enumerate(probes):
        found = index.candidates(probe)
        best = found[0] if found else None
        if best is not None and not best.match.is_duplicate:
            # The same entry again is a duplicate whatever the rules could prove.
            twin = next(
                (c for c in found if c.id is None and same_record(c.reference, probe)),
                None,
            )
            if twin is not None:
                statuses.append(
                    EntryStatus(
                        position,
                        EntryMark.DUPLICATE,
                        entry_index=entry_of[id(twin.reference)],
                        reasons=twin.match.reasons,
                        identical=True,
                    )
                )
                index.add(probe)
                entry_of[id(probe)] = position
                continue
            # Only the strongest few are read in full to compare as records.
            possibles[position] = [c.id for c in found[:3] if c.id is not None]
        if best is None:
            statuses.append(EntryStatus(position, EntryMark.NEW))
        else:
            mark = EntryMark.DUPLICATE if best.match.is_duplicate else EntryMark.POSSIBLE
            statuses.append(
                EntryStatus(
                    position,
                    mark,
                    existing_id=best.id,
                    entry_index=None if best.id is not None else entry_of[id(best.reference)],
                    reasons=best.match.reasons,
                )
            )
        index.add(probe)
        entry_of[id(probe)] = position
    # A possible duplicate that reads exactly as a stored record is that record again.
    stored_possible = {
        ref.id: ref
        for ref in repo.get_references(sorted({i for ids in possibles.values() for i in ids}))
    }
    for position, ids in possibles.items():
        twin_id = next(
            (i for i in ids if same_record(stored_possible[i], references[position])), None
        )
        if twin_id is not None:
            statuses[position] = replace(
                statuses[position],
                mark=EntryMark.DUPLICATE,
                existing_id=twin_id,
                entry_index=None,
                identical=True,
            )
    matched = sorted({s.existing_id for s in statuses if s.existing_id is not None})
    stored = {ref.id: ref for ref in repo.get_references(matched)}
    for position, status in enumerate(statuses):
        if status.existing_id in stored:
            held = stored[status.existing_id]
            _, fills = fill_from(held, references[position])
            offered = field_changes(held, _incoming_values(references[position]))
            statuses[position] = replace(status, fills=fills, replaces=offered.replaces)
    return statuses
