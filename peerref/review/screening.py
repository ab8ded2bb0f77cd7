"""A screening session: one record at a time, a key per decision, the next one at once.

The session reads the review once (pool, sources, decisions) and then keeps its own
copy of the decisions up to date as it records them, so a key press costs one small
write transaction and a dictionary update, never a re-read of 20,000 records. The
window and ``peerref-cli review screen`` both drive one.

Records still to decide come first in the chosen order (import, seeded random, or
relevance); records marked "maybe" come after them, so nothing is lost from view.

Ranking by relevance takes seconds on a large review (reading 20,000 abstracts, fitting
TF-IDF, training). The terminal waits for it; a window must not, so it opens the session
with ``defer_ranking=True``: the session then never ranks by itself, says when a ranking
is due, hands out a :class:`RankingRequest` (a snapshot of what was decided) that can be
run on another thread, and applies the answer later, keeping the record on screen where
it is so nothing moves under the reader's eyes. With ``rank_in_process=True`` as well, the
ranking itself runs in a worker process kept for the session
(:mod:`peerref.review.ranking_process`): a thread would still share the window's GIL.
"""

from __future__ import annotations

import random
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from peerref.core import dual as dual_screening
from peerref.core.errors import UserInputError
from peerref.core.model import Reference, ReferenceId
from peerref.core.prisma import (
    Decision,
    PrismaCounts,
    Review,
    ScreeningOrder,
    Stage,
    Verdict,
    current_decisions,
    prisma_counts,
)
from peerref.review.manager import ReviewManager, ReviewState, identified_by_database
from peerref.review.ranking import RETRAIN_EVERY, Ranked, RankingStep, RelevanceRanker
from peerref.review.ranking_process import (
    ProgressReporter,
    RankingProcess,
    TextSource,
)
from peerref.store import reviews as review_store

# Records read ahead of the current one, and how few may remain before reading again.
_READ_AHEAD = 48
_LOW_WATER = 8
_CACHE = 160


@dataclass(frozen=True, slots=True)
class Progress:
    """How far screening is at this stage, and how many relevant records were found."""

    decided: int
    remaining: int
    maybe: int
    relevant_found: int
    # (records screened, relevant found) after each title/abstract decision, in order.
    curve: tuple[tuple[int, int], ...] = ()

    @property
    def screened(self) -> int:
        """Records decided (include or exclude) at title/abstract so far."""
        return self.curve[-1][0] if self.curve else 0

    @property
    def relevant_screened(self) -> int:
        """Records included at title/abstract so far: the "relevant found" of ASReview."""
        return self.curve[-1][1] if self.curve else 0

    @property
    def since_last_relevant(self) -> int:
        """Records screened since the last relevant one: a long run hints that few are left.

        ASReview shows the same figure to help decide when to stop screening.
        """
        found_at = 0  # records screened when the latest relevant one was found
        previous = 0
        for screened, found in self.curve:
            if found > previous:
                found_at = screened
            previous = found
        return self.screened - found_at


@dataclass(frozen=True, slots=True)
class RankingRequest:
    """What the session knew when a ranking was asked for, to rank on another thread.

    Plain values only: the worker never reads the session's own (changing) state.
    """

    generation: int
    labels: Mapping[ReferenceId, bool]
    candidates: tuple[ReferenceId, ...]
    decided: int
    replace_current: bool


class Screening:
    """Screening one review at one stage. Not thread-safe: one per view."""

    def __init__(
        self,
        manager: ReviewManager,
        review: Review,
        *,
        stage: Stage = Stage.TITLE_ABSTRACT,
        order: ScreeningOrder = ScreeningOrder.IMPORT,
        retrain_every: int = RETRAIN_EVERY,
        state: ReviewState | None = None,
        defer_ranking: bool = False,
        rank_in_process: bool = False,
    ) -> None:
        self.manager = manager
        self.review = review
        self.stage = stage
        self.order = order
        self.retrain_every = max(1, retrain_every)
        self._state = state or manager.state(review)
        self._identified = identified_by_database(self._state.records)
        # Every decision, for the counts; and those that decide this session's queue: all
        # of them, or in a dual review this reviewer's own and the resolutions (blinded:
        # the others' verdicts never reach the queue or the screen).
        self._all: list[Decision] = list(self._state.decisions)
        self._decisions: list[Decision] = self._seen(self._all)
        self._latest: dict[tuple[ReferenceId, Stage], Decision] = current_decisions(self._decisions)
        # What the reviewers agreed at title/abstract: which records reach full text.
        self._agreed = self._state.current()
        self._tally: dual_screening.DualTally | None = None
        self._cache: OrderedDict[ReferenceId, Reference] = OrderedDict()
        self._ranker: RelevanceRanker | None = None
        # Only ever used by one ranking at a time: the thread that builds or asks it.
        self._ranker_lock = threading.Lock()
        self._since_training = 0
        self.last_ranking: Ranked | None = None
        self.defer_ranking = defer_ranking
        # Started at the first ranking, reading the pool as it is now (as the in-process
        # ranker does: the texts are read once per session).
        self.ranking_process: RankingProcess | None = None
        if rank_in_process:
            database = manager.database
            self.ranking_process = RankingProcess(
                TextSource(database.path, database.url, tuple(self._state.pool)),
                seed=review.seed,
            )
        # Deferred: the latest relevance order applied, reused until the next one lands.
        self._relevance_order: tuple[ReferenceId, ...] = ()
        self._generation = 0
        self._ranking_wanted = False
        self._pending: list[ReferenceId] = []
        # Kept up to date decision by decision, so that showing the progress after a key
        # press costs nothing however large the review (no pass over 20,000 records):
        self._eligible_count = 0  # records at this stage (fixed until a rebuild)
        self._maybe_open: set[ReferenceId] = set()  # pending records marked maybe
        self._relevant: set[ReferenceId] = set()  # included at this stage
        self._curve: list[tuple[int, int]] = []  # Progress.curve, one point per decision
        self._curve_seen: dict[ReferenceId, Verdict] = {}
        self._curve_of = 0  # how many of self._decisions the curve has taken in
        self._rebuild()

    # -- the queue ------------------------------------------------------------------------

    def _seen(self, decisions: list[Decision]) -> list[Decision]:
        if self.review.dual:
            return dual_screening.own(decisions, self.manager.reviewer)
        return list(decisions)

    def _eligible(self, ref_id: ReferenceId) -> bool:
        if self.stage is Stage.TITLE_ABSTRACT:
            return True
        settled = self._agreed if self.review.dual else self._latest
        first = settled.get((ref_id, Stage.TITLE_ABSTRACT))
        return first is not None and first.verdict is Verdict.INCLUDE

    def _open(self, ref_id: ReferenceId) -> bool:
        held = self._latest.get((ref_id, self.stage))
        return held is None or held.verdict is Verdict.MAYBE

    def _rebuild(self) -> None:
        self._generation += 1
        if self.review.dual:
            self._agreed = current_decisions(self._dual().consensus())
        pool = [i for i in self._state.pool if self._eligible(i) and self._open(i)]
        if self.order is ScreeningOrder.RANDOM:
            random.Random(self.review.seed).shuffle(pool)
        undecided = [i for i in pool if (i, self.stage) not in self._latest]
        maybe = [i for i in pool if (i, self.stage) in self._latest]
        if self.order is ScreeningOrder.RELEVANCE:
            if self.defer_ranking:
                # The last order applied, until a fresh one arrives from the worker.
                undecided = _reordered(undecided, self._relevance_order)
                self._ranking_wanted = True
            else:
                undecided = list(self._ranked(undecided).order)
        self._pending = undecided + maybe
        self._eligible_count = sum(1 for i in self._state.pool if self._eligible(i))
        self._maybe_open = set(maybe)
        self._relevant = {
            ref_id
            for (ref_id, stage), d in self._latest.items()
            if stage is self.stage and d.verdict is Verdict.INCLUDE and self._eligible(ref_id)
        }

    def _labels(self) -> dict[ReferenceId, bool]:
        labels: dict[ReferenceId, bool] = {}
        for (ref_id, stage), decision in self._latest.items():
            if stage is Stage.TITLE_ABSTRACT and decision.verdict is not Verdict.MAYBE:
                labels[ref_id] = decision.verdict is Verdict.INCLUDE
        return labels

    def _ranked(self, candidates: list[ReferenceId]) -> Ranked:
        self.last_ranking = self._rank(self._labels(), candidates)
        self._since_training = 0
        return self.last_ranking

    def _rank(
        self,
        labels: Mapping[ReferenceId, bool],
        candidates: list[ReferenceId],
        check: Callable[[], None] = lambda: None,
        progress: ProgressReporter = lambda done, total, what: None,
    ) -> Ranked:
        def began(step: RankingStep) -> None:
            check()
            progress(step.number, len(RankingStep), step.value)

        with self._ranker_lock:
            if self._ranker is None:
                began(RankingStep.READING_TEXTS)
                with self.manager.database.reading() as repo:
                    texts = review_store.screening_texts(repo.session, self._state.pool)
                began(RankingStep.BUILDING_FEATURES)
                self._ranker = RelevanceRanker(texts, seed=self.review.seed)
            return self._ranker.rank(labels, candidates, began)

    # -- ranking on another thread (defer_ranking) --------------------------------------------

    @property
    def ranking_due(self) -> bool:
        """Whether a deferred session wants a fresh relevance order now."""
        return (
            self.defer_ranking
            and self.order is ScreeningOrder.RELEVANCE
            and (self._ranking_wanted or self._since_training >= self.retrain_every)
        )

    def ranking_request(self) -> RankingRequest:
        """A snapshot of the decisions so far, for :meth:`run_ranking` on any thread.

        Asking counts as retraining: the next request falls due after ``retrain_every``
        further decisions (or a change of stage or order).
        """
        replace_current = self._ranking_wanted
        self._ranking_wanted = False
        self._since_training = 0
        undecided = tuple(i for i in self._pending if (i, self.stage) not in self._latest)
        return RankingRequest(
            generation=self._generation,
            labels=self._labels(),
            candidates=undecided,
            decided=len(self._decisions),
            replace_current=replace_current,
        )

    def run_ranking(
        self,
        request: RankingRequest,
        check: Callable[[], None] = lambda: None,
        progress: ProgressReporter = lambda done, total, what: None,
    ) -> Ranked:
        """Rank ``request``'s candidates; safe off the UI thread (reads only the store).

        ``check`` is called between the long steps (reading the texts, fitting TF-IDF,
        training, ordering; while waiting, when the worker process ranks) and may raise
        to stop the work, as a cancelled operation does. ``progress(done, total, what)``
        hears of each step as it begins.

        Raises:
            RankingProcessError: the worker process died (ranking in a process).
        """
        if self.ranking_process is not None:
            return self.ranking_process.rank(
                request.labels, request.candidates, check=check, progress=progress
            )
        return self._rank(request.labels, list(request.candidates), check, progress)

    def close(self) -> None:
        """End the ranking's worker process, if any: the session is over."""
        if self.ranking_process is not None:
            self.ranking_process.close()

    def apply_ranking(self, request: RankingRequest, ranked: Ranked) -> bool:
        """Put the undecided records in ``ranked``'s order; False when it came too late.

        The record on screen stays where it is, unless the ranking was asked for by
        choosing the order (or a stage) and nothing has been decided since, when the
        most relevant record takes its place. A ranking made before a change of stage
        or order is dropped.
        """
        if request.generation != self._generation or self.order is not ScreeningOrder.RELEVANCE:
            return False
        self.last_ranking = ranked
        self._relevance_order = ranked.order
        current = self.current_id()
        undecided = [i for i in self._pending if (i, self.stage) not in self._latest]
        maybe = [i for i in self._pending if (i, self.stage) in self._latest]
        ordered = _reordered(undecided, ranked.order)
        keep = not (request.replace_current and request.decided == len(self._decisions))
        if keep and current is not None and current in ordered:
            ordered.remove(current)
            ordered.insert(0, current)
        self._pending = ordered + maybe
        return True

    def rerank(self) -> Ranked | None:
        """Re-rank the undecided records now (relevance order only)."""
        if self.order is not ScreeningOrder.RELEVANCE:
            return None
        self._rebuild()
        return self.last_ranking

    # -- reading ----------------------------------------------------------------------------

    @property
    def pending(self) -> tuple[ReferenceId, ...]:
        return tuple(self._pending)

    def current_id(self) -> ReferenceId | None:
        return self._pending[0] if self._pending else None

    def current(self) -> Reference | None:
        """The record to decide now; the few after it are read ahead."""
        ref_id = self.current_id()
        if ref_id is None:
            return None
        ahead = self._pending[:_LOW_WATER]
        if any(i not in self._cache for i in ahead):
            # Read a good stretch ahead at once: one read per few dozen key presses
            # instead of one per key press (each read costs a few queries).
            missing = [i for i in self._pending[:_READ_AHEAD] if i not in self._cache]
            for ref in self.manager.references(missing):
                if ref.id is not None:
                    self._cache[ref.id] = ref
            while len(self._cache) > _CACHE:
                self._cache.popitem(last=False)
        return self._cache.get(ref_id)

    def decision_of(self, ref_id: ReferenceId, stage: Stage | None = None) -> Decision | None:
        return self._latest.get((ref_id, stage or self.stage))

    @property
    def decisions(self) -> tuple[Decision, ...]:
        """The decisions this reviewer may see (in a dual review, blinded: ``visible_to``)."""
        if self.review.dual:
            return tuple(dual_screening.visible_to(self._all, self.manager.reviewer))
        return tuple(self._decisions)

    def _dual(self) -> dual_screening.DualTally:
        """The dual review's consensus, disagreements and kappa, kept up to date by
        ``decide`` (the window asks for all three after each key press)."""
        if self._tally is None:
            self._tally = dual_screening.DualTally(self._all)
        return self._tally

    @property
    def counts(self) -> PrismaCounts:
        """PRISMA counts; in a dual review only agreed or resolved records count."""
        if self.review.dual:
            agreed = self._dual().consensus()
            return prisma_counts(self._identified, self._state.pool, agreed)
        return prisma_counts(self._identified, self._state.pool, self._decisions)

    def disagreements(self) -> list[dual_screening.Disagreement]:
        """Unresolved disagreements known to this session (dual reviews only)."""
        return self._dual().disagreements() if self.review.dual else []

    def agreement(self) -> dict[Stage, dual_screening.Agreement]:
        """Cohen's kappa per stage from this session's decisions (dual reviews only)."""
        return self._dual().agreement() if self.review.dual else {}

    def team_agreement(self) -> dict[Stage, dual_screening.TeamAgreement]:
        """Fleiss' kappa and each pair's Cohen's kappa per stage (dual reviews only).

        Worked out afresh from every decision: shown only on the Disagreements tab, not
        after each key, so it need not be kept up to date as decisions come.
        """
        return dual_screening.team_agreement(self._all) if self.review.dual else {}

    def progress(self) -> Progress:
        """How far screening is; cheap enough to show after every key press."""
        maybe = len(self._maybe_open)
        return Progress(
            decided=self._eligible_count - len(self._pending),
            remaining=len(self._pending) - maybe,
            maybe=maybe,
            relevant_found=len(self._relevant),
            curve=tuple(self._follow_curve()),
        )

    def _follow_curve(self) -> list[tuple[int, int]]:
        """(screened, relevant found) after each title/abstract decision, taken in once."""
        if self._curve_of > len(self._decisions):  # an undo: start again
            self._curve, self._curve_seen, self._curve_of = [], {}, 0
        screened, found = self._curve[-1] if self._curve else (0, 0)
        for decision in self._decisions[self._curve_of :]:
            if decision.stage is not Stage.TITLE_ABSTRACT:
                continue
            before = self._curve_seen.get(decision.reference_id)
            self._curve_seen[decision.reference_id] = decision.verdict
            was = before is not None and before is not Verdict.MAYBE
            now = decision.verdict is not Verdict.MAYBE
            screened += int(now) - int(was)
            found += int(decision.verdict is Verdict.INCLUDE) - int(before is Verdict.INCLUDE)
            self._curve.append((screened, found))
        self._curve_of = len(self._decisions)
        return self._curve

    def _track(self, ref_id: ReferenceId) -> None:
        """Bring the maybe and relevant sets up to date for one record at this stage."""
        held = self._latest.get((ref_id, self.stage))
        if held is not None and held.verdict is Verdict.MAYBE and ref_id in self._pending:
            self._maybe_open.add(ref_id)
        else:
            self._maybe_open.discard(ref_id)
        if held is not None and held.verdict is Verdict.INCLUDE and self._eligible(ref_id):
            self._relevant.add(ref_id)
        else:
            self._relevant.discard(ref_id)

    # -- deciding ---------------------------------------------------------------------------

    def decide(self, verdict: Verdict, reason: str = "") -> Decision:
        """Decide the current record; the next one becomes current at once.

        Raises:
            UserInputError: nothing left to decide, or a full-text exclusion without a
                reason from the review's list.
        """
        ref_id = self.current_id()
        if ref_id is None:
            raise UserInputError("every record at this stage has been decided")
        if self.stage is Stage.FULL_TEXT and verdict is Verdict.EXCLUDE and not reason.strip():
            raise UserInputError(
                "excluding at full text needs a reason, one of: " + "; ".join(self.review.reasons)
            )
        decision = self.manager.decide_fast(
            self.review, ref_id, verdict, stage=self.stage, reason=reason
        )
        self._decisions.append(decision)
        self._all.append(decision)
        if self._tally is not None:
            self._tally.add(decision)
        self._latest[(ref_id, self.stage)] = decision
        self._pending.pop(0)
        if verdict is Verdict.MAYBE:
            self._pending.append(ref_id)
        self._track(ref_id)
        self._since_training += 1
        if (
            self.order is ScreeningOrder.RELEVANCE
            and not self.defer_ranking
            and self._since_training >= self.retrain_every
        ):
            self._rebuild()
        return decision

    def undo(self) -> Decision | None:
        """Take back the review's latest decision and show its record again."""
        undone = self.manager.undo(self.review)
        if undone is None:
            return None
        self._decisions = [d for d in self._decisions if d.id != undone.id]
        self._all = [d for d in self._all if d.id != undone.id]
        self._tally = None  # worked out again when next asked
        key = (undone.reference_id, undone.stage)
        previous = [d for d in self._decisions if (d.reference_id, d.stage) == key]
        if previous:
            self._latest[key] = previous[-1]
        else:
            self._latest.pop(key, None)
        if undone.stage is self.stage:
            if undone.reference_id in self._pending:
                self._pending.remove(undone.reference_id)
            # Back on screen unless an earlier decision (made elsewhere, say the CLI)
            # still settles it.
            if self._eligible(undone.reference_id) and self._open(undone.reference_id):
                self._pending.insert(0, undone.reference_id)
            self._track(undone.reference_id)
        else:
            # Undoing the other stage changes which records this one holds.
            self._rebuild()
        return undone

    def reload(self, review: Review | None = None) -> None:
        """Read the review again: others' decisions and resolutions made meanwhile.

        The relevance model (its texts) is kept; the queue, counts and curve are rebuilt.
        """
        if review is not None:
            self.review = review
        self._state = self.manager.state(self.review)
        self._identified = identified_by_database(self._state.records)
        self._all = list(self._state.decisions)
        self._tally = None
        self._decisions = self._seen(self._all)
        self._latest = current_decisions(self._decisions)
        self._agreed = self._state.current()
        self._curve, self._curve_seen, self._curve_of = [], {}, 0
        self._rebuild()

    def set_stage(self, stage: Stage) -> None:
        self.stage = stage
        self._rebuild()

    def set_order(self, order: ScreeningOrder) -> None:
        self.order = order
        self._rebuild()

    def set_review(self, review: Review) -> None:
        """The same review with new reasons, highlight terms or screening mode."""
        switched = review.dual != self.review.dual
        self.review = review
        if switched:  # whose decisions decide the queue has changed
            self._decisions = self._seen(self._all)
            self._latest = current_decisions(self._decisions)
            self._tally = None
            self._agreed = current_decisions(self._dual().consensus())
            self._curve, self._curve_seen, self._curve_of = [], {}, 0
            self._rebuild()


def _reordered(ids: list[ReferenceId], order: tuple[ReferenceId, ...]) -> list[ReferenceId]:
    """``ids`` in ``order``'s order; those ``order`` does not name keep theirs, after it."""
    wanted = set(ids)
    first = [i for i in order if i in wanted]
    placed = set(first)
    return first + [i for i in ids if i not in placed]


def highlight_spans(text: str, review: Review) -> list[tuple[int, int, bool]]:
    """Where the review's highlight terms occur in ``text``: (start, end, is_inclusion).

    Case-insensitive, whole words at their start (``peer`` marks "peers" too); where an
    inclusion and an exclusion term overlap, the longer one wins.
    """
    spans: list[tuple[int, int, bool]] = []
    for terms, inclusion in ((review.include_terms, True), (review.exclude_terms, False)):
        for term in terms:
            if not term:
                continue
            pattern = re.compile(r"(?<!\w)" + re.escape(term), re.IGNORECASE)
            spans.extend((m.start(), m.end(), inclusion) for m in pattern.finditer(text))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    chosen: list[tuple[int, int, bool]] = []
    end = -1
    for span in spans:
        if span[0] >= end:
            chosen.append(span)
            end = span[1]
    return chosen
