"""``library.reviews``: literature reviews over the library's store.

A small manager beside the ``Library`` façade (STYLE.md "Growing the house"): it owns
reviews, their decisions and their counts, and reaches the tables only through
``peerref.store.reviews``. Every decision and every undo is its own transaction, so a
killed app loses nothing decided before.
"""

from __future__ import annotations

import functools
import getpass
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import TypeVar

from peerref.core import dual as dual_screening
from peerref.core.dual import Agreement, Disagreement, TeamAgreement
from peerref.core.errors import NotFoundError, UserInputError
from peerref.core.model import CollectionId, Reference, ReferenceId
from peerref.core.prisma import (
    DEFAULT_REASONS,
    Decision,
    DuplicateRecord,
    PrismaCounts,
    Review,
    SearchRecord,
    Stage,
    Verdict,
    current_decisions,
    prisma_counts,
)
from peerref.store import reviews as review_store
from peerref.store.database import Database


def default_reviewer() -> str:
    """The OS user's name, the reviewer recorded when no name is set."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name (some containers)
        return ""


def _now() -> datetime:
    return datetime.now(UTC)


def identified_by_database(records: Sequence[SearchRecord]) -> dict[str, int]:
    """Records identified per database, several searches of one database added up."""
    totals: dict[str, int] = {}
    for record in records:
        totals[record.database] = totals.get(record.database, 0) + record.records
    return totals


@dataclass(frozen=True, slots=True)
class ReviewState:
    """One consistent reading of a review: its pool, sources and every decision."""

    review: Review
    pool: tuple[ReferenceId, ...]
    records: tuple[SearchRecord, ...]
    duplicates: tuple[DuplicateRecord, ...]
    decisions: tuple[Decision, ...]

    @property
    def effective(self) -> tuple[Decision, ...]:
        """The decisions that count: all of them, or in a dual review the consensus."""
        if self.review.dual:
            return tuple(dual_screening.consensus(self.decisions))
        return self.decisions

    @property
    def counts(self) -> PrismaCounts:
        return prisma_counts(identified_by_database(self.records), self.pool, self.effective)

    def current(self) -> dict[tuple[ReferenceId, Stage], Decision]:
        """The decision in force per record and stage (in a dual review, the agreed one)."""
        return current_decisions(self.effective)

    def visible_to(self, reviewer: str) -> tuple[Decision, ...]:
        """The decisions ``reviewer`` may see (all of them unless the review is dual)."""
        if self.review.dual:
            return tuple(dual_screening.visible_to(self.decisions, reviewer))
        return self.decisions

    def disagreements(self) -> list[Disagreement]:
        """Records the reviewers of a dual review decided differently, unresolved."""
        return dual_screening.disagreements(self.decisions) if self.review.dual else []

    def agreement(self) -> dict[Stage, Agreement]:
        """Cohen's kappa and agreement per stage (dual reviews; empty otherwise)."""
        return dual_screening.agreement(self.decisions) if self.review.dual else {}

    def team_agreement(self) -> dict[Stage, TeamAgreement]:
        """Fleiss' kappa and per-pair Cohen's kappa per stage (dual reviews; empty otherwise).

        Cohen's kappa in ``agreement`` pairs only the first two reviewers by name; a team
        of three or more needs these to say how the whole team agreed.
        """
        return dual_screening.team_agreement(self.decisions) if self.review.dual else {}


def _clean_terms(terms: Sequence[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(" ".join(t.split()) for t in terms if t.strip()))


# Told the review's id once a write to its decisions committed (``ReviewManager``).
DecisionsChanged = Callable[[int], None]
_Method = TypeVar("_Method", bound=Callable[..., object])


def _decisions_changed(method: _Method) -> _Method:
    """Report the review whose decisions ``method`` wrote, after its transaction committed.

    The library turns this into an announcement to a team library's other clients, so
    another reviewer's open Review window takes the decision in (blind as ever).
    """

    @functools.wraps(method)
    def reporting(self: ReviewManager, review: Review, *args: object, **kwargs: object) -> object:
        result = method(self, review, *args, **kwargs)
        if self.on_decisions_changed is not None:
            self.on_decisions_changed(review.id)
        return result

    return reporting  # type: ignore[return-value]  # same signature, as wraps promises


class ReviewManager:
    """The reviews of one library. ``reviewer`` is recorded with each decision.

    ``on_decisions_changed`` is called with a review's id after each decision, undo or
    resolution commits.
    """

    def __init__(
        self,
        database: Database,
        reviewer: str = "",
        on_decisions_changed: DecisionsChanged | None = None,
    ) -> None:
        self.database = database
        self.reviewer = reviewer or default_reviewer()
        self.on_decisions_changed = on_decisions_changed

    # -- reviews ----------------------------------------------------------------------------

    def create(
        self,
        name: str,
        collection: CollectionId | None = None,
        *,
        seed: int | None = None,
        dual: bool = False,
    ) -> Review:
        """A new review over a collection, or the whole library without one.

        ``dual``: independent screening by two or more reviewers (see ``set_dual``).

        Raises:
            UserInputError: the name is empty or taken.
            NotFoundError: the collection does not exist.
        """
        name = " ".join(name.split())
        if not name:
            raise UserInputError("a review needs a name")
        chosen_seed = random.SystemRandom().randrange(1, 2**31) if seed is None else seed
        with self.database.writing() as repo:
            if collection is not None:
                repo.require_collection(collection)
            return review_store.add_review(
                repo.session,
                name=name,
                collection_id=collection,
                created=_now(),
                seed=chosen_seed,
                reasons=DEFAULT_REASONS,
                dual=dual,
            )

    def all(self) -> list[Review]:
        with self.database.reading() as repo:
            return review_store.reviews(repo.session)

    def get(self, name: str) -> Review:
        """The review of that name. NotFoundError when there is none."""
        with self.database.reading() as repo:
            return review_store.review_by_name(repo.session, name)

    def refresh(self, review: Review) -> Review:
        with self.database.reading() as repo:
            return next(r for r in review_store.reviews(repo.session) if r.id == review.id)

    def rename(self, review: Review, name: str) -> Review:
        name = " ".join(name.split())
        if not name:
            raise UserInputError("a review needs a name")
        return self._save(replace(review, name=name))

    def set_reasons(self, review: Review, reasons: Sequence[str]) -> Review:
        """Replace the review's list of full-text exclusion reasons.

        Decisions already made keep their reason's text even when it leaves the list.
        """
        cleaned = _clean_terms(reasons)
        if not cleaned:
            raise UserInputError("a review needs at least one reason for exclusion")
        return self._save(replace(review, reasons=cleaned))

    def set_terms(
        self, review: Review, *, include: Sequence[str], exclude: Sequence[str]
    ) -> Review:
        """Highlight terms: inclusion terms shown in one colour, exclusion in another."""
        return self._save(
            replace(
                review, include_terms=_clean_terms(include), exclude_terms=_clean_terms(exclude)
            )
        )

    def set_dual(self, review: Review, dual: bool) -> Review:
        """Switch between single-reviewer and dual independent screening.

        Nothing recorded changes: decisions made before keep their reviewer, so a review
        switched to dual counts a record once a second reviewer agrees with the first.
        """
        return self._save(replace(review, dual=dual))

    def _save(self, review: Review) -> Review:
        with self.database.writing() as repo:
            return review_store.update_review(repo.session, review)

    def delete(self, review: Review) -> None:
        with self.database.writing() as repo:
            review_store.delete_review(repo.session, review.id)

    # -- decisions --------------------------------------------------------------------------

    @_decisions_changed
    def decide(
        self,
        review: Review,
        ref_id: ReferenceId,
        verdict: Verdict,
        *,
        stage: Stage = Stage.TITLE_ABSTRACT,
        reason: str = "",
    ) -> Decision:
        """Record one decision, checked against the review in the same transaction.

        The full-text stage is reached by including at title/abstract; excluding there
        needs a reason from the review's list (its spelling is kept).

        Raises:
            NotFoundError: the reference is not in the review.
            UserInputError: full text before inclusion, or a missing or unknown reason.
        """
        reason = " ".join(reason.split())
        self._check_reviewer(review)
        reason = self._checked_reason(review, stage, verdict, reason)
        with self.database.writing() as repo:
            pool = review_store.pool_ids(repo.session, review)
            if ref_id not in set(pool):
                raise NotFoundError(f"reference {ref_id} is not in the review {review.name!r}")
            if stage is Stage.FULL_TEXT:
                recorded = review_store.decisions(repo.session, review.id)
                if review.dual:
                    recorded = dual_screening.consensus(recorded)
                latest = current_decisions(recorded)
                first = latest.get((ref_id, Stage.TITLE_ABSTRACT))
                if first is None or first.verdict is not Verdict.INCLUDE:
                    raise UserInputError(
                        f"reference {ref_id} has not been included at title/abstract "
                        "screening, so it has no full-text decision yet"
                    )
            return review_store.add_decision(
                repo.session,
                review.id,
                ref_id,
                stage=stage,
                verdict=verdict,
                reason=reason,
                reviewer=self.reviewer,
                created=_now(),
            )

    @_decisions_changed
    def decide_fast(
        self,
        review: Review,
        ref_id: ReferenceId,
        verdict: Verdict,
        *,
        stage: Stage,
        reason: str = "",
    ) -> Decision:
        """Record a decision the caller has already checked against a ``ReviewState``.

        For the screening views, which hold the state and offer only records of the pool
        at the stage they are at: one insert, no re-reading of the pool per key press.
        """
        self._check_reviewer(review)
        if stage is Stage.FULL_TEXT and verdict is Verdict.EXCLUDE:
            reason = self._known_reason(review, reason)
        with self.database.writing() as repo:
            return review_store.add_decision(
                repo.session,
                review.id,
                ref_id,
                stage=stage,
                verdict=verdict,
                reason=reason,
                reviewer=self.reviewer,
                created=_now(),
            )

    def _check_reviewer(self, review: Review) -> None:
        """Dual screening tells reviewers apart by name, so a decision needs one."""
        if review.dual and not self.reviewer.strip():
            raise UserInputError(
                "dual screening needs a reviewer name (Preferences › Reviewer name, "
                "or --reviewer NAME)"
            )

    @_decisions_changed
    def resolve(
        self,
        review: Review,
        ref_id: ReferenceId,
        verdict: Verdict,
        *,
        stage: Stage | None = None,
        reason: str = "",
    ) -> Decision:
        """Settle the reviewers' disagreement on a record with a final verdict.

        ``stage`` defaults to the record's disagreement (full text before title/abstract
        when it has both). Re-resolving a resolved record replaces the resolution; undo
        takes it back like any decision of the person who resolved it.

        Raises:
            UserInputError: the review is not dual, the verdict is "maybe", the record has
                no disagreement at that stage, or a full-text exclusion lacks a reason.
        """
        if not review.dual:
            raise UserInputError(f"the review {review.name!r} is not screened by two reviewers")
        if verdict is Verdict.MAYBE:
            raise UserInputError("a disagreement is resolved by include or exclude")
        self._check_reviewer(review)
        reason = " ".join(reason.split())
        with self.database.writing() as repo:
            recorded = review_store.decisions(repo.session, review.id)
            open_stages = [
                d.stage for d in dual_screening.disagreements(recorded) if d.reference_id == ref_id
            ]
            resolved = [d.stage for d in recorded if d.resolution and d.reference_id == ref_id]
            if stage is None:
                candidates = open_stages or resolved
                if not candidates:
                    raise UserInputError(f"reviewers do not disagree on reference {ref_id}")
                stage = Stage.FULL_TEXT if Stage.FULL_TEXT in candidates else candidates[0]
            elif stage not in open_stages and stage not in resolved:
                raise UserInputError(
                    f"reviewers do not disagree on reference {ref_id} at {stage.value}"
                )
            reason = self._checked_reason(review, stage, verdict, reason)
            return review_store.add_decision(
                repo.session,
                review.id,
                ref_id,
                stage=stage,
                verdict=verdict,
                reason=reason,
                reviewer=self.reviewer,
                created=_now(),
                resolution=True,
            )

    @classmethod
    def _checked_reason(cls, review: Review, stage: Stage, verdict: Verdict, reason: str) -> str:
        """The reason as the review spells it; a full-text exclusion must give a listed one."""
        if stage is not Stage.FULL_TEXT or verdict is not Verdict.EXCLUDE:
            return reason
        if not reason:
            listed = "; ".join(review.reasons)
            raise UserInputError(f"excluding at full text needs a reason, one of: {listed}")
        return cls._known_reason(review, reason)

    @staticmethod
    def _known_reason(review: Review, reason: str) -> str:
        wanted = " ".join(reason.split()).casefold()
        for known in review.reasons:
            if known.casefold() == wanted:
                return known
        listed = "; ".join(review.reasons)
        raise UserInputError(
            f"{reason!r} is not one of the review's reasons ({listed}); "
            "add it to the review's reasons first"
        )

    @_decisions_changed
    def undo(self, review: Review) -> Decision | None:
        """Take back the review's latest decision; None when there is none left.

        In a dual review, the latest decision of this reviewer: never someone else's.
        """
        with self.database.writing() as repo:
            return review_store.delete_latest_decision(
                repo.session, review.id, self.reviewer if review.dual else None
            )

    def decisions(self, review: Review) -> list[Decision]:
        """Every decision, or in a dual review those this reviewer may see (``visible_to``)."""
        with self.database.reading() as repo:
            recorded = review_store.decisions(repo.session, review.id)
        if review.dual:
            return dual_screening.visible_to(recorded, self.reviewer)
        return recorded

    # -- reading ----------------------------------------------------------------------------

    def state(self, review: Review) -> ReviewState:
        """Pool, sources and decisions read in one transaction, so they agree."""
        with self.database.reading() as repo:
            pool = review_store.pool_ids(repo.session, review)
            records, duplicates = review_store.search_sources(repo.session, review)
            decisions = review_store.decisions(repo.session, review.id)
        return ReviewState(review, tuple(pool), tuple(records), tuple(duplicates), tuple(decisions))

    def counts(self, review: Review) -> PrismaCounts:
        return self.state(review).counts

    def references(self, ids: Sequence[ReferenceId]) -> list[Reference]:
        with self.database.reading() as repo:
            return repo.get_references(ids)

    def titles(self, ids: Sequence[ReferenceId]) -> dict[ReferenceId, str]:
        """Titles only (no creators, tags or collections), for decision tables."""
        with self.database.reading() as repo:
            return review_store.reference_titles(repo.session, ids)

    def included_ids(self, review: Review) -> list[ReferenceId]:
        """The references included at full text, in import order."""
        state = self.state(review)
        latest = state.current()
        return [
            ref_id
            for ref_id in state.pool
            if (first := latest.get((ref_id, Stage.TITLE_ABSTRACT))) is not None
            and first.verdict is Verdict.INCLUDE
            and (second := latest.get((ref_id, Stage.FULL_TEXT))) is not None
            and second.verdict is Verdict.INCLUDE
        ]
