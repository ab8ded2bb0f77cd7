"""The reference table: a lazy, paged view of the library's sorted and filtered id list.

Follows anki's browser table model (STYLE.md #3): the model keeps the ordered list of ids the
store returned and a bounded cache of row summaries, loaded a page at a time when a view asks
for a row it has not seen. Sorting and filtering are the store's job; the model never holds
all the rows of a large library and never sorts in Python.
"""

from __future__ import annotations

import enum
import logging
from bisect import bisect_left, insort
from collections import OrderedDict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from PySide6.QtCore import (
    QAbstractTableModel,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRunnable,
    Qt,
    QThreadPool,
    Signal,
    Slot,
)
from PySide6.QtGui import QFont, QGuiApplication, QPalette

from peerref.core.changes import ChangeSet
from peerref.core.errors import PeerRefError
from peerref.core.model import BatchId, CollectionId, ReferenceId, ReferenceType
from peerref.gui import icons
from peerref.gui.clipboard import REFERENCE_IDS_MIME, set_reference_ids
from peerref.gui.long_text import TABLE_DISPLAY_LIMIT, bounded_text
from peerref.gui.models.roles import Role
from peerref.library import Library, ReferenceSummary, SortKey

log = logging.getLogger(__name__)

UNTITLED_PREFIX = "[untitled] "
_UNTITLED_WORDS = 12

ModelIndex = QModelIndex | QPersistentModelIndex

TYPE_LABELS: dict[ReferenceType, str] = {
    ReferenceType.ARTICLE_JOURNAL: "Journal article",
    ReferenceType.CHAPTER: "Book chapter",
    ReferenceType.BOOK: "Book",
    ReferenceType.PAPER_CONFERENCE: "Conference paper",
    ReferenceType.REPORT: "Report",
    ReferenceType.THESIS: "Thesis",
    ReferenceType.PREPRINT: "Preprint",
    ReferenceType.WEBPAGE: "Web page",
    ReferenceType.DATASET: "Dataset",
    ReferenceType.OTHER: "Document",
    ReferenceType.ARTICLE_MAGAZINE: "Magazine article",
    ReferenceType.ARTICLE_NEWSPAPER: "Newspaper article",
    ReferenceType.BILL: "Bill",
    ReferenceType.BROADCAST: "Broadcast",
    ReferenceType.CLASSIC: "Classic work",
    ReferenceType.COLLECTION: "Collection",
    ReferenceType.ENTRY: "Entry",
    ReferenceType.ENTRY_DICTIONARY: "Dictionary entry",
    ReferenceType.ENTRY_ENCYCLOPEDIA: "Encyclopedia entry",
    ReferenceType.EVENT: "Event",
    ReferenceType.FIGURE: "Figure",
    ReferenceType.GRAPHIC: "Image",
    ReferenceType.HEARING: "Hearing",
    ReferenceType.INTERVIEW: "Interview",
    ReferenceType.LEGAL_CASE: "Legal case",
    ReferenceType.LEGISLATION: "Legislation",
    ReferenceType.MANUSCRIPT: "Manuscript",
    ReferenceType.MAP: "Map",
    ReferenceType.MOTION_PICTURE: "Film",
    ReferenceType.MUSICAL_SCORE: "Musical score",
    ReferenceType.PAMPHLET: "Pamphlet",
    ReferenceType.PATENT: "Patent",
    ReferenceType.PERFORMANCE: "Performance",
    ReferenceType.PERIODICAL: "Periodical",
    ReferenceType.PERSONAL_COMMUNICATION: "Personal communication",
    ReferenceType.POST: "Forum post",
    ReferenceType.POST_WEBLOG: "Blog post",
    ReferenceType.REGULATION: "Regulation",
    ReferenceType.REVIEW: "Review",
    ReferenceType.REVIEW_BOOK: "Book review",
    ReferenceType.SOFTWARE: "Software",
    ReferenceType.SONG: "Song or recording",
    ReferenceType.SPEECH: "Speech or presentation",
    ReferenceType.STANDARD: "Standard",
    ReferenceType.TREATY: "Treaty",
}
"""A readable name for every CSL item type (the table's Type column, the type picker)."""

COMMON_TYPES: tuple[ReferenceType, ...] = (
    ReferenceType.ARTICLE_JOURNAL,
    ReferenceType.BOOK,
    ReferenceType.CHAPTER,
    ReferenceType.PAPER_CONFERENCE,
    ReferenceType.REPORT,
    ReferenceType.THESIS,
    ReferenceType.PREPRINT,
    ReferenceType.WEBPAGE,
    ReferenceType.DATASET,
    ReferenceType.OTHER,
)
"""The types most references are: the picker lists them first, then the rest A to Z."""


class Column(enum.IntEnum):
    """The table's columns, in their default order."""

    AUTHORS = 0
    YEAR = 1
    TITLE = 2
    SOURCE = 3
    TYPE = 4
    ADDED = 5

    @property
    def label(self) -> str:
        return _COLUMN_LABELS[self]

    @property
    def sort_key(self) -> SortKey:
        return _COLUMN_SORT_KEYS[self]


_COLUMN_LABELS = {
    Column.AUTHORS: "Authors",
    Column.YEAR: "Year",
    Column.TITLE: "Title",
    Column.SOURCE: "Source",
    Column.TYPE: "Type",
    Column.ADDED: "Added",
}
_COLUMN_SORT_KEYS = {
    Column.AUTHORS: SortKey.AUTHOR,
    Column.YEAR: SortKey.YEAR,
    Column.TITLE: SortKey.TITLE,
    Column.SOURCE: SortKey.SOURCE,
    Column.TYPE: SortKey.TYPE,
    Column.ADDED: SortKey.ADDED,
}


@dataclass(frozen=True, slots=True)
class Listing:
    """Which references the table lists: a search plus at most one sidebar filter."""

    query: str = ""
    collection: CollectionId | None = None
    tag: str | None = None
    batch: BatchId | None = None
    unfiled: bool = False
    trash: bool = False

    def with_query(self, query: str) -> Listing:
        return replace(self, query=query)


def untitled_label(abstract_start: str) -> str:
    """ "[untitled] " and the first words of the abstract, so untitled rows can be told apart."""
    words = abstract_start.split()
    if not words:
        return UNTITLED_PREFIX.strip()
    start = " ".join(words[:_UNTITLED_WORDS])
    return f"{UNTITLED_PREFIX}{start}…"


def format_added(added: datetime) -> str:
    """ "22 Nov 2026": unambiguous in every locale, short enough for a column."""
    return f"{added.day} {added:%b %Y}"


class _IdRelay(QObject):
    """Lives in the UI thread; the loader emits through it, so the slot runs queued there."""

    loaded = Signal(int, object)


class _RowIndex:
    """The row of each id in the model's list, cheap to keep across removals and sorts.

    Why not a plain dict rebuilt after each change: at a million rows the rebuild alone
    takes the UI thread hundreds of milliseconds. The dict is built once for a list (on
    the pool thread for a full load); rows removed since are kept apart, sorted, so a
    lookup costs a bisect. A sort puts its first page on top of the rows shown until the
    whole list in the new order is in: that list is indexed by ``raised``, a page-sized
    head over the index of the list before (``base``, never changed again), with the
    page's old rows counted as removed. Any other change to the list (an insertion, a
    full new order) makes a new index.
    """

    __slots__ = ("_base", "_head", "_removed")

    def __init__(
        self, base: dict[ReferenceId, int] | _RowIndex, head: dict[ReferenceId, int] | None = None
    ) -> None:
        # Never changed once made: a pool thread may have built it, or it is the index of
        # the list a sort's first page was raised over.
        self._base = base
        self._head = head or {}  # ids on top of the list, and their rows
        self._removed: list[int] = []  # rows of ``_base`` since removed, ascending

    @classmethod
    def of(cls, ids: Sequence[ReferenceId]) -> _RowIndex:
        return cls(dict(zip(ids, range(len(ids)), strict=True)))

    def _base_row(self, ref_id: ReferenceId) -> int | None:
        base = self._base
        return base.row(ref_id) if isinstance(base, _RowIndex) else base.get(ref_id)

    def row(self, ref_id: ReferenceId) -> int | None:
        head = self._head
        if head:
            top = head.get(ref_id)
            if top is not None:
                return top
        original = self._base_row(ref_id)
        if original is None:
            return None
        before = bisect_left(self._removed, original)
        if before < len(self._removed) and self._removed[before] == original:
            return None
        return len(head) + original - before

    def raised(self, page: Sequence[ReferenceId]) -> tuple[_RowIndex, list[int]]:
        """The index of ``page`` followed by this list without the page's ids.

        Also returns the rows the page's ids had in this list (ascending), which the
        model cuts out of its list. This index is the new one's base from then on, so
        it must not change again.
        """
        raised = _RowIndex(self, {ref_id: row for row, ref_id in enumerate(page)})
        raised._removed = sorted(row for ref_id in page if (row := self.row(ref_id)) is not None)
        return raised, list(raised._removed)

    def forget(self, ref_ids: Iterable[ReferenceId]) -> None:
        """These ids' rows were removed from the list."""
        head = self._head
        if head:
            ref_ids = list(ref_ids)
            if any(ref_id in head for ref_id in ref_ids):
                gone = set(ref_ids)
                kept = sorted((row, ref_id) for ref_id, row in head.items() if ref_id not in gone)
                self._head = {ref_id: row for row, (_old, ref_id) in enumerate(kept)}
        originals = sorted(
            row
            for ref_id in ref_ids
            if ref_id not in head and (row := self._base_row(ref_id)) is not None
        )
        if len(originals) <= 8:
            for original in originals:
                insort(self._removed, original)
        elif not self._removed or originals[0] > self._removed[-1]:
            self._removed.extend(originals)
        else:
            self._removed = sorted(self._removed + originals)  # two sorted runs: linear


@dataclass(frozen=True, slots=True)
class _RefreshPlan:
    """How to turn the rows shown into a newly read id list, worked out off the UI thread.

    Removals come first (rows shown), then, when the kept rows changed order, a new
    layout (``kept_order``, with ``kept_rows`` for moving persistent indexes), then the
    insertions (rows of ``ids``). ``rows`` indexes the result.
    """

    ids: list[ReferenceId]
    removed_rows: list[int]
    kept_order: list[ReferenceId] | None
    kept_rows: dict[ReferenceId, int] | None
    inserted_rows: list[int]
    rows: dict[ReferenceId, int]


def _plan_refresh(old: list[ReferenceId], ids: list[ReferenceId]) -> _RefreshPlan:
    """The removals, new layout and insertions that turn ``old`` into ``ids``.

    ``old`` is the model's own list, read here while the UI thread may change it; the
    model then drops the plan (its list version moved on), so only iteration is used on
    it (never an index that could have gone).
    """
    rows = dict(zip(ids, range(len(ids)), strict=True))
    old_set = set(old)
    removed_rows = [row for row, ref_id in enumerate(old) if ref_id not in rows]
    kept = [ref_id for ref_id in old if ref_id in rows]
    kept_in_new_order = [ref_id for ref_id in ids if ref_id in old_set]
    moved = kept != kept_in_new_order
    return _RefreshPlan(
        ids=ids,
        removed_rows=removed_rows,
        kept_order=kept_in_new_order if moved else None,
        kept_rows=dict(zip(kept_in_new_order, range(len(kept_in_new_order)), strict=True))
        if moved
        else None,
        inserted_rows=[row for row, ref_id in enumerate(ids) if ref_id not in old_set],
        rows=rows,
    )


class _FullIdLoad(QRunnable):
    """Reads a listing's whole id list on a pool thread and hands it to the UI thread.

    Why not ``BackgroundOp``: this load is not an operation the user started, so it has
    no progress dialog and no error box; a failure leaves the rows showing and is logged.
    The difference from the rows shown (``shown``) is worked out here too, so the UI
    thread only moves rows. ``generation`` lets the model drop the answer of a
    superseded search.
    """

    def __init__(
        self,
        generation: int,
        read: Callable[[], list[ReferenceId]],
        shown: list[ReferenceId],
        relay: _IdRelay,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._generation = generation
        self._read = read
        self._shown = shown
        self._relay = relay

    def run(self) -> None:
        plan: _RefreshPlan | None
        try:
            plan = _plan_refresh(self._shown, self._read())
        except Exception:  # a pool thread has nobody to raise to: log it, keep the rows
            log.exception("could not read the full id list of the reference table")
            plan = None
        try:
            self._relay.loaded.emit(self._generation, plan)
        except RuntimeError:  # the model was destroyed while the list was read
            log.debug("full id list read after its table model was destroyed")


class ReferenceTableModel(QAbstractTableModel):
    """Rows of the reference table, one per id of the current listing.

    Holds the ids of the listing (cheap: integers) and at most ``cache_limit`` summaries,
    loaded ``page_size`` at a time.

    A new search or sort shows its first page at once: the store answers "the first
    ``page_size`` ids in this order" far faster than "every id" when a search matches
    hundreds of thousands of references. The whole id list is then read on a pool thread
    and swapped in (rows appended after the first page), so the UI never waits for it;
    a newer search supersedes a load still running (its answer is dropped).

    Library changes arrive as a ``ChangeSet`` and never make the UI thread read a long id
    list either. What the change set says for certain is shown at once: edited rows are
    re-read from their summaries (only the rows a view asks for), rows deleted or moved
    out of the Trash listing leave. Membership and order are the store's to decide, so
    the id list is then re-read on the pool thread and the difference becomes row
    removals and insertions (added rows appear then), keeping selections by id. That
    difference is worked out on the pool thread too, against the rows shown when the read
    began. A change arriving while a read runs is not lost: a fresh read follows it, and
    the older answer is used meanwhile only if no row left since (never bringing a
    deleted reference back). Only a listing of at most a page is re-read at once, with
    the same bounded query as a first page.
    """

    listing_changed = Signal()
    """The listed ids changed (filter, search, sort or library change): counts are stale."""

    full_listing_loaded = Signal()
    """The whole id list of the current listing is in (after a first page shown alone,
    or after a library change re-read it in the background)."""

    rows_about_to_refresh = Signal()
    """Rows are about to be removed, inserted or moved to follow a library change."""

    rows_refreshed = Signal()
    """Rows followed a library change (after ``rows_about_to_refresh``): views may put
    back the row they showed at the top."""

    def __init__(
        self,
        library: Library,
        parent: QObject | None = None,
        *,
        page_size: int = 200,
        cache_limit: int = 2000,
        thread_pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._page_size = page_size
        self._cache_limit = max(cache_limit, page_size)
        self._listing = Listing()
        self._sort_column = Column.ADDED
        self._sort_order = Qt.SortOrder.DescendingOrder
        self._ids: list[ReferenceId] = []
        self._index: _RowIndex | None = None  # built when first asked for
        self._version = 0  # moves on with every change to ``_ids``
        self._cache: OrderedDict[ReferenceId, ReferenceSummary] = OrderedDict()
        self._summaries_loaded = 0
        self._drag_mime: Callable[[Sequence[ReferenceId]], QMimeData] | None = None
        self._pool = thread_pool or QThreadPool.globalInstance()
        self._relay = _IdRelay(self)
        self._relay.loaded.connect(self._on_full_ids)
        self._generation = 0
        # The generation of the full read whose answer is awaited (None: the list is in).
        self._awaited: int | None = None
        # Changes arrived while that read ran: its answer may be stale, read again after.
        self._changed_during_load = False
        # Ids that left the listing since that read began: never put back from its answer.
        self._gone_during_load: set[ReferenceId] = set()
        self._loaded_version = 0  # ``_version`` when the awaited full read began
        first, complete = self._query_first_page()
        self._ids = first
        if not complete:
            self._start_full_load()

    # --- what is listed ---------------------------------------------------------------

    @property
    def listing(self) -> Listing:
        return self._listing

    @property
    def sort_column(self) -> Column:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return self._sort_order

    def set_listing(self, listing: Listing) -> None:
        """List other references (a sidebar entry or search was chosen): a model reset."""
        if listing == self._listing:
            return
        self._listing = listing
        new_ids, complete = self._query_first_page()
        self._supersede_full_load()
        self.beginResetModel()
        self._set_ids(new_ids)
        self.endResetModel()
        if not complete:
            self._start_full_load()
        self.listing_changed.emit()

    def set_query(self, query: str) -> None:
        """Filter by what was typed in the search field (the store's query language)."""
        self.set_listing(self._listing.with_query(query))

    def reload(self) -> None:
        """Re-read everything, forgetting cached rows (after an undo of unknown extent).

        The rows on screen repaint from fresh summaries at once; the id list follows as
        after any library change (in the background unless the listing fits a page).
        """
        self._cache.clear()
        self.apply_changes(ChangeSet(), force=True)
        if self._ids:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(self._ids) - 1, len(Column) - 1), _CHANGED_ROLES
            )

    @property
    def is_complete(self) -> bool:
        """Whether the id list is in and current (False while a full read is awaited)."""
        return self._awaited is None

    def _listing_reader(self) -> Callable[[int | None], list[ReferenceId]]:
        """A function reading the ids of the listing as it is now, sorted as shown.

        Everything it needs is captured at once: the background full load runs it while
        the model may already have moved on to another search or sort.
        """
        library, listing = self._library, self._listing
        sort = self._sort_column.sort_key
        descending = self._sort_order == Qt.SortOrder.DescendingOrder

        def read(limit: int | None) -> list[ReferenceId]:
            return library.search_ids(
                listing.query,
                collection=listing.collection,
                tag=listing.tag,
                batch=listing.batch,
                unfiled=listing.unfiled,
                trash=listing.trash,
                sort=sort,
                descending=descending,
                limit=limit,
            )

        return read

    def _query_ids(self, limit: int | None = None) -> list[ReferenceId]:
        return self._listing_reader()(limit)

    def _query_first_page(self) -> tuple[list[ReferenceId], bool]:
        """The first page of the listing, and whether it is the whole listing.

        One id more than a page is asked for: a listing that fits in a page (most
        searches of a personal library) is then complete at once, with no second read.
        """
        ids = self._query_ids(limit=self._page_size + 1)
        if len(ids) <= self._page_size:
            return ids, True
        return ids[: self._page_size], False

    def _supersede_full_load(self) -> None:
        """Forget any full load still running: its answer belongs to an older listing."""
        self._awaited = None
        self._changed_during_load = False
        self._gone_during_load.clear()

    def _start_full_load(self) -> None:
        """Read the listing's every id on the pool thread; a load still awaited is dropped.

        The read starts after every change the model has been told of, so its answer
        already holds them: nothing arrived "during" it yet.
        """
        self._generation += 1
        self._awaited = self._generation
        self._changed_during_load = False
        self._gone_during_load.clear()
        read = self._listing_reader()
        self._loaded_version = self._version
        self._pool.start(_FullIdLoad(self._generation, lambda: read(None), self._ids, self._relay))

    @Slot(int, object)
    def _on_full_ids(self, generation: int, plan: _RefreshPlan | None) -> None:
        if generation != self._awaited:
            return  # a newer search or sort superseded this load
        self._awaited = None
        read_again = self._changed_during_load
        if plan is not None:
            gone = self._gone_during_load
            usable = self._version == self._loaded_version and not any(
                ref_id in plan.rows for ref_id in gone
            )
            if usable:
                self._follow(plan)
            elif not read_again:
                # Cannot happen as things are (a change that moved rows meanwhile also
                # asked for a fresh read), but the answer must never bring back the gone.
                self.rows_about_to_refresh.emit()
                self._merge([ref_id for ref_id in plan.ids if ref_id not in gone])
                self.rows_refreshed.emit()
            # else: rows left this listing while it was read; the fresh read shows the rest.
        if read_again:
            # Changes came in while this read ran; what it missed comes with the next.
            self._start_full_load()
        else:
            self._supersede_full_load()
            self.full_listing_loaded.emit()
        self.listing_changed.emit()

    def _follow(self, plan: _RefreshPlan) -> None:
        """Carry out a plan worked out on the pool thread: rows moved, nothing re-read."""
        if not plan.removed_rows and plan.kept_order is None and not plan.inserted_rows:
            self._index = _RowIndex(plan.rows)
            return
        # Only appended rows (a first page shown alone, then the rest): nothing moves, so
        # the selection and the scroll position stay where they are without help.
        appended = not plan.removed_rows and plan.kept_order is None
        appended = appended and plan.inserted_rows[0] == len(self._ids)
        if not appended:
            self.rows_about_to_refresh.emit()
        self._index = None
        for first, last in reversed(_runs(plan.removed_rows)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._ids[first : last + 1]
            self._version += 1
            self.endRemoveRows()
        if plan.kept_order is not None:
            self._relayout(plan.kept_order, plan.kept_rows)
            self._index = None  # indexes the kept rows only: stale once rows go in
        for first, last in _runs(plan.inserted_rows):
            self.beginInsertRows(QModelIndex(), first, last)
            self._ids[first:first] = plan.ids[first : last + 1]
            self._version += 1
            self.endInsertRows()
        self._index = _RowIndex(plan.rows)
        if not appended:
            self.rows_refreshed.emit()

    # --- rows and ids -----------------------------------------------------------------

    def reference_id(self, row: int) -> ReferenceId:
        return self._ids[row]

    def reference_ids(self) -> list[ReferenceId]:
        """Every listed id in order (a copy: ids only, never summaries)."""
        return list(self._ids)

    def ids_for_indexes(self, indexes: Iterable[ModelIndex]) -> list[ReferenceId]:
        """The distinct ids of some indexes, in row order."""
        rows = sorted({index.row() for index in indexes if index.isValid()})
        return [self._ids[row] for row in rows if 0 <= row < len(self._ids)]

    def row_of(self, ref_id: ReferenceId) -> int | None:
        """The row listing ``ref_id``, or None when the current listing does not show it."""
        if self._index is None:
            self._index = _RowIndex.of(self._ids)
        return self._index.row(ref_id)

    def summary(self, row: int) -> ReferenceSummary:
        """The summary of a row, loading its page from the library when not cached."""
        ref_id = self._ids[row]
        cached = self._cache.get(ref_id)
        if cached is not None:
            self._cache.move_to_end(ref_id)
            return cached
        self._load_page(row)
        return self._cache[ref_id]

    def is_row_loaded(self, row: int) -> bool:
        """Whether a row's summary is in memory (without loading it)."""
        return 0 <= row < len(self._ids) and self._ids[row] in self._cache

    @property
    def cached_row_count(self) -> int:
        """How many summaries are in memory now (bounded by the cache limit)."""
        return len(self._cache)

    @property
    def summaries_loaded(self) -> int:
        """How many summaries were read from the library since the model was made."""
        return self._summaries_loaded

    def _load_page(self, row: int) -> None:
        start = (row // self._page_size) * self._page_size
        wanted = [i for i in self._ids[start : start + self._page_size] if i not in self._cache]
        if self._ids[row] not in wanted:
            wanted.append(self._ids[row])
        try:
            loaded = self._library.summaries(wanted)
        except PeerRefError:
            # Painting must not fail: the rows show empty and the error is logged once per page.
            log.exception(
                "could not read rows %d-%d of the reference table", start, start + len(wanted)
            )
            loaded = []
        self._summaries_loaded += len(loaded)
        for summary in loaded:
            self._cache[summary.id] = summary
        if self._ids[row] not in self._cache:
            # Deleted behind our back (another window or process): show an empty row rather
            # than fail inside paint; the next change set removes it.
            self._cache[self._ids[row]] = _missing_summary(self._ids[row])
        while len(self._cache) > self._cache_limit:
            self._cache.popitem(last=False)

    # --- Qt model interface -----------------------------------------------------------

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(Column)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> object:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(Column):
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return Column(section).label
        return None

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsDragEnabled
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or index.row() >= len(self._ids):
            return None
        if role == Role.REFERENCE_ID:
            return self._ids[index.row()]
        if role not in _ROLES_WITH_DATA:
            return None
        summary = self.summary(index.row())
        column = Column(index.column())
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return _display_text(summary, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(summary, column)
        if role == Role.SORT:
            return _sort_value(summary, column)
        if role == Role.SUMMARY:
            return summary
        if role == Role.INCOMPLETE:
            return summary.incomplete
        if column is Column.TITLE and not summary.title:
            if role == Qt.ItemDataRole.ForegroundRole:
                return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
            if role == Qt.ItemDataRole.FontRole:
                font = QFont()
                font.setItalic(True)
                return font
        if role == Qt.ItemDataRole.DecorationRole and column is Column.TITLE:
            return icons.icon("incomplete") if summary.incomplete else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column is Column.YEAR:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Ask the store for the ids in the new order; rows keep their selection.

        A long listing costs the UI thread a page, not the listing: the new first page
        goes on top of the rows shown, cut out of them by slices, and the row index is
        the old one under a page-sized head (``_RowIndex.raised``), never rebuilt here.
        """
        if not 0 <= column < len(Column):
            return
        self._sort_column = Column(column)
        self._sort_order = order
        first, complete = self._query_first_page()
        self._supersede_full_load()
        if complete:
            self._relayout(first)
        else:
            # The new first page on top, the other rows below in their old order until
            # the full list arrives: every selected row keeps its id meanwhile.
            if self._index is None:
                self._index = _RowIndex.of(self._ids)  # a burst of removals dropped it
            index, old_rows = self._index.raised(first)
            self._relayout(_cut_rows(first, self._ids, old_rows), row_index=index)
            self._start_full_load()
        self.listing_changed.emit()

    # --- drag and drop ----------------------------------------------------------------

    def set_drag_mime(self, make: Callable[[Sequence[ReferenceId]], QMimeData] | None) -> None:
        """Let the clipboard code build drags (citations, a .ris file, and the ids)."""
        self._drag_mime = make

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.LinkAction

    def mimeTypes(self) -> list[str]:
        return [REFERENCE_IDS_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = self.ids_for_indexes(indexes)
        if self._drag_mime is not None and ids:
            return self._drag_mime(ids)
        mime = QMimeData()
        set_reference_ids(mime, ids)
        return mime

    # --- refreshing from library changes ----------------------------------------------

    def apply_changes(self, changes: ChangeSet, *, force: bool = False) -> None:
        """Bring the rows up to date after a library write, as row moves rather than a reset.

        Never reads more than a page of ids here, on the UI thread: rows the change set
        removes from this listing leave at once, updated rows are re-read when painted,
        and the id list (membership, order, added rows) is re-read in the background.
        """
        listing = self._listing
        filters_active = bool(
            listing.query or listing.collection or listing.tag or listing.batch or listing.unfiled
        )
        must_requery = (
            force
            or changes.references_changed
            or (filters_active and (changes.tags_changed or changes.collections_changed))
            or (bool(listing.query) and bool(changes.notes_changed))
        )
        for ref_id in changes.updated | changes.removed | changes.trashed | changes.restored:
            self._cache.pop(ref_id, None)
        gone = changes.removed | (changes.restored if listing.trash else changes.trashed)
        listed_gone = {ref_id for ref_id in gone if self.row_of(ref_id) is not None}
        refreshing = bool(listed_gone) or must_requery
        if refreshing:
            self.rows_about_to_refresh.emit()
        if listed_gone:
            self._remove_ids(listed_gone)
        if self._awaited is not None:
            self._gone_during_load |= gone
        if must_requery:
            self._requery()
        if refreshing:
            self.rows_refreshed.emit()
        self._emit_updated(changes.updated | changes.notes_changed)
        if refreshing:
            self.listing_changed.emit()

    def _requery(self) -> None:
        """Re-read the id list after a change: at once if it fits a page, else in the background."""
        if self._awaited is not None:
            self._changed_during_load = True  # the read running now may have missed it
            return
        if len(self._ids) > self._page_size:
            self._start_full_load()
            return
        first, complete = self._query_first_page()
        if complete:
            self._merge(first)
            return
        # It grew past a page (an import): the new first page on top at once, the rows
        # listed before below it until the whole list arrives.
        on_top = set(first)
        self._merge(first + [ref_id for ref_id in self._ids if ref_id not in on_top])
        self._start_full_load()

    def _remove_ids(self, ref_ids: set[ReferenceId]) -> None:
        """Remove the rows of these ids (the change set says they left the listing)."""
        rows = sorted(row for ref_id in ref_ids if (row := self.row_of(ref_id)) is not None)
        runs = _runs(rows)
        # Kept up to date run by run, the index stays right for whoever asks in between;
        # past a few hundred runs rebuilding it once when next asked is cheaper.
        keep_index = len(runs) <= _MAX_RUNS_KEEPING_INDEX
        for first, last in reversed(runs):
            self.beginRemoveRows(QModelIndex(), first, last)
            removed = self._ids[first : last + 1]
            del self._ids[first : last + 1]
            self._version += 1
            if self._index is not None and keep_index:
                self._index.forget(removed)
            else:
                self._index = None
            self.endRemoveRows()

    def _merge(self, new_ids: list[ReferenceId]) -> None:
        new_set = set(new_ids)
        gone_rows = [row for row, ref_id in enumerate(self._ids) if ref_id not in new_set]
        for first, last in reversed(_runs(gone_rows)):
            self.beginRemoveRows(QModelIndex(), first, last)
            del self._ids[first : last + 1]
            self._version += 1
            self._index = None
            self.endRemoveRows()
        kept = set(self._ids)
        kept_in_new_order = [ref_id for ref_id in new_ids if ref_id in kept]
        if kept_in_new_order != self._ids:
            self._relayout(kept_in_new_order)
        new_rows = [row for row, ref_id in enumerate(new_ids) if ref_id not in kept]
        for first, last in _runs(new_rows):
            self.beginInsertRows(QModelIndex(), first, last)
            self._ids[first:first] = new_ids[first : last + 1]
            self._version += 1
            self._index = None
            self.endInsertRows()

    def _relayout(
        self,
        new_ids: list[ReferenceId],
        rows: dict[ReferenceId, int] | None = None,
        *,
        row_index: _RowIndex | None = None,
    ) -> None:
        """Same rows, new order: move persistent indexes (selection) with their ids.

        ``rows`` indexes ``new_ids`` when a pool thread already built it, or ``row_index``
        when a sort raised its first page over the old one; the list is then taken as
        it is (not copied). Without either, the index is built when first asked.
        """
        self.layoutAboutToBeChanged.emit()
        old_persistent = self.persistentIndexList()
        old_ids = [
            self._ids[index.row()] if 0 <= index.row() < len(self._ids) else None
            for index in old_persistent
        ]
        if rows is not None:
            row_index = _RowIndex(rows)
        self._set_ids(new_ids if row_index is not None else list(new_ids), row_index)
        new_persistent = []
        for index, ref_id in zip(old_persistent, old_ids, strict=True):
            row = self.row_of(ref_id) if ref_id is not None else None
            new_persistent.append(
                self.index(row, index.column()) if row is not None else QModelIndex()
            )
        self.changePersistentIndexList(old_persistent, new_persistent)
        self.layoutChanged.emit()

    def _set_ids(self, ids: list[ReferenceId], index: _RowIndex | None = None) -> None:
        self._ids = ids
        self._index = index
        self._version += 1

    def _emit_updated(self, ref_ids: Iterable[ReferenceId]) -> None:
        rows = sorted(row for ref_id in ref_ids if (row := self.row_of(ref_id)) is not None)
        for first, last in _runs(rows):
            self.dataChanged.emit(
                self.index(first, 0), self.index(last, len(Column) - 1), _CHANGED_ROLES
            )


_MAX_RUNS_KEEPING_INDEX = 256


def _cut_rows(
    page: list[ReferenceId], ids: list[ReferenceId], rows: Sequence[int]
) -> list[ReferenceId]:
    """``page`` followed by ``ids`` without ``rows`` (ascending): copied slice by slice.

    A page's worth of slices over a million ids is a few memory copies; testing each
    id against the page would be a million Python steps on the UI thread.
    """
    result = list(page)
    start = 0
    for row in rows:
        result += ids[start:row]
        start = row + 1
    result += ids[start:]
    return result


def _runs(rows: Sequence[int]) -> list[tuple[int, int]]:
    """Sorted rows grouped into (first, last) runs of consecutive rows."""
    runs: list[tuple[int, int]] = []
    for row in rows:
        if runs and runs[-1][1] == row - 1:
            runs[-1] = (runs[-1][0], row)
        else:
            runs.append((row, row))
    return runs


_ROLES_WITH_DATA = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.ToolTipRole,
        Qt.ItemDataRole.ForegroundRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.DecorationRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Role.SORT,
        Role.SUMMARY,
        Role.INCOMPLETE,
    }
)
_CHANGED_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.ForegroundRole,
    Qt.ItemDataRole.FontRole,
    Qt.ItemDataRole.DecorationRole,
    Role.SORT,
    Role.SUMMARY,
    Role.INCOMPLETE,
]


def _display_text(summary: ReferenceSummary, column: Column) -> str:
    # Cells hold a bounded text: eliding a megabyte-long title on every paint froze the view.
    if column is Column.AUTHORS:
        return bounded_text(summary.authors, TABLE_DISPLAY_LIMIT)
    if column is Column.YEAR:
        return str(summary.year) if summary.year is not None else ""
    if column is Column.TITLE:
        return bounded_text(
            summary.title or untitled_label(summary.abstract_start), TABLE_DISPLAY_LIMIT
        )
    if column is Column.SOURCE:
        return bounded_text(summary.source, TABLE_DISPLAY_LIMIT)
    if column is Column.TYPE:
        return TYPE_LABELS.get(summary.type, str(summary.type))
    return format_added(summary.added)


def _tooltip(summary: ReferenceSummary, column: Column) -> str | None:
    if column is Column.TITLE:
        text = bounded_text(
            summary.title or untitled_label(summary.abstract_start), 3 * TABLE_DISPLAY_LIMIT
        )
        if summary.incomplete:
            text += "\nIncomplete: missing title or year, or the source cut a field short."
        return text
    text = _display_text(summary, column)
    return text or None


def _sort_value(summary: ReferenceSummary, column: Column) -> object:
    if column is Column.YEAR:
        return summary.year if summary.year is not None else 0
    if column is Column.ADDED:
        return summary.added.isoformat()
    return _display_text(summary, column).casefold()


def _missing_summary(ref_id: ReferenceId) -> ReferenceSummary:
    return ReferenceSummary(
        id=ref_id,
        authors="",
        year=None,
        title="",
        abstract_start="",
        source="",
        type=ReferenceType.OTHER,
        added=datetime.fromtimestamp(0).astimezone(),
        incomplete=True,
        trashed=False,
    )
