"""Complete references from Crossref: look up, verify, and say exactly what would change.

``complete`` never changes a reference. It returns a ``Completion`` that separates what is
safe (``filled``: fields that are empty in ours) from what needs a person (``proposed``:
fields where Crossref says something different). The caller — the Library, which records
provenance and undo — applies it with ``Completion.apply``. When no candidate is certain,
the completion lists the plausible ones and ``Completion.choose`` turns the user's pick
into the same kind of result.
"""

from __future__ import annotations

import enum
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from peerref.core.errors import EnrichError, UserInputError
from peerref.core.ids import doi_key, normalise_doi, normalise_issn
from peerref.core.model import (
    AbstractSection,
    Creator,
    PartialDate,
    Reference,
    ReferenceType,
)
from peerref.enrich.crossref import (
    CrossrefCancelledError,
    CrossrefClient,
    CrossrefUnavailableError,
    Deadline,
)
from peerref.enrich.matching import (
    Candidate,
    MatchDecision,
    build_query,
    decide,
    describe_differences,
    first_page,
    fold,
    fold_words,
    verify,
)

# A value of one completable Reference field.
FieldValue = (
    str
    | PartialDate
    | ReferenceType
    | tuple[str, ...]
    | tuple[Creator, ...]
    | tuple[AbstractSection, ...]
)

# Fields Crossref may complete, in the order they are shown to the user.
COMPLETABLE_FIELDS: tuple[str, ...] = (
    "title",
    "creators",
    "container_title",
    "container_title_short",
    "volume",
    "issue",
    "page",
    "issued",
    "doi",
    "issn",
    "publisher",
    "abstract",
    "type",
)
# Fields filled when empty but never proposed over ours: their wording differs between
# sources without either being wrong ("Emerald" vs "Emerald Publishing Limited").
_FILL_ONLY_FIELDS = frozenset({"container_title_short", "publisher"})
# The fields whose absence makes a reference worth completing (issue 7).
MISSING_FIELDS_THAT_MATTER: tuple[str, ...] = ("title", "doi", "container_title", "page", "issn")
# One reference's lookup (its DOI, then a search, retries and back-offs included) ends
# by this many seconds, however slowly Crossref answers.
LOOKUP_DEADLINE_SECONDS = 60.0
# A whole run ends by RUN_DEADLINE_BASE_SECONDS plus this much per reference: enough for
# a healthy Crossref many times over, but a slow one cannot hold the library for hours.
RUN_DEADLINE_BASE_SECONDS = 120.0
RUN_DEADLINE_PER_REFERENCE_SECONDS = 10.0
# How often a batch waiting for its lookups looks at the cancel flag.
_CANCEL_POLL_SECONDS = 0.05
# Names a source may use in ``Reference.truncated`` for each field.
_TRUNCATION_NAMES: dict[str, frozenset[str]] = {
    "creators": frozenset({"creators", "author", "authors"}),
    "container_title": frozenset({"container_title", "container-title"}),
    "abstract": frozenset({"abstract"}),
    "title": frozenset({"title"}),
}


class CompletionStatus(enum.Enum):
    """How a completion ended."""

    MATCHED = "matched"  # one verified candidate; filled/proposed are ready
    CHOOSE = "choose"  # plausible candidates, none certain: the user picks
    NO_MATCH = "no-match"  # nothing plausible came back (or too little to search for)
    FAILED = "failed"  # the lookup itself failed; ``message`` says why
    SKIPPED = "skipped"  # not attempted: the batch was cancelled or Crossref went away


@dataclass(frozen=True, slots=True)
class Completion:
    """What Crossref can add to one reference, and what it would change.

    Attributes:
        reference: the reference as it was when completed.
        status: see ``CompletionStatus``.
        match: the verified candidate when MATCHED (or chosen by the user).
        candidates: plausible candidates to choose from when CHOOSE.
        rejected: candidates that contradicted what we know, with their field checks.
        filled: field -> value for fields empty in ``reference``; applied by ``apply``.
        proposed: field -> (ours, theirs) for fields that differ; applied only when accepted.
        message: a sentence for the user (why nothing matched, what failed).
    """

    reference: Reference
    status: CompletionStatus
    match: Candidate | None = None
    candidates: tuple[Candidate, ...] = ()
    rejected: tuple[Candidate, ...] = ()
    filled: Mapping[str, FieldValue] = field(default_factory=lambda: MappingProxyType({}))
    proposed: Mapping[str, tuple[FieldValue, FieldValue]] = field(
        default_factory=lambda: MappingProxyType({})
    )
    message: str = ""

    @property
    def changes_anything(self) -> bool:
        return bool(self.filled or self.proposed)

    def choose(self, candidate: Candidate) -> Completion:
        """The completion as if ``candidate`` had matched: the user picked it from the list.

        Filled and proposed fields are worked out exactly as for an automatic match, so a
        user's choice still never overwrites a field without a second confirmation.
        """
        return matched_completion(self.reference, candidate, rejected=self.rejected)

    def apply(
        self, reference: Reference | None = None, *, accept_proposed: bool | Collection[str] = ()
    ) -> Reference:
        """``reference`` (default: the one completed) with filled and accepted fields set.

        A filled field is set only if it is still empty, so an edit made while the lookup
        ran is never overwritten. ``accept_proposed`` is True for every proposal or the
        names of those the user accepted. Library fields (id, tags, notes) are untouched.
        """
        base = self.reference if reference is None else reference
        accepted: Collection[str] = (
            tuple(self.proposed) if accept_proposed is True else (accept_proposed or ())
        )
        unknown = set(accepted) - set(self.proposed)
        if unknown:
            raise ValueError(f"not proposed: {', '.join(sorted(unknown))}")
        changes: dict[str, FieldValue] = {}
        for name, value in self.filled.items():
            if _is_empty(name, getattr(base, name)) or _is_truncated(base, name):
                changes[name] = value
        for name in accepted:
            changes[name] = self.proposed[name][1]
        if not changes:
            return base
        truncated = base.truncated - frozenset().union(
            *(_TRUNCATION_NAMES.get(name, frozenset({name})) for name in changes)
        )
        return replace(base, truncated=truncated, **changes)  # type: ignore[arg-type]


def missing_fields(reference: Reference) -> tuple[str, ...]:
    """The fields whose absence makes a reference worth completing (title, DOI, journal …).

    Books and chapters have no ISSN and often no pages, so those are only asked of articles.
    """
    wanted = MISSING_FIELDS_THAT_MATTER
    if reference.type is not ReferenceType.ARTICLE_JOURNAL:
        wanted = ("title", "doi")
    return tuple(name for name in wanted if _is_empty(name, getattr(reference, name)))


def needs_completion(reference: Reference) -> bool:
    """True when something worth completing is missing or was cut short by the source."""
    return bool(missing_fields(reference) or reference.truncated)


def complete(
    reference: Reference, client: CrossrefClient, *, deadline: Deadline | None = None
) -> Completion:
    """Find ``reference`` on Crossref and work out what it would add or change.

    A DOI we already have is looked up directly and is decisive: Crossref's record for it
    is the match, and whatever it says differently is proposed. Only when Crossref does
    not know the DOI is the reference searched for instead. Nothing is changed here:
    apply the result with ``Completion.apply``. ``deadline`` bounds the whole lookup.

    Raises:
        EnrichError: Crossref was unreachable, too slow or answered garbage.
        CrossrefCancelledError: the client was cancelled meanwhile.
    """
    rejected: tuple[Candidate, ...] = ()
    doi = normalise_doi(reference.doi)
    if doi:
        work = client.work(doi, deadline=deadline)
        if work is not None:
            decision = decide(reference, [work])
            if decision.accepted is not None:
                return matched_completion(reference, decision.accepted)
            rejected = decision.rejected
    query = build_query(reference)
    if query.is_empty or not (reference.title or reference.authors):
        # A journal name alone would return that journal's most "relevant" papers.
        return Completion(
            reference=reference,
            status=CompletionStatus.NO_MATCH,
            rejected=rejected,
            message="Too little is known about this reference to search Crossref for it.",
        )
    decision = decide(reference, client.search(query, deadline=deadline))
    return _from_decision(reference, decision, extra_rejected=rejected)


def complete_with_doi(
    reference: Reference, doi: str, client: CrossrefClient, *, deadline: Deadline | None = None
) -> Completion:
    """The completion from the record the user names by its DOI, checked but never refused.

    The user knows which paper this is: Crossref's record is the match whatever it says,
    but every field is still compared, so what agrees and what differs is shown beside the
    proposals (which, as always, change nothing until accepted).

    Raises:
        UserInputError: ``doi`` is not a DOI.
        EnrichError: Crossref could not be asked.
    """
    wanted = normalise_doi(doi)
    if not wanted:
        raise UserInputError(f"{doi.strip() or 'an empty text'!r} is not a DOI (10.xxxx/…)")
    work = client.work(wanted, deadline=deadline)
    if work is None:
        return Completion(
            reference=reference,
            status=CompletionStatus.NO_MATCH,
            message=f"Crossref has no record with the DOI {wanted}.",
        )
    return matched_completion(reference, verify(reference, work))


def _from_decision(
    reference: Reference, decision: MatchDecision, *, extra_rejected: tuple[Candidate, ...] = ()
) -> Completion:
    rejected = extra_rejected + decision.rejected
    if decision.accepted is not None:
        return matched_completion(reference, decision.accepted, rejected=rejected)
    if decision.choices:
        return Completion(
            reference=reference,
            status=CompletionStatus.CHOOSE,
            candidates=decision.choices,
            rejected=rejected,
            message=(
                f"Crossref has {len(decision.choices)} possible "
                f"match{'es' if len(decision.choices) != 1 else ''}; "
                "none is certain enough to use without asking."
            ),
        )
    return Completion(
        reference=reference,
        status=CompletionStatus.NO_MATCH,
        rejected=rejected,
        message=_refusal_message(rejected),
    )


def _refusal_message(rejected: Sequence[Candidate]) -> str:
    """Why nothing matched, with the grammar right and the first disagreement named."""
    if not rejected:
        return "Crossref has nothing that matches this reference."
    if len(rejected) == 1:
        head = "Crossref's closest result contradicts what is known about this reference"
    else:
        head = (
            f"Crossref's {len(rejected)} closest results contradict what is known about "
            "this reference"
        )
    differences = describe_differences(rejected[0])
    return f"{head} ({differences})." if differences else f"{head}."


def matched_completion(
    reference: Reference, candidate: Candidate, *, rejected: tuple[Candidate, ...] = ()
) -> Completion:
    """A MATCHED completion from ``candidate``: fill what is empty, propose what differs."""
    filled: dict[str, FieldValue] = {}
    proposed: dict[str, tuple[FieldValue, FieldValue]] = {}
    theirs_ref = candidate.reference
    for name in COMPLETABLE_FIELDS:
        ours: FieldValue = getattr(reference, name)
        theirs: FieldValue = getattr(theirs_ref, name)
        if _is_empty(name, theirs):
            continue
        if _is_empty(name, ours) or (
            _is_truncated(reference, name) and _extends(name, ours, theirs)
        ):
            filled[name] = theirs
        elif name not in _FILL_ONLY_FIELDS and not _same(name, ours, theirs, theirs_ref):
            proposed[name] = (ours, theirs)
    return Completion(
        reference=reference,
        status=CompletionStatus.MATCHED,
        match=candidate,
        rejected=rejected,
        filled=MappingProxyType(filled),
        proposed=MappingProxyType(proposed),
        message=_match_message(candidate),
    )


def _match_message(candidate: Candidate) -> str:
    agreeing = ", ".join(candidate.agreeing) or "nothing"
    verb = "agrees" if len(candidate.agreeing) == 1 else "agree"
    message = f"Matched {candidate.doi} ({agreeing} {verb}"
    differences = describe_differences(candidate)
    return f"{message}; differs: {differences})." if differences else f"{message})."


def _is_empty(name: str, value: FieldValue) -> bool:
    if isinstance(value, PartialDate):
        return value.is_empty
    if isinstance(value, ReferenceType):
        return value is ReferenceType.OTHER  # "document": nobody knew the type
    return not value


def _is_truncated(reference: Reference, name: str) -> bool:
    return bool(reference.truncated & _TRUNCATION_NAMES.get(name, frozenset({name})))


def _extends(name: str, ours: FieldValue, theirs: FieldValue) -> bool:
    """Theirs continues what the source cut short (the same start, more after it)."""
    if name == "creators" and isinstance(ours, tuple) and isinstance(theirs, tuple):
        our_keys = [_creator_key(c) for c in ours if isinstance(c, Creator)]
        their_keys = [_creator_key(c) for c in theirs if isinstance(c, Creator)]
        return len(their_keys) >= len(our_keys) and their_keys[: len(our_keys)] == our_keys
    if isinstance(ours, str) and isinstance(theirs, str):
        start = fold_words(ours.rstrip(".… "))
        return fold_words(theirs).startswith(start)
    if isinstance(ours, tuple) and isinstance(theirs, tuple):
        our_text = fold_words(" ".join(s.text for s in ours if isinstance(s, AbstractSection)))
        their_text = fold_words(" ".join(s.text for s in theirs if isinstance(s, AbstractSection)))
        return their_text.startswith(our_text.rstrip("."))
    return False


def _creator_key(creator: Creator) -> str:
    return fold(creator.literal or creator.family_with_particle())


def _same(name: str, ours: FieldValue, theirs: FieldValue, theirs_ref: Reference) -> bool:
    """Whether two values say the same thing, ignoring case, spacing and typography."""
    if isinstance(ours, PartialDate) and isinstance(theirs, PartialDate):
        return ours.year == theirs.year
    if isinstance(ours, ReferenceType) or isinstance(theirs, ReferenceType):
        return ours == theirs
    if isinstance(ours, str) and isinstance(theirs, str):
        if name == "doi":
            return doi_key(ours) == doi_key(theirs)
        if name == "page":
            return _page_key(ours) == _page_key(theirs)
        if name == "container_title":
            names = {fold_words(theirs), fold_words(theirs_ref.container_title_short)}
            return fold_words(ours) in names
        return fold_words(ours) == fold_words(theirs)
    if not isinstance(ours, tuple) or not isinstance(theirs, tuple):
        return ours == theirs
    if name == "issn":
        our_issns = {normalise_issn(i) for i in ours if isinstance(i, str)}
        their_issns = {normalise_issn(i) for i in theirs if isinstance(i, str)}
        return our_issns <= their_issns
    if name == "creators":
        our_people = [_person_key(c) for c in ours if isinstance(c, Creator)]
        their_people = [_person_key(c) for c in theirs if isinstance(c, Creator)]
        return our_people == their_people
    if name == "abstract":
        our_text = " ".join(s.text for s in ours if isinstance(s, AbstractSection))
        their_text = " ".join(s.text for s in theirs if isinstance(s, AbstractSection))
        return fold_words(our_text) == fold_words(their_text)
    return ours == theirs


def _person_key(creator: Creator) -> tuple[str, str]:
    return (fold(creator.literal or creator.family_with_particle()), fold(creator.given))


def _page_key(page: str) -> tuple[str, str]:
    start = first_page(page)
    rest = page.strip()
    end = ""
    for dash in "-‐‑‒–—":
        if dash in rest:
            end = rest.rsplit(dash, 1)[1].strip()
            break
    return (start.casefold(), end.casefold())


# --- many references ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BatchResult:
    """Completions for a batch, in the order the references were given.

    Attributes:
        completions: one per reference; SKIPPED for those never looked up.
        cancelled: the user cancelled before every reference was looked up.
        stopped_by: the error that stopped the batch (Crossref unreachable), if any.
    """

    completions: tuple[Completion, ...]
    cancelled: bool = False
    stopped_by: str = ""

    def with_status(self, status: CompletionStatus) -> tuple[Completion, ...]:
        return tuple(c for c in self.completions if c.status is status)


ProgressCallback = Callable[[int, int], None]
CancelCheck = Callable[[], bool]


def run_deadline_for(count: int) -> Deadline:
    """The default deadline of a run over ``count`` references (see the constants)."""
    seconds = RUN_DEADLINE_BASE_SECONDS + RUN_DEADLINE_PER_REFERENCE_SECONDS * count
    return Deadline.after(
        seconds,
        f"Completion stopped after {seconds:g} seconds: Crossref is answering too slowly "
        "to finish; what was found before is kept.",
    )


def complete_many(
    references: Sequence[Reference],
    client: CrossrefClient,
    *,
    progress: ProgressCallback | None = None,
    is_cancelled: CancelCheck | None = None,
    workers: int | None = None,
    lookup_seconds: float = LOOKUP_DEADLINE_SECONDS,
    run_deadline: Deadline | None = None,
) -> BatchResult:
    """Complete many references with a few lookups in flight, for a background job.

    ``progress(done, total)`` is called after each reference (from the calling thread).
    ``is_cancelled()`` is polled while lookups run; once it says yes the client is
    cancelled, so lookups in flight end at once and the rest are SKIPPED (what finished
    is returned). Each lookup ends by ``lookup_seconds`` and the whole run by
    ``run_deadline`` (default ``run_deadline_for(len(references))``), however slowly
    Crossref trickles its answers. Two references in the batch are never given the same
    DOI: if Crossref's best match for one is claimed by another (or is a DOI another
    already has), both are sent back to the user to choose.

    A reference whose lookup fails is reported FAILED and the batch goes on; if Crossref
    is unreachable altogether (or the run's deadline passes) the batch stops and the rest
    are SKIPPED.
    """
    total = len(references)
    results: list[Completion | None] = [None] * total
    worker_count = max(1, min(workers or client.max_in_flight, client.max_in_flight, total or 1))
    run = run_deadline if run_deadline is not None else run_deadline_for(total)
    cancelled = False
    stop = threading.Event()
    stopped_by = ""
    done = 0
    pending: dict[Future[Completion], int] = {}
    order: Iterator[int] = iter(range(total))

    def look_up(reference: Reference) -> Completion:
        lookup = Deadline.after(lookup_seconds)
        return complete(reference, client, deadline=Deadline.earliest(lookup, run))

    def check_cancelled() -> bool:
        nonlocal cancelled
        if not cancelled and is_cancelled is not None and is_cancelled():
            cancelled = True
            client.cancel()  # lookups in flight end now instead of when Crossref answers
        return cancelled or client.cancelled

    def submit_next(pool: ThreadPoolExecutor) -> bool:
        nonlocal stopped_by
        if stop.is_set() or check_cancelled():
            return False
        if run.expired:
            stop.set()
            stopped_by = stopped_by or run.message
            return False
        index = next(order, None)
        if index is None:
            return False
        pending[pool.submit(look_up, references[index])] = index
        return True

    with ThreadPoolExecutor(max_workers=worker_count, thread_name_prefix="crossref") as pool:
        for _ in range(worker_count):
            if not submit_next(pool):
                break
        while pending:
            finished, _ = wait(pending, timeout=_CANCEL_POLL_SECONDS, return_when=FIRST_COMPLETED)
            check_cancelled()
            for future in finished:
                index = pending.pop(future)
                try:
                    results[index] = future.result()
                except CrossrefCancelledError:
                    cancelled = True
                    continue  # not looked up: reported SKIPPED below
                except CrossrefUnavailableError as error:
                    stop.set()
                    message = run.message if run.expired else str(error)
                    stopped_by = stopped_by or message
                    results[index] = _failed(references[index], message)
                except EnrichError as error:
                    results[index] = _failed(references[index], str(error))
                done += 1
                if progress is not None:
                    progress(done, total)
                submit_next(pool)
    not_looked_up = "Not looked up: " + (
        stopped_by or "the completion was cancelled before this reference was finished."
    )
    completions = [
        result
        if result is not None
        else Completion(
            reference=references[i], status=CompletionStatus.SKIPPED, message=not_looked_up
        )
        for i, result in enumerate(results)
    ]
    return BatchResult(
        completions=tuple(_one_doi_per_reference(completions)),
        cancelled=cancelled,
        stopped_by=stopped_by,
    )


def _failed(reference: Reference, message: str) -> Completion:
    return Completion(reference=reference, status=CompletionStatus.FAILED, message=message)


def _one_doi_per_reference(completions: Sequence[Completion]) -> list[Completion]:
    """Send back to the user any match whose DOI is claimed twice within the batch."""
    claims: Counter[str] = Counter()
    for completion in completions:
        own = doi_key(completion.reference.doi)
        if own:
            claims[own] += 1
        if completion.match is not None and doi_key(completion.match.doi) != own:
            claims[doi_key(completion.match.doi)] += 1
    fixed: list[Completion] = []
    for completion in completions:
        match = completion.match
        if (
            match is not None
            and doi_key(match.doi) != doi_key(completion.reference.doi)
            and claims[doi_key(match.doi)] > 1
        ):
            completion = Completion(
                reference=completion.reference,
                status=CompletionStatus.CHOOSE,
                candidates=(match,),
                rejected=completion.rejected,
                message=(
                    f"Crossref's match {match.doi} also fits another reference in this batch; "
                    "please choose."
                ),
            )
        fixed.append(completion)
    return fixed
