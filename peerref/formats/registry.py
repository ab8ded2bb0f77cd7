"""Find the right reader for a text by its content, not its file name (STYLE.md #9).

Readers live one format per module in this package and declare themselves in a
module-level ``READERS`` tuple (writers in ``WRITERS``). Discovery walks the package
once, so adding a format is adding a module. Formats recognised but not read yet are
refused by name first (``_unsupported``). Bytes are decoded by their byte-order mark or
XML declaration, else as UTF-8, else by charset-normalizer's guess, which the result
names in a warning (``parse_bytes``).
"""

from __future__ import annotations

import codecs
import contextlib
import gc
import importlib
import logging
import pkgutil
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cache

import charset_normalizer

from peerref.core.errors import FormatError
from peerref.core.limits import checked_reference, clean_text, input_too_large_message
from peerref.formats._unsupported import identify as identify_unsupported
from peerref.formats.base import (
    Diagnostic,
    ParsedEntry,
    ParseResult,
    Reader,
    Writer,
    line_number_at,
)

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


# Encodings a reference file without a byte-order mark may be in, for charset-normalizer to
# choose from: Unicode, the Windows code pages databases and EndNote write on each continent,
# and the national standards of Chinese, Japanese and Korean exports (CNKI, Wanfang, CiNii).
# Leaving out the DOS and Mac code pages keeps a short Western file from being taken for one.
_CANDIDATE_ENCODINGS = (
    "utf_8",
    "utf_16_le",
    "utf_16_be",
    "utf_32_le",
    "utf_32_be",
    "cp1252",
    "cp1250",
    "cp1251",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
    "iso8859_2",
    "koi8_r",
    "gb18030",
    "big5",
    "cp932",
    "euc_jp",
    "euc_kr",
)
# When several encodings give the very same text, the one to name in the warning, and when
# several fit equally well, the one to read with: the commonest first (a Western file read
# "as cp1250" would puzzle its owner, and turn its "ñ" into "ń").
_NAMING_PREFERENCE = ("cp1252", "gb18030", "cp932", "big5", "euc_kr", "cp1251", "cp1250")
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_XML_ENCODING = re.compile(
    rb"^\s*<\?xml[^>]{0,200}?encoding\s*=\s*[\"']([A-Za-z][\w.:-]{0,40})[\"']"
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    """Text decoded from bytes, with the encoding used and whether it was only a guess.

    ``guessed`` is True when nothing declared the encoding (no byte-order mark, no XML
    declaration) and the bytes are not UTF-8: the reader's result then says which
    encoding was assumed, so a person seeing odd letters knows why.
    """

    text: str
    encoding: str
    guessed: bool = False


def decode_bytes(data: bytes) -> DecodedText:
    """Bytes to text: a BOM or an XML declaration decides, then UTF-8, then a detected guess.

    The guess is charset-normalizer's (it also recognises UTF-16 without a BOM), not ours:
    telling GBK from cp1252 takes statistics over the text, which that library keeps.

    Raises:
        FormatError: for binary data (an image, a PDF, a program), a declared encoding
            the bytes do not follow, or more than ``core.limits.MAX_INPUT_BYTES``.
    """
    too_large = input_too_large_message(len(data), "the file")
    if too_large is not None:
        raise FormatError(too_large)
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return DecodedText(_decode_strictly(data, encoding), encoding)
    has_nul = b"\x00" in data[:4096] and not _has_stray_nuls_only(data)
    declared = _XML_ENCODING.match(data)
    if declared:
        # A declaration the bytes do not follow (UTF-8 with a stray Windows byte, or a
        # UTF-16 declaration on one-byte text) is ignored: the bytes are then guessed.
        encoding = declared.group(1).decode("ascii").lower()
        with contextlib.suppress(LookupError, UnicodeDecodeError):
            if has_nul or not codecs.lookup(encoding).name.startswith(("utf-16", "utf-32")):
                return DecodedText(data.decode(encoding), encoding)
    if not has_nul:
        with contextlib.suppress(UnicodeDecodeError):
            return DecodedText(data.decode("utf-8"), "utf-8")
    matches = charset_normalizer.from_bytes(data, cp_isolation=list(_CANDIDATE_ENCODINGS))
    best = matches.best()
    if best is not None:
        # A short text often fits several code pages equally well (Spanish "Núñez" is
        # as coherent in cp1250, where it reads "Núńez"): of those, the commonest wins.
        tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
        best = min(tied, key=lambda m: _preference(m.encoding))
    past_nuls = None
    if b"\x00" in data and (best is None or not best.encoding.startswith("utf_")):
        past_nuls = _guess_past_stray_nuls(data)
        best = past_nuls or best
    if best is None or (has_nul and past_nuls is None and not best.encoding.startswith("utf_")):
        if has_nul:
            raise FormatError(
                "this is binary data (an image or a program?), not text with references"
            )
        return DecodedText(data.decode("cp1252", errors="replace"), "cp1252", guessed=True)
    same_text = best.could_be_from_charset
    encoding = next((e for e in _NAMING_PREFERENCE if e in same_text), best.encoding)
    if past_nuls is not None:
        # Guessed without its NULs: read all of it (NULs included, for ``parse_text`` to
        # remove and count) in the encoding found.
        return DecodedText(data.decode(best.encoding), encoding, guessed=True)
    return DecodedText(str(best), encoding, guessed=True)


# UTF-16 or UTF-32 text without a byte-order mark has a NUL beside nearly every ASCII
# letter, and programs and images are full of them: a text file with a stray NUL (a
# damaged export, or a field that held one) has only a few.
_STRAY_NUL_SHARE = 0.05


def _has_stray_nuls_only(data: bytes) -> bool:
    """Whether ``data`` is UTF-8 text whose few NULs are stray characters, not binary data.

    Such text is read as UTF-8; ``parse_text`` then removes the NULs with a warning, so
    PeerRef reads its own exports of a field that held one.
    """
    if data.count(b"\x00") > len(data) * _STRAY_NUL_SHARE:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


# Bytes other than NUL that text does not hold but programs and compressed data do (C0
# controls but tab, line feed, form feed, carriage return and escape): random bytes are
# about one in ten of them.
_BINARY_CONTROLS = re.compile(rb"[\x01-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def _guess_past_stray_nuls(data: bytes) -> charset_normalizer.CharsetMatch | None:
    """The one-byte or CJK encoding of text that is not UTF-8 and holds a few stray NULs.

    A cp1252 export with a NUL in one field is text: the encoding is guessed from the
    bytes without their NULs, and only an encoding in which a NUL byte is a NUL character
    is accepted (not UTF-16 or UTF-32, whose NULs are half of each letter). Data with
    many NULs or other control bytes stays binary.
    """
    share = len(data) * _STRAY_NUL_SHARE
    if data.count(b"\x00") > share or len(_BINARY_CONTROLS.findall(data)) > share:
        return None
    text_encodings = [e for e in _CANDIDATE_ENCODINGS if not e.startswith(("utf_16", "utf_32"))]
    matches = charset_normalizer.from_bytes(data.replace(b"\x00", b""), cp_isolation=text_encodings)
    best = matches.best()
    if best is None:
        return None
    tied = [m for m in matches if (m.chaos, m.coherence) == (best.chaos, best.coherence)]
    for match in sorted(tied, key=lambda m: _preference(m.encoding)):
        try:
            data.decode(match.encoding)  # a NUL inside a multi-byte character is not text
        except UnicodeDecodeError:
            continue
        return match
    return None


def _preference(encoding: str) -> int:
    """Where ``encoding`` comes in ``_NAMING_PREFERENCE``; the others after, all alike."""
    return (
        _NAMING_PREFERENCE.index(encoding)
        if encoding in _NAMING_PREFERENCE
        else len(_NAMING_PREFERENCE)
    )


def _decode_strictly(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise FormatError(f"the text is not valid {encoding}: {error}") from error


def decode(data: bytes) -> str:
    """The text of ``data`` as ``decode_bytes`` reads it, for callers that need only text.

    Raises:
        FormatError: for binary data, as ``decode_bytes``.
    """
    return decode_bytes(data).text


def encoding_warning(decoded: DecodedText, source: str = "") -> Diagnostic | None:
    """The warning to show when the encoding was guessed; None when it was known.

    ``source`` names the file ("refs.ris") where several are read at once.
    """
    if not decoded.guessed:
        return None
    return Diagnostic(
        f"{source or 'the file'} does not say how its text is encoded: read as "
        f"{decoded.encoding} (a guess; if letters look wrong, save the file as UTF-8 and "
        "import it again)"
    )


def with_encoding_warning(
    result: ParseResult, decoded: DecodedText, source: str = ""
) -> ParseResult:
    """``result`` with the warning that ``decoded``'s encoding was guessed first, if it was.

    For callers that decode and parse in two steps because they keep the text (an import
    keeps it as the batch's provenance); ``parse_bytes`` does both at once.
    """
    warning = encoding_warning(decoded, source)
    if warning is None:
        return result
    return replace(result, warnings=(warning, *result.warnings))


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

    Readers are tried best first; the first that finds at least one entry wins. A format
    PeerRef recognises but cannot read yet (Ovid, PubMed XML, OpenAlex …) is refused
    before any reader sees it, so it is never misread as another format.

    Raises:
        FormatError: when no reader finds anything (its message lists what was tried), or
            the text is longer than ``core.limits.MAX_INPUT_BYTES`` characters, which is
            refused before anything is read, with a message saying how to split it.
    """
    too_large = input_too_large_message(len(text))
    if too_large is not None:
        raise FormatError(too_large)
    cleaned = clean_text(text)
    text = cleaned.text
    if not text.strip():
        raise FormatError("the text is empty")
    notices: tuple[Diagnostic, ...] = ()
    if cleaned.count:
        lines = ", ".join(str(line_number_at(cleaned.text, o)) for o in cleaned.offsets)
        more = " …" if cleaned.count > len(cleaned.offsets) else ""
        notices = (
            Diagnostic(
                f"{cleaned.describe()} removed from the text (line {lines}{more}): no "
                "reference holds them"
            ),
        )
    if format_name is not None:
        result = _read_safely(reader_named(format_name), text)
        return _checked(result, notices, escapes=_may_hold_escapes(text))
    unsupported = identify_unsupported(text)
    if unsupported is not None:
        # Refused outright: another reader would misread it (see ``_unsupported``).
        raise FormatError(
            f"this is {unsupported.label}, which PeerRef cannot read yet: {unsupported.advice}"
        )
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
            result = replace(result, tried=tuple(tried))
            return _checked(result, notices, escapes=_may_hold_escapes(text))
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


# What a reader decodes into a character the text does not hold as such: JSON's "\u0000",
# XML's and HTML's "&#12;", TeX's "^^@" and "\char". A text with none of them gives
# readers no way to make a control character once ``clean_text`` has taken them out.
_ESCAPES = ("\\u", "\\U", "&#", "^^", "\\char", "\\x")


def _may_hold_escapes(text: str) -> bool:
    return any(escape in text for escape in _ESCAPES)


def _checked(
    result: ParseResult, notices: tuple[Diagnostic, ...], *, escapes: bool = True
) -> ParseResult:
    """``result`` with every entry held to ``core.limits`` (warnings say what changed).

    Readers keep what they read; this is where a control character that arrived escaped
    (a JSON "\\u0000") or a field of pathological length is taken out, whatever the format,
    before anything is shown or stored. The entry's raw text keeps the whole original.
    """
    entries: list[ParsedEntry] = []
    changed = False
    for entry in result.entries:
        reference, messages = checked_reference(entry.reference, controls=escapes)
        if messages:
            changed = True
            warnings = tuple(Diagnostic(m, entry.first_line) for m in messages)
            entry = replace(entry, reference=reference, warnings=(*entry.warnings, *warnings))
        entries.append(entry)
    if not changed and not notices:
        return result
    return replace(result, entries=tuple(entries), warnings=(*notices, *result.warnings))


def parse_bytes(data: bytes, format_name: str | None = None) -> ParseResult:
    """Decode then parse, for files and drops; a guessed encoding is named in the warnings."""
    decoded = decode_bytes(data)
    return with_encoding_warning(parse_text(decoded.text, format_name), decoded)


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
