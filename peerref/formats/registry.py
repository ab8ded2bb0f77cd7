"""Find the right reader for a text by its content, not its file name (STYLE.md #9).

Readers live one format per module in this package and declare themselves in a
module-level ``READERS`` tuple (writers in ``WRITERS``). Discovery walks the package
once, so adding a format is adding a module.
"""

from __future__ import annotations

import codecs
import gc
import importlib
import logging
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from peerref.core.errors import FormatError
from peerref.formats.base import ParseResult, Reader, Writer

log = logging.getLogger(__name__)

# Below this, a reader's sniff score does not count as recognising the text.
MIN_SNIFF_SCORE = 0.2


@cache
def _discover() -> tuple[tuple[Reader, ...], tuple[Writer, ...]]:
    import peerref.formats as package

    readers: list[Reader] = []
    writers: list[Writer] = []
    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name in {"base", "registry"} or info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        readers.extend(getattr(module, "READERS", ()))
        writers.extend(getattr(module, "WRITERS", ()))
    return tuple(readers), tuple(writers)


def readers() -> tuple[Reader, ...]:
    """Every known reader, in a stable order."""
    return _discover()[0]


def writers() -> tuple[Writer, ...]:
    """Every known writer, in a stable order."""
    return _discover()[1]


def reader_named(name: str) -> Reader:
    """The reader whose ``name`` is ``name``; ``FormatError`` listing the choices otherwise."""
    for reader in readers():
        if reader.name == name:
            return reader
    known = ", ".join(r.name for r in readers())
    raise FormatError(f"unknown format {name!r}; known formats: {known}")


def writer_named(name: str) -> Writer:
    """The writer whose ``name`` is ``name``; ``FormatError`` listing the choices otherwise."""
    for writer in writers():
        if writer.name == name:
            return writer
    known = ", ".join(w.name for w in writers())
    raise FormatError(f"unknown export format {name!r}; known formats: {known}")


def decode(data: bytes) -> str:
    """Bytes to text: BOMs honoured, UTF-8 preferred, Windows-1252 as the last resort.

    Raises:
        FormatError: for binary data (NUL bytes in what is not UTF-16), such as an image.
    """
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise FormatError(f"the text is not valid {encoding}: {error}") from error
    if b"\x00" in data[:4096]:
        raise FormatError("this is binary data (an image or a program?), not text with references")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def rank(text: str) -> list[tuple[float, Reader]]:
    """Readers that recognise ``text``, best first."""
    scored: list[tuple[float, Reader]] = []
    for reader in readers():
        try:
            score = float(reader.sniff(text))
        except Exception:  # a sniffer must never break detection for the others
            log.exception("sniffer of %s failed", reader.name)
            continue
        if score >= MIN_SNIFF_SCORE:
            scored.append((score, reader))
    scored.sort(key=lambda pair: -pair[0])
    return scored


def parse_text(text: str, format_name: str | None = None) -> ParseResult:
    """Parse text with the named reader, or with the best one that recognises it.

    Readers are tried best first; the first that finds at least one entry wins.

    Raises:
        FormatError: when no reader finds anything; its message lists what was tried.
    """
    if not text.strip():
        raise FormatError("the text is empty")
    if format_name is not None:
        return _read_safely(reader_named(format_name), text)
    tried: list[str] = []
    errors: list[str] = []
    for _score, reader in rank(text):
        tried.append(reader.name)
        try:
            result = _read_safely(reader, text)
        except FormatError as error:
            errors.append(f"{reader.label}: {error}")
            continue
        if result.entries:
            return ParseResult(
                format_name=result.format_name,
                format_label=result.format_label,
                entries=result.entries,
                skipped=result.skipped,
                warnings=result.warnings,
                tried=tuple(tried),
            )
    if not tried:
        known = ", ".join(r.label for r in readers())
        raise FormatError(
            f"no references recognised: the text matches none of the known formats ({known})",
            tried=tuple(r.name for r in readers()),
        )
    detail = "; ".join(errors) if errors else "no entries found"
    raise FormatError(
        f"no references recognised (tried {', '.join(tried)}): {detail}", tried=tuple(tried)
    )


def parse_bytes(data: bytes, format_name: str | None = None) -> ParseResult:
    """Decode then parse, for files and drops."""
    return parse_text(decode(data), format_name)


@contextmanager
def _cycle_collection_paused() -> Iterator[None]:
    """Hold back CPython's cycle collector while a reader runs, then let it run again.

    A reader builds tens of thousands of small objects (references, creators, sections,
    tuples) that never form reference cycles, and keeps all of them. The collector would
    scan that growing heap again and again looking for cycles: a third of the time of
    reading a 10,000-entry page. Reference counting still frees everything a reader drops.
    Only the call that paused the collector restarts it, so nested or concurrent reads
    never leave it off.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _read_safely(reader: Reader, text: str) -> ParseResult:
    try:
        with _cycle_collection_paused():
            return reader.read(text)
    except FormatError:
        raise
    except RecursionError as error:
        raise FormatError(f"{reader.label}: the input is nested too deeply") from error
    except Exception as error:  # a reader bug must not crash an import: report and log it
        log.exception("reader %s failed", reader.name)
        raise FormatError(f"{reader.label} could not read this text ({error})") from error
