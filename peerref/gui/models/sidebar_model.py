"""The sidebar: library sections, import batches, the collections tree and tags with counts.

Like anki's browser sidebar (STYLE.md #4), the tree is made of plain :class:`SidebarNode`
objects built from library reads; :class:`SidebarModel` only adapts that tree to Qt. Edits
and drops are not performed here: the model emits signals and the window turns them into
undoable library operations.

Counting is not free on a large library (about four COUNT queries: ~100 ms at 200,000
references, ~450 ms at a million), so the counts of a large library are read on a pool
thread, as the reference table reads a long id list (issue 16): at window open its
entries are shown at once without counts, and after a change the old counts stay shown
until the new ones are in. A newly read tree is followed with row insertions, removals
and moves, never a reset, so an open rename editor, the selection and what is expanded
stay as they were.
"""

from __future__ import annotations

import dataclasses
import enum
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import shiboken6
from PySide6.QtCore import (
    QAbstractItemModel,
    QByteArray,
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
from PySide6.QtGui import QGuiApplication, QPalette

from peerref.core.errors import PeerRefError
from peerref.core.model import BatchId, Collection, CollectionId, ImportBatch
from peerref.formats import registry
from peerref.gui import icons
from peerref.gui.clipboard import REFERENCE_IDS_MIME, reference_ids_from_mime
from peerref.gui.models.reference_table import Listing, format_added
from peerref.gui.models.roles import Role
from peerref.library import Library

log = logging.getLogger(__name__)

COLLECTION_MIME = "application/x-peerref-collection-id"

# Up to this many references (listed and trashed), counts are read at once on the UI
# thread (a few milliseconds), at open and after a change, so a personal library's
# sidebar is right as soon as it is shown; above it they are read on a pool thread.
SYNC_COUNT_LIMIT = 5_000

# How many import batches "Recently imported" lists; older ones stay searchable.
RECENT_BATCHES = 20

ModelIndex = QModelIndex | QPersistentModelIndex

# The name (with icon) and, right-aligned, how many references the entry lists.
NAME_COLUMN = 0
COUNT_COLUMN = 1

_EXTERNAL_FORMATS = ("text/uri-list", "text/plain", "text/html")


class NodeKind(enum.Enum):
    """What a sidebar entry stands for."""

    ROOT = "root"
    LIBRARY = "library"
    UNFILED = "unfiled"
    RECENT = "recent"
    BATCH = "batch"
    TRASH = "trash"
    DUPLICATES = "duplicates"
    COLLECTIONS = "collections"
    COLLECTION = "collection"
    TAGS = "tags"
    TAG = "tag"


_HEADERS = frozenset({NodeKind.RECENT, NodeKind.COLLECTIONS, NodeKind.TAGS})


@dataclass(eq=False)
class SidebarNode:
    """One entry of the sidebar tree; plain data, no Qt."""

    kind: NodeKind
    name: str
    icon_name: str
    count: int | None = None
    collection_id: CollectionId | None = None
    parent_collection_id: CollectionId | None = None
    tag: str | None = None
    batch_id: BatchId | None = None
    tooltip: str = ""
    parent: SidebarNode | None = field(default=None, repr=False)
    children: list[SidebarNode] = field(default_factory=list, repr=False)

    def add(self, child: SidebarNode) -> SidebarNode:
        child.parent = self
        self.children.append(child)
        return child

    def row(self) -> int:
        if self.parent is None:
            return 0
        return next(i for i, sibling in enumerate(self.parent.children) if sibling is self)

    @property
    def key(self) -> tuple[str, object]:
        """Identity across rebuilds: the kind and the id, tag or batch it stands for."""
        value: object = self.collection_id or self.tag or self.batch_id
        return (self.kind.value, value)

    @property
    def is_header(self) -> bool:
        return self.kind in _HEADERS

    def listing(self) -> Listing | None:
        """The references this entry lists in the table; None for section headers."""
        match self.kind:
            case NodeKind.LIBRARY:
                return Listing()
            case NodeKind.UNFILED:
                return Listing(unfiled=True)
            case NodeKind.TRASH:
                return Listing(trash=True)
            case NodeKind.COLLECTION:
                return Listing(collection=self.collection_id)
            case NodeKind.TAG:
                return Listing(tag=self.tag)
            case NodeKind.BATCH:
                return Listing(batch=self.batch_id)
        return None

    def walk(self) -> Iterator[SidebarNode]:
        yield self
        for child in self.children:
            yield from child.walk()

    def is_within(self, other: SidebarNode) -> bool:
        node: SidebarNode | None = self
        while node is not None:
            if node is other:
                return True
            node = node.parent
        return False


def looks_like_file_name(name: str) -> bool:
    """ "refs.ris" is a file; "the clipboard" and "dropped text" are not."""
    stem, dot, suffix = name.rpartition(".")
    return bool(stem and dot and suffix and " " not in suffix and len(suffix) <= 6)


def format_label(format_name: str) -> str:
    """The reader's label without its aside: "RIS file", "Emerald Insight results page"."""
    try:
        label = registry.reader_named(format_name).label
    except PeerRefError:
        return format_name
    return re.sub(r"\s*\([^)]*\)\s*$", "", label) or format_name


def batch_source(batch: ImportBatch) -> str:
    """What an import came from, as a person names it: a file name or the kind of page."""
    if looks_like_file_name(batch.source_name):
        return batch.source_name
    return format_label(batch.format_name) or batch.source_name or batch.method.value


def _local_time(moment: datetime) -> datetime:
    return moment.astimezone() if moment.tzinfo is not None else moment


def batch_label(batch: ImportBatch, now: datetime | None = None, *, timed: bool = False) -> str:
    """ "peer-review.ris", "Emerald Insight page": what an import came from, briefly.

    The sidebar is narrow and the source is what tells imports apart, so the label is
    the source alone; ``timed`` adds when, as short as still useful (the hour today, the
    day this year, the full date before), for a source imported more than once. The
    count sits in the count column, the whole story in the tooltip, and the sidebar
    elides in the middle, so a long file name keeps its start and its extension.
    """
    source = batch_source(batch)
    if not looks_like_file_name(batch.source_name):
        source = re.sub(r" results page$", " page", source)
    if not timed:
        return source
    created = _local_time(batch.created)
    today = _local_time(now) if now is not None else datetime.now().astimezone()
    if created.date() == today.date():
        when = f"{created:%H:%M}"
    elif created.year == today.year:
        when = f"{created.day} {created:%b %H:%M}"
    else:
        when = f"{format_added(created)} {created:%H:%M}"
    return f"{source} · {when}"


def batch_tooltip(batch: ImportBatch) -> str:
    """The whole story of an import, for the entry's tooltip (its label may be cut off)."""
    created = _local_time(batch.created)
    noun = "reference" if batch.entries_added == 1 else "references"
    source = batch_source(batch)
    origin = batch.source_name if batch.source_name and batch.source_name != source else ""
    where = f"{source} ({origin})" if origin else source
    return (
        f"Imported {batch.entries_added} {noun} from {where}\n"
        f"on {format_added(created)} at {created:%H:%M}"
    )


def collection_paths(collections: Sequence[Collection]) -> dict[CollectionId, str]:
    """ "Parent/Child" path of every collection, for menus and the detail panel."""
    by_id = {c.id: c for c in collections}
    paths: dict[CollectionId, str] = {}

    def path(collection: Collection) -> str:
        if collection.id in paths:
            return paths[collection.id]
        parent = by_id.get(collection.parent_id) if collection.parent_id is not None else None
        text = f"{path(parent)}/{collection.name}" if parent is not None else collection.name
        paths[collection.id] = text
        return text

    for collection in collections:
        path(collection)
    return paths


def build_tree(
    *,
    library_count: int | None,
    unfiled_count: int | None,
    trash_count: int | None,
    batches: Sequence[ImportBatch],
    collections: Sequence[Collection],
    collection_counts: Mapping[CollectionId, int] | None,
    tags: Sequence[tuple[str, int | None]],
) -> SidebarNode:
    """The whole sidebar tree from library reads (pure: testable without a library).

    Counts not read yet are None (``collection_counts`` None: every collection's; a
    tag's count None), shown as an empty count column.
    """
    root = SidebarNode(NodeKind.ROOT, "", "")
    root.add(SidebarNode(NodeKind.LIBRARY, "My Library", "library", library_count))
    root.add(SidebarNode(NodeKind.UNFILED, "Unfiled", "unfiled", unfiled_count))
    recent = root.add(SidebarNode(NodeKind.RECENT, "Recently imported", "recent"))
    shown = batches[:RECENT_BATCHES]
    repeated = Counter(batch_label(batch) for batch in shown)
    for batch in shown:
        recent.add(
            SidebarNode(
                NodeKind.BATCH,
                batch_label(batch, timed=repeated[batch_label(batch)] > 1),
                "batch",
                batch.entries_added,
                batch_id=batch.id,
                tooltip=batch_tooltip(batch),
            )
        )
    root.add(SidebarNode(NodeKind.TRASH, "Trash", "trash", trash_count))
    # The groups are found on demand when the entry is chosen (see DuplicatesPanel).
    root.add(SidebarNode(NodeKind.DUPLICATES, "Duplicates", "duplicate"))
    header = root.add(SidebarNode(NodeKind.COLLECTIONS, "Collections", "collection"))
    nodes: dict[CollectionId, SidebarNode] = {}
    for collection in collections:
        nodes[collection.id] = SidebarNode(
            NodeKind.COLLECTION,
            collection.name,
            "collection",
            collection_counts.get(collection.id, 0) if collection_counts is not None else None,
            collection_id=collection.id,
            parent_collection_id=collection.parent_id,
        )
    for collection in collections:
        parent = nodes.get(collection.parent_id) if collection.parent_id is not None else None
        (parent or header).add(nodes[collection.id])
    tag_header = root.add(SidebarNode(NodeKind.TAGS, "Tags", "tags"))
    for name, count in sorted(tags, key=lambda item: item[0].casefold()):
        tag_header.add(SidebarNode(NodeKind.TAG, name, "tag", count, tag=name))
    return root


class _Superseded(Exception):  # noqa: N818 - a signal of intent, not an error condition
    """Raised between the reads of a tree nobody awaits any longer (newer read, closed)."""


def read_tree(library: Library, check: Callable[[], None] = lambda: None) -> SidebarNode:
    """Read the whole sidebar tree from ``library``, calling ``check`` before each read.

    ``check`` lets a read on a pool thread stop between its queries once its answer is
    no longer wanted (it raises), so a superseded or closed model costs at most the
    query under way, and no query starts on a library about to close.
    """
    check()
    library_count = library.count()
    check()
    unfiled_count = library.count(unfiled=True)
    check()
    trash_count = library.count(trash=True)
    check()
    batches = library.batches()
    check()
    collections = library.collections()
    check()
    collection_counts = library.collection_counts()
    check()
    tags = library.tags.counts()
    return build_tree(
        library_count=library_count,
        unfiled_count=unfiled_count,
        trash_count=trash_count,
        batches=batches,
        collections=collections,
        collection_counts=collection_counts,
        tags=tags,
    )


def read_names(library: Library) -> SidebarNode:
    """The sidebar tree without its counts, from short tables only (batches, collections,
    tag names).

    What a large library's window shows at once while ``read_tree`` runs on a pool
    thread. A tag used only in the trash is named here and goes when the counts come
    (``read_tree`` leaves such tags out, as ``TagManager.counts`` does).
    """
    return build_tree(
        library_count=None,
        unfiled_count=None,
        trash_count=None,
        batches=library.batches(),
        collections=library.collections(),
        collection_counts=None,
        tags=[(name, None) for name in library.tags.names()],
    )


def fits_sync_limit(library: Library, limit: int) -> bool:
    """Whether ``library`` holds at most ``limit`` references, listed and trashed.

    Two bounded id reads (at most ``limit + 1`` ids each, the store's first-page path),
    never a COUNT: telling a large library from a small one must not cost what counting
    it does.
    """
    listed = len(library.search_ids(limit=limit + 1))
    if listed > limit:
        return False
    return listed + len(library.search_ids(trash=True, limit=limit + 1 - listed)) <= limit


class _ReadToken:
    """Which background read the model awaits, readable from the pool thread.

    A plain object, not the model: the job may look at it after the model is gone.
    """

    __slots__ = ("closed", "generation")

    def __init__(self) -> None:
        self.generation = 0
        self.closed = False

    def wanted(self, generation: int) -> bool:
        return not self.closed and generation == self.generation

    def close(self) -> None:
        self.closed = True


class _TreeRelay(QObject):
    """Lives in the UI thread; the reader emits through it, so the slot runs queued there."""

    read = Signal(int, object)


class _TreeRead(QRunnable):
    """Reads the sidebar tree on a pool thread and hands it to the UI thread.

    Why not ``BackgroundOp``: like the table's full id load, this read is not an
    operation the user started (no progress dialog, no error box); a failure leaves the
    counts shown and is logged. ``generation`` lets the model drop a superseded answer.
    """

    def __init__(
        self, library: Library, generation: int, token: _ReadToken, relay: _TreeRelay
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._library = library
        self._generation = generation
        self._token = token
        self._relay = relay

    def _check(self) -> None:
        # A model deleted without ``close`` (its window went) takes its relay with it.
        if not self._token.wanted(self._generation) or not shiboken6.isValid(self._relay):
            raise _Superseded

    def run(self) -> None:
        try:
            tree = read_tree(self._library, self._check)
        except _Superseded:
            return  # a newer read, or a closed model: nobody wants this answer
        except Exception:  # a pool thread has nobody to raise to: log it, keep the counts
            if self._token.wanted(self._generation):
                log.exception("could not read the sidebar's counts")
            return
        try:
            self._relay.read.emit(self._generation, tree)
        except RuntimeError:  # the model was destroyed while the counts were read
            log.debug("sidebar counts read after their model was destroyed")


class SidebarModel(QAbstractItemModel):
    """Adapts the sidebar node tree to Qt views.

    Collections are editable (rename in place) and draggable (nesting); collections accept
    references dragged from the table and pages or files dragged from outside. Each of these
    becomes a signal for the window to act on.

    The UI thread never counts a large library. At open, above ``sync_limit``
    references, the entries are read from the short tables and shown without counts
    while the whole tree is read on a pool thread. ``refresh_counts`` (after references
    changed) re-reads the tree on a pool thread while the old counts stay shown, then
    applies it in place (rows inserted, removed or moved when entries came, went or
    moved). As in the reference table, one read runs at a time: a refresh asked for while
    one runs is not lost but follows it (the older answer, still newer than what is
    shown, is shown meanwhile), so changes coming faster than a count never starve the
    sidebar nor pile queries on the pool. A ``rebuild`` (read at once) supersedes a read
    under way: its answer is dropped and it stops before its next query. After ``close``
    nothing is read. A small library is read at once, so its counts are right as soon
    as it or the change is shown.
    """

    collection_rename_requested = Signal(int, str)
    """(collection id, new name): the user renamed a collection in place."""
    tag_rename_requested = Signal(str, str)
    """(old name, new name): the user renamed a tag in place (into another: a merge)."""
    collection_move_requested = Signal(int, object)
    """(collection id, new parent id or None): the user dragged a collection."""
    references_dropped = Signal(int, list)
    """(collection id, reference ids): references were dragged onto a collection."""
    external_dropped = Signal(QMimeData, object)
    """(a copy of the dropped data, collection id or None): a page or files were dropped."""
    counts_refreshed = Signal()
    """Newly read counts are shown (``is_refreshing`` says whether another read follows)."""

    def __init__(
        self,
        library: Library,
        parent: QObject | None = None,
        *,
        sync_limit: int | None = None,
        thread_pool: QThreadPool | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._sync_limit = SYNC_COUNT_LIMIT if sync_limit is None else sync_limit
        self._pool = thread_pool or QThreadPool.globalInstance()
        self._token = _ReadToken()
        self._awaited: int | None = None  # the generation of the read under way
        self._read_again = False  # a refresh was asked for while that read ran
        self._relay = _TreeRelay(self)
        self._relay.read.connect(self._on_tree_read)
        if fits_sync_limit(library, self._sync_limit):
            self._root = read_tree(library)
        else:
            self._root = read_names(library)
            self._start_read()

    # --- building -----------------------------------------------------------------------

    @property
    def is_refreshing(self) -> bool:
        """Whether counts are being read in the background (those shown may be stale)."""
        return self._awaited is not None

    def count_of(self, kind: NodeKind) -> int | None:
        """The count shown for a section (``LIBRARY``, ``UNFILED``, ``TRASH``).

        None while a large library's first counts are read.
        """
        index = self.index_for_kind(kind)
        return self.node(index).count if index.isValid() else None

    def close(self) -> None:
        """Read nothing more: the window closes or its library is about to.

        A read under way stops before its next query and its answer is dropped; the
        counts shown stay. Later refreshes and rebuilds do nothing.
        """
        self._token.close()
        self._awaited = None
        self._read_again = False

    def _supersede(self) -> None:
        """Drop any read under way (and the one asked to follow it)."""
        self._token.generation += 1
        self._awaited = None
        self._read_again = False

    def _start_read(self) -> None:
        self._token.generation += 1
        self._awaited = generation = self._token.generation
        self._pool.start(_TreeRead(self._library, generation, self._token, self._relay))

    def rebuild(self) -> None:
        """Re-read the whole tree (collections, tags or batches changed) and follow it.

        Always at once: it follows the user's own edits (a new collection is selected
        and renamed in place right after), and it supersedes a count read under way.
        Entries that came, went or moved become row insertions, removals and moves.
        """
        if self._token.closed:
            return
        self._supersede()
        self._apply_tree(read_tree(self._library))

    def follow_collections(self, *, members_changed: bool = True) -> None:
        """Collections changed: rebuild when they did, refresh counts when only members did.

        Made, renamed, moved or deleted collections are shown at once (the window selects
        a new one right after). References put into or taken out of one change only
        counts, which a large library reads in the background; with ``members_changed``
        False (a rename already shown in place) nothing is re-read. Telling the two apart
        costs one read of the collections (a short table, whatever the library's size).
        """
        if self._token.closed:
            return
        shown = {
            (node.collection_id, node.name, node.parent_collection_id, node.row())
            for node in self._root.walk()
            if node.kind is NodeKind.COLLECTION
        }
        rows: Counter[CollectionId | None] = Counter()
        current = set()
        for collection in self._library.collections():
            current.add(
                (collection.id, collection.name, collection.parent_id, rows[collection.parent_id])
            )
            rows[collection.parent_id] += 1
        if shown == current:
            if members_changed:
                self.refresh_counts()
        elif members_changed:
            self.rebuild()
        else:
            self._follow_names()

    def _follow_names(self) -> None:
        """Collections were made, renamed, nested or deleted, and no reference moved.

        No count changed then (a collection counts its own members, and a new one has
        none), so the entries are re-read from the short tables with the counts shown
        kept: at 1,000,000 references a full re-read costs the UI thread a quarter of a
        second after every new collection. A count read under way started before this
        change: it is dropped (its tree lacks the change) and read again.
        """
        reading = self._awaited is not None
        self._supersede()
        fresh = read_names(self._library)
        shown = {node.key: node for node in self._root.walk()}
        for node in fresh.walk():
            if node.key in shown and not node.is_header:
                node.count = shown[node.key].count
            elif node.kind is NodeKind.COLLECTION:
                node.count = 0
        # The tags did not change either: the ones shown, as they are (the names read
        # would bring back tags used only in the trash, which counted entries leave out).
        tags = next(node for node in fresh.children if node.kind is NodeKind.TAGS)
        tags.children.clear()
        for tag in (node for node in self._root.walk() if node.kind is NodeKind.TAG):
            tags.add(dataclasses.replace(tag, parent=None, children=[]))
        self._apply_tree(fresh)
        if reading:
            self._start_read()

    def refresh_counts(self) -> None:
        """Update counts after references changed (a reset if entries came or went).

        A library of more than ``sync_limit`` references (listed and trashed, as last
        counted) is re-read on a pool thread; the counts shown stay until it is in. While
        such a read runs, another is only noted: it starts when the first is in.
        """
        if self._token.closed:
            return
        listed, trashed = self.count_of(NodeKind.LIBRARY), self.count_of(NodeKind.TRASH)
        # No counts yet: the first read of a large library is under way.
        if listed is not None and trashed is not None and listed + trashed <= self._sync_limit:
            self._supersede()
            self._apply_tree(read_tree(self._library))
        elif self._awaited is not None:
            self._read_again = True  # the read under way began before this change
        else:
            self._start_read()

    @Slot(int, object)
    def _on_tree_read(self, generation: int, tree: SidebarNode) -> None:
        if generation != self._awaited or not self._token.wanted(generation):
            return  # a rebuild superseded this read, or the model closed
        self._awaited = None
        if self._read_again:
            self._read_again = False
            self._start_read()  # what changed while that read ran
        self._apply_tree(tree)

    def _apply_tree(self, fresh: SidebarNode) -> None:
        """Show a newly read tree: row moves for entries, counts and names in place.

        Never a reset: a reset closes an open rename editor and forgets the selection
        and what is expanded. The nodes shown are kept (persistent indexes point at
        them) and brought to the shape of ``fresh`` in two passes: every entry of
        ``fresh`` is put in place top-down (moved from wherever it is shown, or inserted
        without children, its children placed next), then the entries left over at the
        end of each list are removed. Removing last means an entry whose parent went
        (a collection moved out of a deleted one) is moved, never removed and re-added.
        """
        shown = {node.key: node for node in self._root.walk()}
        self._place(self._root, fresh.children, shown)
        self._prune(self._root, fresh)
        self.counts_refreshed.emit()

    def _place(
        self,
        parent: SidebarNode,
        wanted: list[SidebarNode],
        shown: dict[tuple[str, object], SidebarNode],
    ) -> None:
        """Make ``parent``'s first children the entries of ``wanted``, in that order."""
        row = 0
        while row < len(wanted):
            children = parent.children
            key = wanted[row].key
            if row < len(children) and children[row].key == key:
                row += 1
                continue
            node = shown.get(key)
            if node is not None:
                self._move(node, parent, row)
                row += 1
                continue
            # A run of new entries goes in at once (a whole library's tags, at open).
            end = row + 1
            while end < len(wanted) and wanted[end].key not in shown:
                end += 1
            self.beginInsertRows(self.index_of(parent), row, end - 1)
            for offset, fresh in enumerate(wanted[row:end]):
                node = dataclasses.replace(fresh, parent=parent, children=[])
                parent.children.insert(row + offset, node)
                shown[node.key] = node
            self.endInsertRows()
            row = end
        for child, fresh in zip(parent.children, wanted, strict=False):
            self._place(child, fresh.children, shown)

    def _move(self, node: SidebarNode, parent: SidebarNode, row: int) -> None:
        """Move a shown entry to ``row`` of ``parent`` (Qt's rows: before the move)."""
        source = node.parent
        assert source is not None
        source_row = node.row()
        moved = self.beginMoveRows(
            self.index_of(source), source_row, source_row, self.index_of(parent), row
        )
        # Placed top-down, ``parent`` is never within ``node``, nor is the move a no-op.
        assert moved, f"cannot move sidebar entry {node.key} under {parent.key}"
        del source.children[source_row]
        parent.children.insert(row - 1 if source is parent and source_row < row else row, node)
        node.parent = parent
        self.endMoveRows()

    def _prune(self, node: SidebarNode, fresh: SidebarNode) -> None:
        """Remove the entries ``_place`` left over and bring counts and names up to date."""
        for child, fresh_child in zip(node.children, fresh.children, strict=False):
            self._prune(child, fresh_child)
        kept = len(fresh.children)
        if len(node.children) > kept:
            self.beginRemoveRows(self.index_of(node), kept, len(node.children) - 1)
            del node.children[kept:]
            self.endRemoveRows()
        if node is self._root:
            return
        shown = (node.count, node.name, node.tooltip, node.parent_collection_id)
        if shown != (fresh.count, fresh.name, fresh.tooltip, fresh.parent_collection_id):
            node.count, node.name, node.tooltip = fresh.count, fresh.name, fresh.tooltip
            node.parent_collection_id = fresh.parent_collection_id
            index = self.index_of(node)
            self.dataChanged.emit(index, index.siblingAtColumn(COUNT_COLUMN), _CHANGED_ROLES)

    # --- lookups ------------------------------------------------------------------------

    def node(self, index: ModelIndex) -> SidebarNode:
        if not index.isValid():
            return self._root
        node = index.internalPointer()
        assert isinstance(node, SidebarNode)
        return node

    def index_of(self, node: SidebarNode) -> QModelIndex:
        if node is self._root or node.parent is None:
            return QModelIndex()
        return self.createIndex(node.row(), 0, node)

    def index_for_key(self, key: tuple[str, object]) -> QModelIndex:
        for node in self._root.walk():
            if node is not self._root and node.key == key:
                return self.index_of(node)
        return QModelIndex()

    def index_for_kind(self, kind: NodeKind) -> QModelIndex:
        return self.index_for_key((kind.value, None))

    def index_for_collection(self, cid: CollectionId) -> QModelIndex:
        return self.index_for_key((NodeKind.COLLECTION.value, cid))

    def index_for_tag(self, tag: str) -> QModelIndex:
        return self.index_for_key((NodeKind.TAG.value, tag))

    # --- Qt model interface -------------------------------------------------------------

    def index(
        self,
        row: int,
        column: int,
        parent: ModelIndex = QModelIndex(),  # noqa: B008 - Qt's signature
    ) -> QModelIndex:
        if column not in (NAME_COLUMN, COUNT_COLUMN) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != NAME_COLUMN:
            return QModelIndex()
        parent_node = self.node(parent)
        if row >= len(parent_node.children):
            return QModelIndex()
        return self.createIndex(row, column, parent_node.children[row])

    def parent(self, index: ModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008 - Qt's signature
        if not index.isValid():
            return QModelIndex()
        parent_node = self.node(index).parent
        if parent_node is None or parent_node is self._root:
            return QModelIndex()
        return self.index_of(parent_node)

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self.node(parent).children)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 2

    def flags(self, index: ModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled
        node = self.node(index)
        flags = Qt.ItemFlag.ItemIsEnabled
        if not node.is_header:
            flags |= Qt.ItemFlag.ItemIsSelectable
        if not node.children and not node.is_header:
            flags |= Qt.ItemFlag.ItemNeverHasChildren
        if index.column() == COUNT_COLUMN:
            return flags | Qt.ItemFlag.ItemNeverHasChildren
        if node.kind is NodeKind.TAG:
            flags |= Qt.ItemFlag.ItemIsEditable
        if node.kind is NodeKind.COLLECTION:
            flags |= (
                Qt.ItemFlag.ItemIsEditable
                | Qt.ItemFlag.ItemIsDragEnabled
                | Qt.ItemFlag.ItemIsDropEnabled
            )
            flags &= ~Qt.ItemFlag.ItemNeverHasChildren
        elif node.kind in (NodeKind.COLLECTIONS, NodeKind.LIBRARY):
            flags |= Qt.ItemFlag.ItemIsDropEnabled
        return flags

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        node = self.node(index)
        if index.column() == COUNT_COLUMN:
            return self._count_data(node, role)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return node.name
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{node.name}, {node.count}" if node.count is not None else node.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(node)
        if role == Qt.ItemDataRole.DecorationRole:
            return icons.icon(node.icon_name) if node.icon_name else None
        if role == Role.COUNT:
            return node.count
        if role == Role.NODE_KIND:
            return node.kind
        if role == Role.NODE_KEY:
            return node.key
        if role == Role.COLLECTION_ID:
            return node.collection_id
        if role == Role.TAG:
            return node.tag
        if role == Role.BATCH_ID:
            return node.batch_id
        return None

    def _count_data(self, node: SidebarNode, role: int) -> object:
        """The count column: right-aligned, in the palette's secondary text colour."""
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{node.count:,}" if node.count is not None else None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            return QGuiApplication.palette().brush(QPalette.ColorRole.PlaceholderText)
        if role == Qt.ItemDataRole.ToolTipRole:
            return _tooltip(node)
        if role == Role.COUNT:
            return node.count
        return None

    def setData(
        self, index: ModelIndex, value: object, role: int = Qt.ItemDataRole.EditRole
    ) -> bool:
        """Renaming in place: shown at once, performed by the window (undoably)."""
        if not index.isValid() or role != Qt.ItemDataRole.EditRole or index.column() != 0:
            return False
        node = self.node(index)
        name = str(value).strip()
        if not name:
            return False
        if node.kind is NodeKind.TAG and node.tag is not None:
            if name != node.tag:
                self.tag_rename_requested.emit(node.tag, name)
            return True
        if node.kind is not NodeKind.COLLECTION or node.collection_id is None:
            return False
        if name == node.name:
            return True
        node.name = name
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole])
        self.collection_rename_requested.emit(node.collection_id, name)
        return True

    # --- drag and drop ------------------------------------------------------------------

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.CopyAction | Qt.DropAction.MoveAction | Qt.DropAction.LinkAction

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [COLLECTION_MIME, REFERENCE_IDS_MIME, *_EXTERNAL_FORMATS]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        ids = [
            self.node(index).collection_id
            for index in indexes
            if index.isValid() and self.node(index).kind is NodeKind.COLLECTION
        ]
        mime = QMimeData()
        if not ids:
            return mime
        mime.setData(COLLECTION_MIME, QByteArray(str(ids[0]).encode("ascii")))
        return mime

    def canDropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        return self._drop_target(data, parent) is not None

    def dropMimeData(
        self, data: QMimeData, action: Qt.DropAction, row: int, column: int, parent: ModelIndex
    ) -> bool:
        if action == Qt.DropAction.IgnoreAction:
            return True
        target = self._drop_target(data, parent)
        if target is None:
            return False
        if data.hasFormat(COLLECTION_MIME):
            moved = _decode_collection_id(data)
            assert moved is not None
            self.collection_move_requested.emit(moved, target.collection_id)
        elif data.hasFormat(REFERENCE_IDS_MIME):
            assert target.collection_id is not None
            self.references_dropped.emit(target.collection_id, reference_ids_from_mime(data))
        else:
            self.external_dropped.emit(_copy_mime(data), target.collection_id)
        # The window performs the change; the model has no removeRows, so a view finishing a
        # MoveAction leaves the source row alone until the rebuild moves it.
        return True

    def _drop_target(self, data: QMimeData, parent: ModelIndex) -> SidebarNode | None:
        node = self.node(parent)
        if data.hasFormat(COLLECTION_MIME):
            moved_id = _decode_collection_id(data)
            if moved_id is None or node.kind not in (NodeKind.COLLECTION, NodeKind.COLLECTIONS):
                return None
            moved = self._collection_node(moved_id)
            if moved is None or node.is_within(moved) or moved.parent is node:
                return None
            return node
        if data.hasFormat(REFERENCE_IDS_MIME):
            if node.kind is NodeKind.COLLECTION and reference_ids_from_mime(data):
                return node
            return None
        if any(data.hasFormat(f) for f in _EXTERNAL_FORMATS) and node.kind in (
            NodeKind.COLLECTION,
            NodeKind.LIBRARY,
        ):
            return node
        return None

    def _collection_node(self, cid: CollectionId) -> SidebarNode | None:
        index = self.index_for_collection(cid)
        return self.node(index) if index.isValid() else None


_CHANGED_ROLES = [
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.EditRole,
    Qt.ItemDataRole.AccessibleTextRole,
    Qt.ItemDataRole.ToolTipRole,
    Role.COUNT,
]


def _decode_collection_id(data: QMimeData) -> CollectionId | None:
    try:
        return CollectionId(int(bytes(data.data(COLLECTION_MIME).data()).decode("ascii")))
    except (UnicodeDecodeError, ValueError):
        return None


def _copy_mime(data: QMimeData) -> QMimeData:
    """Dropped data belongs to the drag and dies with it; keep what an import needs."""
    copy = QMimeData()
    for name in data.formats():
        copy.setData(name, data.data(name))
    return copy


def _tooltip(node: SidebarNode) -> str:
    if node.tooltip:
        return node.tooltip
    match node.kind:
        case NodeKind.LIBRARY:
            return "Every reference not in the Trash"
        case NodeKind.UNFILED:
            return "References in no collection"
        case NodeKind.RECENT:
            return "References by the import that added them"
        case NodeKind.DUPLICATES:
            return "References that may describe the same work: merge them or keep them apart"
        case NodeKind.TRASH:
            return "Deleted references; restore them or empty the Trash"
        case NodeKind.COLLECTION:
            return f"{node.name}: drop references here to add them; drag to nest"
        case NodeKind.BATCH:
            return f"Imported {node.name}"
        case NodeKind.TAG:
            return f"{node.name}: F2 or the context menu renames, merges or deletes it everywhere"
    return node.name
