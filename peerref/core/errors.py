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


class EnrichError(PeerRefError):
    """Looking up metadata online failed (offline, time-out, garbled answer)."""


class CitationError(PeerRefError):
    """A citation style could not be found or rendered."""
