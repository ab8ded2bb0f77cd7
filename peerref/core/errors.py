"""One error hierarchy for everything PeerRef reports to a person.

Lower layers wrap their own failures (SQLAlchemy, parsers, HTTP) in these classes at
their boundary, so the CLI and the window can show ``str(error)`` as a message and
treat anything that is *not* a ``PeerRefError`` as a bug to log.
"""

from __future__ import annotations


class PeerRefError(Exception):
    """Base of every error that carries a message meant for the user."""


class UserInputError(PeerRefError):
    """The user asked for something that cannot be done as asked (unknown id, bad name)."""


class NotFoundError(UserInputError):
    """A reference, collection, note or file named by the user does not exist."""


class FormatError(PeerRefError):
    """Input text or a file could not be read as references.

    Attributes:
        line: 1-based line of the input where the problem was found, when known.
        tried: names of the formats that were attempted, for "nothing matched" errors.
    """

    def __init__(self, message: str, *, line: int | None = None, tried: tuple[str, ...] = ()):
        super().__init__(message)
        self.line = line
        self.tried = tried


class LibraryFileError(PeerRefError):
    """The library file cannot be used: damaged, not a PeerRef library, or locked."""


class NewerLibraryError(LibraryFileError):
    """The library was written by a newer PeerRef whose schema this version does not know."""


class StorageError(PeerRefError):
    """A write failed; the transaction was rolled back and the library is as it was."""


class ConflictError(PeerRefError):
    """An edit was made on a stale copy: someone else changed the reference meanwhile.

    Nothing was saved. The message names who made the other change and what it was, so
    the person can reload and decide; the edit is never applied over theirs silently.

    Attributes:
        reference_id: the reference both edited.
        by: who made the change that came first ("" when unknown).
        differences: (field, the stored value, the refused edit's value) for each field
            where they differ, as short texts.
    """

    def __init__(
        self,
        message: str,
        *,
        reference_id: int,
        by: str = "",
        differences: tuple[tuple[str, str, str], ...] = (),
    ) -> None:
        super().__init__(message)
        self.reference_id = reference_id
        self.by = by
        self.differences = differences


class EnrichError(PeerRefError):
    """Looking up metadata online failed (offline, time-out, garbled answer)."""


class CitationError(PeerRefError):
    """A citation style could not be found or rendered."""
