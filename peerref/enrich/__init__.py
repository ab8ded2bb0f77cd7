"""Metadata completion from Crossref (issue 7), with no Qt and no SQL.

The window, the CLI and the Library use three things from here:

- ``CrossrefClient(api_root, mailto=...)``: the polite HTTP client (one per session).
- ``complete(reference, client) -> Completion`` and ``complete_many(...) -> BatchResult``:
  look up, verify, and describe what would be filled or proposed.
- ``Completion.apply(reference, accept_proposed=...)`` and ``Completion.choose(candidate)``:
  turn the result (or the user's pick) into an updated ``Reference``.

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
    missing_fields,
    needs_completion,
)
from peerref.enrich.crossref import (
    CrossrefClient,
    CrossrefUnavailableError,
    CrossrefWork,
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
    "CrossrefClient",
    "CrossrefUnavailableError",
    "CrossrefWork",
    "FieldCheck",
    "FieldValue",
    "Verdict",
    "WorkQuery",
    "complete",
    "complete_many",
    "missing_fields",
    "needs_completion",
    "user_agent",
]
