"""Metadata completion from Crossref (issue 7), with no Qt and no SQL.

The window, the CLI and the Library use three things from here:

- ``CrossrefClient(api_root, mailto=...)``: the polite HTTP client (one per session).
- ``complete(reference, client) -> Completion`` and ``complete_many(...) -> BatchResult``:
  look up, verify, and describe what would be filled or proposed.
- ``Completion.apply(reference, accept_proposed=...)`` and ``Completion.choose(candidate)``:
  turn the result (or the user's pick) into an updated ``Reference``.
- ``complete_with_doi(reference, doi, client)``: the record the user names, checked but
  never refused.
- ``Deadline`` and ``CrossrefClient.cancel()``: lookups and runs end in bounded time, and
  at once when the user cancels or quits.

Every failure is an ``peerref.core.errors.EnrichError`` with a message for the user.
"""

from __future__ import annotations

from peerref.enrich.complete import (
    COMPLETABLE_FIELDS,
    BatchResult,
    Completion,
    CompletionStatus,
    FieldValue,
    complete,
    complete_many,
    complete_with_doi,
    missing_fields,
    needs_completion,
    run_deadline_for,
)
from peerref.enrich.crossref import (
    CrossrefCancelledError,
    CrossrefClient,
    CrossrefUnavailableError,
    CrossrefWork,
    Deadline,
    WorkQuery,
    user_agent,
)
from peerref.enrich.matching import Candidate, FieldCheck, Verdict

__all__ = [
    "COMPLETABLE_FIELDS",
    "BatchResult",
    "Candidate",
    "Completion",
    "CompletionStatus",
    "CrossrefCancelledError",
    "CrossrefClient",
    "CrossrefUnavailableError",
    "CrossrefWork",
    "Deadline",
    "FieldCheck",
    "FieldValue",
    "Verdict",
    "WorkQuery",
    "complete",
    "complete_many",
    "complete_with_doi",
    "missing_fields",
    "needs_completion",
    "run_deadline_for",
    "user_agent",
]
