"""The results of completing references from Crossref, and the choices left to the user.

Fields that were empty have already been filled (undoably) when this dialog opens; it shows
them so the user sees what happened. What needs a person is offered here: a value Crossref
gives differently from the library is a proposal with a check box (unchecked: nothing is
overwritten unless the user says so), and when several Crossref records could be the
reference, they are listed to pick one from. Each record shows which fields agreed and
which disagreed (with both values), and records PeerRef refused are listed too, so the
user can still pick one by hand knowing what differs. A DOI typed below the list is
looked up (by the window, off the UI thread) and offered for the selected reference.
"Apply Selected" hands the choices to the window as ``CompletionToApply`` items, which it
applies as one undoable step.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QSignalBlocker, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerref.core.ids import doi_of_field
from peerref.core.model import Reference, ReferenceId
from peerref.enrich import BatchResult, Candidate, Completion, CompletionStatus
from peerref.library import COMPLETION_FIELD_LABELS, CompletionToApply, completion_value_text

# Columns of the results tree.
COLUMN_WHAT = 0
COLUMN_YOURS = 1
COLUMN_CROSSREF = 2


def reference_label(reference: Reference) -> str:
    """ "Fairweather & Nowicki 2019 — Night staff and …" (or "[untitled]")."""
    authors = reference.authors or reference.creators
    names = [c.family_with_particle() for c in authors if c.family_with_particle()]
    who = f"{names[0]} et al." if len(names) > 2 else " & ".join(names)
    year = str(reference.year) if reference.year is not None else "n.d."
    title = completion_value_text(reference.title, limit=80) or "[untitled]"
    return " ".join(part for part in (who, year) if part) + f" — {title}"


def needs_attention(completion: Completion) -> bool:
    """Whether a completion leaves something for the user to decide or to know about."""
    if completion.status is CompletionStatus.MATCHED:
        return bool(completion.proposed)
    return True


# Where a row comes from, kept on the reference's top-level row.
_REFERENCE_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass
class _CandidateRow:
    item: QTreeWidgetItem
    chosen: Completion  # the completion as if this candidate had matched
    refused: bool = False  # PeerRef found a contradiction; offered for picking by hand


def checks_text(candidate: Candidate) -> str:
    """ "Agrees: authors, year, journal" (or that nothing could be compared)."""
    agreeing = ", ".join(candidate.agreeing)
    return f"Agrees: {agreeing}" if agreeing else "Agrees: nothing that could be compared"


class CompletionDialog(QDialog):
    """Per reference: what was filled, proposals to accept, candidates to choose from.

    Signals:
        apply_requested(list[CompletionToApply]): the user applied their choices.
    """

    apply_requested = Signal(list)
    doi_lookup_requested = Signal(int, str)

    def __init__(self, result: BatchResult, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("completionDialog")
        self.setWindowTitle("Completed from Crossref")
        self.setSizeGripEnabled(True)
        self.resize(860, 520)
        self._result = result
        self._completions: dict[ReferenceId, Completion] = {}
        self._proposals: dict[tuple[ReferenceId, str, str], QTreeWidgetItem] = {}
        self._candidates: dict[tuple[ReferenceId, str], _CandidateRow] = {}
        self._tops: dict[ReferenceId, QTreeWidgetItem] = {}
        self._build()

    # -- construction ------------------------------------------------------------------

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        self.summary_label = QLabel(self._summary_text(), self)
        self.summary_label.setObjectName("completionSummary")
        self.summary_label.setWordWrap(True)
        layout.addWidget(self.summary_label)

        self.tree = QTreeWidget(self)
        self.tree.setObjectName("completionResults")
        self.tree.setAccessibleName("Completion results")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Reference and field", "In your library", "From Crossref"])
        self.tree.setWordWrap(True)
        self.tree.setUniformRowHeights(False)
        header = self.tree.header()
        header.setSectionResizeMode(COLUMN_WHAT, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(COLUMN_WHAT, 340)
        header.setStretchLastSection(True)
        for completion in self._result.completions:
            self._add_completion(completion)
        self.tree.expandAll()
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(self._update_lookup_button)
        layout.addWidget(self.tree, 1)

        lookup_row = QHBoxLayout()
        lookup_label = QLabel("Look up by &DOI for the selected reference:", self)
        self.doi_edit = QLineEdit(self)
        self.doi_edit.setObjectName("completionDoi")
        self.doi_edit.setPlaceholderText("10.1108/…  or  https://doi.org/10.1108/…")
        self.doi_edit.setClearButtonEnabled(True)
        self.doi_edit.setAccessibleName("DOI to look up")
        lookup_label.setBuddy(self.doi_edit)
        self.lookup_button = QPushButton("&Look Up", self)
        self.lookup_button.setObjectName("completionLookUp")
        self.lookup_button.setToolTip(
            "Ask Crossref for the record with this DOI and offer it for the selected reference"
        )
        self.lookup_button.setAutoDefault(False)
        self.lookup_button.clicked.connect(self.request_doi_lookup)
        self.doi_edit.textChanged.connect(self._update_lookup_button)
        self.doi_edit.returnPressed.connect(self.request_doi_lookup)
        lookup_row.addWidget(lookup_label)
        lookup_row.addWidget(self.doi_edit, 1)
        lookup_row.addWidget(self.lookup_button)
        layout.addLayout(lookup_row)
        self.lookup_status = QLabel("", self)
        self.lookup_status.setObjectName("completionLookupStatus")
        self.lookup_status.setWordWrap(True)
        layout.addWidget(self.lookup_status)

        self.buttons = QDialogButtonBox(self)
        self.apply_button: QPushButton = self.buttons.addButton(
            "&Apply Selected", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.apply_button.setObjectName("applySelected")
        self.apply_button.setToolTip("Apply the checked changes and candidates (undoable)")
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.buttons.accepted.connect(self.apply_selected)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self._update_apply_button()
        first = self.tree.topLevelItem(0)
        if first is not None:
            self.tree.setCurrentItem(first)
        self._update_lookup_button()

    def _summary_text(self) -> str:
        completions = self._result.completions
        filled = [c for c in completions if c.status is CompletionStatus.MATCHED and c.filled]
        proposals = [c for c in completions if c.proposed]
        choose = [c for c in completions if c.status is CompletionStatus.CHOOSE]
        unmatched = [c for c in completions if c.status is CompletionStatus.NO_MATCH]
        failed = [
            c
            for c in completions
            if c.status in (CompletionStatus.FAILED, CompletionStatus.SKIPPED)
        ]
        parts = []
        if filled:
            fields = sum(len(c.filled) for c in filled)
            parts.append(
                f"Filled {fields} empty field{'s' if fields != 1 else ''} in {_count(filled)} "
                "(Edit → Undo takes them back)."
            )
        if proposals:
            parts.append(
                f"Crossref differs from your library for {_count(proposals)}: "
                "check the changes to accept."
            )
        if choose:
            parts.append(f"Choose the right record for {_count(choose)}.")
        if unmatched:
            parts.append(f"{_count(unmatched).capitalize()} could not be matched.")
            if any(c.rejected for c in unmatched):
                parts.append(
                    "The records PeerRef refused are listed with what disagreed: you can "
                    "still choose one, or look the right one up by its DOI below."
                )
        if failed:
            parts.append(f"{_count(failed).capitalize()} could not be looked up.")
        if self._result.stopped_by:
            parts.append(f"Crossref stopped answering: {self._result.stopped_by}")
        return " ".join(parts) or "Crossref had nothing to add."

    def _add_completion(self, completion: Completion) -> None:
        reference = completion.reference
        if reference.id is None:
            return
        ref_id = reference.id
        self._completions[ref_id] = completion
        top = QTreeWidgetItem(self.tree, [reference_label(reference)])
        top.setData(COLUMN_WHAT, _REFERENCE_ROLE, int(ref_id))
        top.setFirstColumnSpanned(True)
        font = top.font(COLUMN_WHAT)
        font.setBold(True)
        top.setFont(COLUMN_WHAT, font)
        self._tops[ref_id] = top
        status = completion.status
        if status is CompletionStatus.MATCHED:
            doi = completion.match.doi if completion.match is not None else ""
            self._add_note(top, f"Matched {doi}")
            if completion.match is not None:
                self._add_checks(top, completion.match)
            self._add_fields(top, ref_id, completion, candidate_doi="", filled_verb="Filled")
            if not completion.changes_anything:
                self._add_note(top, "Nothing to add: your library already agrees with Crossref.")
        elif status in (CompletionStatus.CHOOSE, CompletionStatus.NO_MATCH):
            self._add_note(top, completion.message)
            for candidate in completion.candidates:
                self._add_candidate(top, ref_id, completion, candidate)
            for candidate in completion.rejected:
                self._add_candidate(top, ref_id, completion, candidate, refused=True)
        else:
            self._add_note(top, completion.message or "Not looked up.")

    def _add_checks(self, parent: QTreeWidgetItem, candidate: Candidate) -> None:
        """What agreed (one row) and what disagreed (a row each, with both values)."""
        agreed = self._add_note(parent, checks_text(candidate))
        agreed.setToolTip(
            COLUMN_WHAT,
            "\n".join(f"{c.field}: {c.ours} = {c.theirs}" for c in candidate.agreements),
        )
        for check in candidate.disagreements:
            item = QTreeWidgetItem(
                parent,
                [
                    f"Disagrees: {check.field}",
                    completion_value_text(check.ours),
                    completion_value_text(check.theirs),
                ],
            )
            item.setToolTip(COLUMN_YOURS, check.ours)
            item.setToolTip(COLUMN_CROSSREF, check.theirs)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)

    def _add_note(self, parent: QTreeWidgetItem, text: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setFirstColumnSpanned(True)
        item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        return item

    def _add_fields(
        self,
        parent: QTreeWidgetItem,
        ref_id: ReferenceId,
        completion: Completion,
        *,
        candidate_doi: str,
        filled_verb: str,
    ) -> None:
        for name, value in completion.filled.items():
            label = COMPLETION_FIELD_LABELS.get(name, name)
            item = QTreeWidgetItem(parent, [f"{filled_verb}: {label}", "", ""])
            item.setText(COLUMN_CROSSREF, completion_value_text(value))
            item.setToolTip(COLUMN_CROSSREF, completion_value_text(value, limit=1000))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
        for name, (ours, theirs) in completion.proposed.items():
            label = COMPLETION_FIELD_LABELS.get(name, name)
            item = QTreeWidgetItem(
                parent,
                [
                    f"Change {label}",
                    completion_value_text(ours),
                    completion_value_text(theirs),
                ],
            )
            item.setToolTip(COLUMN_YOURS, completion_value_text(ours, limit=1000))
            item.setToolTip(COLUMN_CROSSREF, completion_value_text(theirs, limit=1000))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(COLUMN_WHAT, Qt.CheckState.Unchecked)
            if candidate_doi:
                item.setDisabled(True)  # enabled once its candidate is chosen
            self._proposals[(ref_id, candidate_doi, name)] = item

    def _add_candidate(
        self,
        parent: QTreeWidgetItem,
        ref_id: ReferenceId,
        completion: Completion,
        candidate: Candidate,
        *,
        refused: bool = False,
        looked_up: bool = False,
    ) -> QTreeWidgetItem | None:
        if (ref_id, candidate.doi) in self._candidates:
            return None  # the same record found twice (by its DOI and by the search)
        title = completion_value_text(candidate.reference.title, limit=90) or "[untitled]"
        text = f"{candidate.doi} — {title}"
        if looked_up:
            text = f"Looked up: {text}"
        elif refused:
            text = f"Refused: {text} (disagrees: {', '.join(candidate.contradicting)})"
        item = QTreeWidgetItem(parent, [text])
        item.setFirstColumnSpanned(True)
        item.setToolTip(
            COLUMN_WHAT,
            "Refused because it disagrees with your library; you can still choose it"
            if refused
            else checks_text(candidate),
        )
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(COLUMN_WHAT, Qt.CheckState.Unchecked)
        self._add_checks(item, candidate)
        chosen = completion.choose(candidate)
        self._add_fields(
            item, ref_id, chosen, candidate_doi=candidate.doi, filled_verb="Would fill"
        )
        self._candidates[(ref_id, candidate.doi)] = _CandidateRow(item, chosen, refused)
        return item

    def add_looked_up(self, ref_id: ReferenceId, completion: Completion) -> None:
        """Offer the record the user looked up by DOI, chosen, with its checks shown."""
        top = self._tops.get(ref_id)
        if top is None:
            return
        match = completion.match
        if completion.status is not CompletionStatus.MATCHED or match is None:
            self._add_note(top, completion.message)
            self.lookup_status.setText(completion.message)
            self._update_lookup_button()
            return
        row = self._candidates.get((ref_id, match.doi))
        item = row.item if row is not None else None
        if item is None:
            with QSignalBlocker(self.tree):
                item = self._add_candidate(top, ref_id, completion, match, looked_up=True)
        if item is None:  # pragma: no cover - a row exists whenever the key does
            return
        top.setExpanded(True)
        item.setExpanded(True)
        self.tree.scrollToItem(item)
        item.setCheckState(COLUMN_WHAT, Qt.CheckState.Checked)
        self.lookup_status.setText(
            f"Found {match.doi}; it is chosen for this reference — check what differs, "
            "then Apply Selected."
        )
        self._update_lookup_button()

    def lookup_failed(self, message: str) -> None:
        """Say why the DOI could not be looked up; the user may correct it and retry."""
        self.lookup_status.setText(message)
        self._update_lookup_button()

    def selected_reference_id(self) -> ReferenceId | None:
        """The reference the current row belongs to (its top-level row), if any."""
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        if item is None:
            return None
        value = item.data(COLUMN_WHAT, _REFERENCE_ROLE)
        return ReferenceId(int(value)) if value is not None else None

    @Slot()
    def request_doi_lookup(self) -> None:
        """Ask the window to look the typed DOI up for the selected reference."""
        ref_id = self.selected_reference_id()
        text = self.doi_edit.text().strip()
        if ref_id is None or not text:
            return
        doi = doi_of_field(text)
        if not doi:
            self.lookup_status.setText(f"{text!r} is not a DOI; a DOI looks like 10.1108/…")
            return
        self.lookup_status.setText(f"Looking up {doi} on Crossref…")
        self.lookup_button.setEnabled(False)
        self.doi_lookup_requested.emit(int(ref_id), doi)

    @Slot()
    def _update_lookup_button(self, *_args: object) -> None:
        self.lookup_button.setEnabled(
            bool(self.doi_edit.text().strip()) and self.selected_reference_id() is not None
        )

    # -- choices -----------------------------------------------------------------------

    def proposal_item(
        self, ref_id: ReferenceId, field: str, *, candidate_doi: str = ""
    ) -> QTreeWidgetItem:
        """The check box row of one proposed change (KeyError when none was proposed)."""
        return self._proposals[(ref_id, candidate_doi, field)]

    def candidate_item(self, ref_id: ReferenceId, doi: str) -> QTreeWidgetItem:
        """The check box row of one candidate (KeyError when it is not offered)."""
        return self._candidates[(ref_id, doi)].item

    def set_accepted(
        self, ref_id: ReferenceId, field: str, accepted: bool = True, *, candidate_doi: str = ""
    ) -> None:
        """Tick (or untick) a proposed change, as a click on its box does."""
        state = Qt.CheckState.Checked if accepted else Qt.CheckState.Unchecked
        self.proposal_item(ref_id, field, candidate_doi=candidate_doi).setCheckState(
            COLUMN_WHAT, state
        )

    def choose(self, ref_id: ReferenceId, doi: str) -> None:
        """Pick a candidate for a reference (at most one per reference)."""
        self.candidate_item(ref_id, doi).setCheckState(COLUMN_WHAT, Qt.CheckState.Checked)

    def selections(self) -> list[CompletionToApply]:
        """The accepted proposals and chosen candidates, ready for ``apply_completions``.

        A chosen record (listed, refused or looked up) wins over an automatic match.
        """
        chosen: list[CompletionToApply] = []
        for ref_id, completion in self._completions.items():
            picked = next(
                (
                    (doi, row)
                    for (row_id, doi), row in self._candidates.items()
                    if row_id == ref_id
                    and row.item.checkState(COLUMN_WHAT) == Qt.CheckState.Checked
                ),
                None,
            )
            if picked is not None:
                doi, row = picked
                chosen.append((ref_id, row.chosen, self._accepted(ref_id, row.chosen, doi)))
            elif completion.status is CompletionStatus.MATCHED:
                accepted = self._accepted(ref_id, completion, "")
                if accepted:
                    chosen.append((ref_id, completion, accepted))
        return chosen

    def _accepted(self, ref_id: ReferenceId, completion: Completion, doi: str) -> tuple[str, ...]:
        return tuple(
            name
            for name in completion.proposed
            if self._proposals[(ref_id, doi, name)].checkState(COLUMN_WHAT) == Qt.CheckState.Checked
        )

    @Slot(QTreeWidgetItem, int)
    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        if column != COLUMN_WHAT:
            return
        for (ref_id, _doi), row in self._candidates.items():
            if row.item is not item:
                continue
            checked = item.checkState(COLUMN_WHAT) == Qt.CheckState.Checked
            with QSignalBlocker(self.tree):
                if checked:  # one record per reference: untick the others
                    for (other_id, _other_doi), other in self._candidates.items():
                        if other_id == ref_id and other.item is not item:
                            other.item.setCheckState(COLUMN_WHAT, Qt.CheckState.Unchecked)
                            self._enable_children(other.item, False)
                self._enable_children(item, checked)
            self.tree.viewport().update()
            break
        self._update_apply_button()

    @staticmethod
    def _enable_children(item: QTreeWidgetItem, enabled: bool) -> None:
        for index in range(item.childCount()):
            child = item.child(index)
            if child is not None and child.flags() & Qt.ItemFlag.ItemIsUserCheckable:
                child.setDisabled(not enabled)
                if not enabled:
                    child.setCheckState(COLUMN_WHAT, Qt.CheckState.Unchecked)

    def _update_apply_button(self) -> None:
        self.apply_button.setEnabled(bool(self.selections()))

    @Slot()
    def apply_selected(self) -> None:
        """Hand the choices to the window (which applies them undoably) and close."""
        chosen = self.selections()
        if chosen:
            self.apply_requested.emit(chosen)
        self.accept()


def _count(completions: list[Completion]) -> str:
    return f"{len(completions)} reference{'s' if len(completions) != 1 else ''}"
