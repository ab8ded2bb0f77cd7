"""Find references that describe the same work, and build the record that merges them.

Researchers paste overlapping pages from several databases, so the same paper arrives
again and again in different clothes: a DOI written as a URL, a title in capitals, a
journal abbreviated, "Repper J" for "Julie Repper", or no title at all. Telling those
apart from genuinely different papers that look alike (two papers by the same authors in
the same issue, chapters of one book, a comment and its target) is what this module does.

The rules, strongest first (see ``compare``):

1. The same DOI, the same PMID, or — for books only — the same ISBN: a duplicate.
2. The same normalised title (case, accents, punctuation), years within one and the same
   first author: a duplicate, unless something else contradicts it (another DOI, another
   issue, another journal), which makes it a *possible* duplicate for a person to judge.
   Close titles (rapidfuzz) with the same authors: a possible duplicate.
3. Without a title on either side, only agreement on everything that identifies a paper
   in an issue — authors, date, journal, volume/issue — *and* positive evidence (similar
   abstracts or the same first page) makes a duplicate; different abstracts or pages make
   different papers. An excerpt of an abstract is not evidence: two papers can open alike.
4. A preprint and its published version are only ever possible duplicates.

Precision comes first: a wrong merge loses a paper, a missed one costs a click.

``DuplicateIndex`` makes this fast on large libraries by comparing a new reference only
with the few stored references sharing a *blocking key* (``blocking_keys``) with it.
``peerref.core.merging`` builds the merged record once a person (or rule 1) has decided.

Layer note: core is standard library only, with one deliberate exception here —
``rapidfuzz`` (a declared dependency) measures title and abstract similarity, because a
pure-Python edit distance is too slow for checking an import against 100,000 references.
"""

from __future__ import annotations

import bisect
import enum
import itertools
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz, process

from peerref.core.ids import doi_key, isbn_digits, normalise_doi, normalise_pmid
from peerref.core.model import (
    KNOWN_ABSTRACT_HEADINGS,
    Creator,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)
from peerref.core.names import CAPITAL_PARTICLES, LOWER_PARTICLES

# A "not duplicates" decision: the two ids a person said are different works.
DismissedPair = frozenset[ReferenceId]

# Titles at least this similar (rapidfuzz ratio on normalised text, 0..1) are "close".
CLOSE_TITLE_SIMILARITY = 0.90
# Abstracts at least this similar are the same abstract written out by another source.
SAME_ABSTRACT_SIMILARITY = 0.92
# A shorter title that is a word-prefix of a longer one (a dropped subtitle) needs this many
# words to count, so that "Peer support" is not a prefix-match for every peer-support paper.
MIN_PREFIX_TITLE_WORDS = 4
# The longest part (DOI, normalised title, family name) a blocking key keeps. A store
# indexes the keys, and PostgreSQL's B-tree rows hold about 2.7 kB: 400 characters of up
# to four bytes each fit with room to spare. Two titles alike for their first 400
# characters then share a key, which only makes them candidates for ``compare``.
MAX_KEY_PART_CHARS = 400


class Verdict(enum.StrEnum):
    """What ``compare`` concluded about two references."""

    DUPLICATE = "duplicate"  # the same work: safe to skip on import or to merge
    POSSIBLE = "possible"  # maybe the same work: show it, let a person decide
    DIFFERENT = "different"


class Reason(enum.StrEnum):
    """Why a verdict was reached; stable codes for the user interface and for tests."""

    SAME_DOI = "same-doi"
    SAME_PMID = "same-pmid"
    SAME_ISBN = "same-isbn"
    SAME_TITLE = "same-title"
    CLOSE_TITLE = "close-title"
    TITLE_PREFIX = "same-main-title"
    SAME_FIRST_AUTHOR = "same-first-author"
    SAME_AUTHORS = "same-authors"
    YEAR_WITHIN_ONE = "year-within-one"
    SAME_DATE = "same-date"
    SAME_CONTAINER = "same-container"
    SAME_VOLUME_ISSUE = "same-volume-issue"
    SAME_FIRST_PAGE = "same-first-page"
    SIMILAR_ABSTRACTS = "similar-abstracts"
    UNTITLED = "untitled"
    PREPRINT_AND_PUBLISHED = "preprint-and-published"
    ABSTRACT_EXCERPT_ONLY = "abstract-excerpt-only"
    NOT_ENOUGH_EVIDENCE = "not-enough-evidence"
    GENERIC_TITLE = "generic-title"
    DIFFERENT_DOI = "different-doi"
    DIFFERENT_PMID = "different-pmid"
    DIFFERENT_ISBN = "different-isbn"
    DIFFERENT_TITLE = "different-title"
    DIFFERENT_AUTHORS = "different-authors"
    DIFFERENT_DATE = "different-date"
    DIFFERENT_CONTAINER = "different-container"
    DIFFERENT_VOLUME_ISSUE = "different-volume-issue"
    DIFFERENT_PAGES = "different-pages"
    DIFFERENT_ABSTRACTS = "different-abstracts"
    DIFFERENT_TYPE = "different-type"
    BOOK_AND_CHAPTER = "book-and-chapter"
    CHAPTERS_OF_ONE_BOOK = "chapters-of-one-book"
    COMMENT_OR_CORRECTION = "comment-or-correction"
    DIFFERENT_PART_OR_NUMBER = "different-part-or-number"


@dataclass(frozen=True, slots=True)
class Match:
    """The outcome of comparing two references.

    ``score`` (0..1) orders candidates — how strongly the deciding evidence agrees — and
    is not a probability. ``reasons`` lists the evidence for and against, decisive first.
    """

    verdict: Verdict
    reasons: tuple[Reason, ...]
    score: float

    @property
    def is_duplicate(self) -> bool:
        return self.verdict is Verdict.DUPLICATE


@dataclass(frozen=True, slots=True)
class Candidate:
    """A stored reference that a new one may duplicate, with the comparison's outcome."""

    reference: Reference
    match: Match

    @property
    def id(self) -> ReferenceId | None:
        return self.reference.id


@dataclass(frozen=True, slots=True)
class PairMatch:
    """The comparison of two stored references, as listed inside a ``DuplicateGroup``."""

    first_id: ReferenceId
    second_id: ReferenceId
    match: Match

    @property
    def pair(self) -> DismissedPair:
        return frozenset((self.first_id, self.second_id))


@dataclass(frozen=True, slots=True)
class DuplicateGroup:
    """References that describe one work, as the Duplicates view lists them.

    ``verdict`` is DUPLICATE only when every member is linked to the others by duplicate
    matches and no two members contradict each other; otherwise POSSIBLE, and a person
    decides. ``pairs`` holds the matches that linked the group.
    """

    reference_ids: tuple[ReferenceId, ...]
    verdict: Verdict
    pairs: tuple[PairMatch, ...]

    def dismissal_pairs(self) -> frozenset[DismissedPair]:
        """Every pair of members: what to store when a person says "not duplicates"."""
        return all_pairs(self.reference_ids)


def all_pairs(ids: Iterable[ReferenceId]) -> frozenset[DismissedPair]:
    """All two-member sets of ``ids``, the form in which "not duplicates" is recorded."""
    unique = sorted(set(ids))
    return frozenset(
        frozenset((first, second))
        for index, first in enumerate(unique)
        for second in unique[index + 1 :]
    )


# --------------------------------------------------------------------------- explaining

# How each reason reads to a person, as the Duplicates view says why a group matches.
_AGREEMENT_TEXT: dict[Reason, str] = {
    Reason.SAME_DOI: "same DOI",
    Reason.SAME_PMID: "same PubMed ID",
    Reason.SAME_ISBN: "same ISBN",
    Reason.SAME_TITLE: "same title",
    Reason.CLOSE_TITLE: "nearly the same title",
    Reason.TITLE_PREFIX: "same main title (one without its subtitle)",
    Reason.SAME_FIRST_AUTHOR: "same first author",
    Reason.SAME_AUTHORS: "same authors",
    Reason.YEAR_WITHIN_ONE: "same year or the next",
    Reason.SAME_DATE: "same date",
    Reason.SAME_CONTAINER: "same journal or book",
    Reason.SAME_VOLUME_ISSUE: "same volume and issue",
    Reason.SAME_FIRST_PAGE: "same first page",
    Reason.SIMILAR_ABSTRACTS: "similar abstracts",
    Reason.PREPRINT_AND_PUBLISHED: "a preprint and its published version",
}
_DOUBT_TEXT: dict[Reason, str] = {
    Reason.UNTITLED: "no title to compare",
    Reason.ABSTRACT_EXCERPT_ONLY: "one abstract only an excerpt of the other",
    Reason.NOT_ENOUGH_EVIDENCE: "not enough details to be sure",
    Reason.GENERIC_TITLE: "a title many works share",
    Reason.DIFFERENT_DOI: "different DOIs",
    Reason.DIFFERENT_PMID: "different PubMed IDs",
    Reason.DIFFERENT_ISBN: "different ISBNs",
    Reason.DIFFERENT_TITLE: "different titles",
    Reason.DIFFERENT_AUTHORS: "different authors",
    Reason.DIFFERENT_DATE: "different dates",
    Reason.DIFFERENT_CONTAINER: "different journals or books",
    Reason.DIFFERENT_VOLUME_ISSUE: "different volume or issue",
    Reason.DIFFERENT_PAGES: "different pages",
    Reason.DIFFERENT_ABSTRACTS: "different abstracts",
    Reason.DIFFERENT_TYPE: "different kinds of work",
    Reason.BOOK_AND_CHAPTER: "a book and a chapter",
    Reason.CHAPTERS_OF_ONE_BOOK: "different chapters of one book",
    Reason.COMMENT_OR_CORRECTION: "one is a comment or correction",
    Reason.DIFFERENT_PART_OR_NUMBER: "different part or number",
}


@dataclass(frozen=True, slots=True)
class Explanation:
    """Why references were matched, in words: what agrees and what leaves a doubt."""

    agreements: tuple[str, ...]
    doubts: tuple[str, ...]

    def sentence(self) -> str:
        """ "Same title, same first author; but different pages." for a label or tooltip."""
        text = ", ".join(self.agreements)
        if self.doubts:
            doubts = ", ".join(self.doubts)
            text = f"{text}; but {doubts}" if text else doubts
        return text[:1].upper() + text[1:] + "." if text else ""


def explain(subject: Match | DuplicateGroup | Iterable[Reason]) -> Explanation:
    """Say in words why a match (or every link of a group) was made.

    The Duplicates view shows this beside each group, so a person can judge a possible
    duplicate without opening both records; the ``Reason`` codes stay the stable,
    testable form. Reasons repeated across a group's pairs are said once, in order.
    """
    if isinstance(subject, Match):
        reasons: Iterable[Reason] = subject.reasons
    elif isinstance(subject, DuplicateGroup):
        reasons = (reason for pair in subject.pairs for reason in pair.match.reasons)
    else:
        reasons = subject
    agreements: dict[str, None] = {}
    doubts: dict[str, None] = {}
    for reason in reasons:
        if reason in _AGREEMENT_TEXT:
            agreements[_AGREEMENT_TEXT[reason]] = None
        else:
            doubts[_DOUBT_TEXT.get(reason, reason.value.replace("-", " "))] = None
    return Explanation(tuple(agreements), tuple(doubts))


# --------------------------------------------------------------------------- normalising

_TAGS_RE = re.compile(r"<[^>]+>")
_NON_WORD_RE = re.compile(r"[\W_]+")
_PARENTHESISED_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]")
# Letters NFKD does not decompose into a base letter and an accent.
_FOLD_LETTERS = str.maketrans(
    {"ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "ł": "l", "Ł": "L"}
    | {"đ": "d", "Đ": "D", "ı": "i", "þ": "th", "ð": "d"}
)


# Bytes that are not ASCII letters or digits (what ``[\W_]`` matches in ASCII) as spaces.
_ASCII_WORD_BYTES = bytes(code if chr(code).isalnum() and code < 128 else 32 for code in range(256))


def fold(text: str) -> str:
    """Text reduced to what identifies it: no case, accents, markup or punctuation.

    "Peer Support — a <i>Café</i> Model." and "peer support: a cafe model" both become
    "peer support a cafe model". ``&`` reads as "and" so journal names written either way
    agree.
    """
    if "<" in text:
        text = _TAGS_RE.sub(" ", text)
    text = text.replace("&", " and ")
    if text.isascii():
        # The same result as the regular expression below, several times faster: it
        # counts when a duplicate search folds the titles of a whole library.
        ascii_bytes = text.lower().encode("ascii").translate(_ASCII_WORD_BYTES)
        return " ".join(ascii_bytes.decode("ascii").split())
    text = unicodedata.normalize("NFKD", text.translate(_FOLD_LETTERS))
    text = "".join(char for char in text if not unicodedata.combining(char))
    return _NON_WORD_RE.sub(" ", text.casefold()).strip()


# What separates texts folded together (``fold_many``): the byte table keeps it, and
# ``fold`` never writes it.
_SEPARATOR = "\x00"
_SEPARATED_WORD_BYTES = _SEPARATOR.encode("ascii") + _ASCII_WORD_BYTES[1:]


def fold_many(texts: Sequence[str]) -> list[str]:
    """``fold`` of each text, in order: the same results, for a whole library at once.

    Why: the Duplicates view folds 100,000 titles, most of them plain ASCII. Folded as
    one joined text (one byte table, spaces squeezed by replacing, one split) they take
    about half the time ``fold`` takes one by one. Texts with markup, other scripts or
    the separator itself go through ``fold``.
    """
    if not texts:
        return []
    joined = _SEPARATOR.join(texts)
    if joined.isascii() and "<" not in joined and joined.count(_SEPARATOR) == len(texts) - 1:
        ascii_bytes = joined.replace("&", " and ").lower().encode("ascii")
        squeezed = ascii_bytes.translate(_SEPARATED_WORD_BYTES)
        while b"  " in squeezed:  # a few passes (each halves a run), faster than a regex
            squeezed = squeezed.replace(b"  ", b" ")
        separator = _SEPARATOR.encode("ascii")
        squeezed = squeezed.replace(b" " + separator, separator)
        squeezed = squeezed.replace(separator + b" ", separator)
        return squeezed.strip(b" ").decode("ascii").split(_SEPARATOR)
    folded = list(texts)
    plain: list[int] = []
    for position, text in enumerate(texts):
        if text.isascii() and "<" not in text and _SEPARATOR not in text:
            plain.append(position)
        else:
            folded[position] = fold(text)
    for position, text in zip(plain, fold_many([texts[i] for i in plain]), strict=True):
        folded[position] = text
    return folded


def _isbn13(isbn: str) -> str:
    """ISBN-10 and ISBN-13 forms of one book compared as the ISBN-13 digits."""
    digits = isbn_digits(isbn)
    if len(digits) == 10:
        body = "978" + digits[:9]
        total = sum(int(c) * (1 if i % 2 == 0 else 3) for i, c in enumerate(body))
        return body + str((10 - total % 10) % 10)
    return digits if len(digits) == 13 else ""


def _first_page(page: str) -> str:
    """ "pp. 035-44" -> "35", "e0123" -> "e123", "S12–S20" -> "s12"."""
    match = re.search(r"(?<![A-Za-z])([A-Za-z]?)0*(\d+)", page)
    return (match.group(1) + match.group(2)).casefold() if match else ""


# Volume and issue placeholders of papers published online before their print issue.
_NOT_YET_IN_ISSUE = frozenset({"aheadofprint", "onlinefirst", "earlyview", "inpress", "epub"})


def _volume_or_issue(value: str) -> str:
    """ "07" -> "7"; "ahead-of-print" -> "" (it places a paper in no issue)."""
    key = fold(value).replace(" ", "").lstrip("0")
    return "" if key in _NOT_YET_IN_ISSUE else key


_INITIALS_RE = re.compile(r"(?:[A-Z]\.?\s?){1,3}")
# Structured-abstract headings, folded: "Purpose: …", "PURPOSE: …" and "Purpose – …" agree.
_HEADINGS_RE = re.compile(
    r"\b(?:"
    + "|".join(sorted((re.escape(fold(h)) for h in KNOWN_ABSTRACT_HEADINGS), key=len, reverse=True))
    + r")\b\s*"
)
# Particles some sources keep in the family name ("O Suilleabhain, Maire") and others drop.
_PARTICLES = frozenset(fold(p) for p in LOWER_PARTICLES | CAPITAL_PARTICLES) | {"o"}
# Where a subtitle starts: a colon, a spaced dash, or the end of a first sentence.
_SUBTITLE_RE = re.compile(r"\s*(?::|\s[-–—]\s|[.?!]\s)")
_TRUNCATED_AUTHORS = frozenset({"creators", "author", "authors"})
_TRUNCATED_ABSTRACT = frozenset({"abstract"})
_TRUNCATED_CONTAINER = frozenset({"container_title", "container-title"})

# Words whose presence in only one of two titles makes them different works: a comment,
# a reply or a correction repeats its target's title; a protocol precedes its results.
_RELATION_WORDS = frozenset(
    {"comment", "comments", "commentary", "response", "reply", "replies", "rejoinder"}
    | {"erratum", "errata", "correction", "corrigendum", "retraction", "retracted"}
    | {"addendum", "protocol", "letter"}
)
_NUMBER_WORDS = frozenset(
    {"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}
    | {"first", "second", "third", "fourth", "fifth", "final", "ii", "iii", "iv", "vi"}
    | {"vii", "viii", "ix", "xi", "xii", "part", "phase", "wave", "follow", "baseline"}
)
# Titles that many different pieces share; on their own they identify nothing.
_GENERIC_TITLES = frozenset(
    {"editorial", "guest editorial", "introduction", "editorial introduction", "preface"}
    | {"foreword", "afterword", "commentary", "book review", "book reviews", "reply"}
    | {"letter to the editor", "letters to the editor", "response", "erratum", "correction"}
    | {"corrigendum", "abstracts", "news", "obituary", "conclusion", "conclusions"}
    | {"in this issue", "contents", "index"}
)
_CONTAINER_STOP_WORDS = frozenset({"the", "of", "and", "in", "for", "on", "a", "an", "to", "und"})


def _abbreviates(short: str, word: str) -> bool:
    """ISO 4 style: "j" for "journal", "psychiatr" for "psychiatric", "natl" for "national"."""
    if short == word:
        return True
    if len(short) >= len(word) or short[0] != word[0]:
        return False
    if word.startswith(short):
        return True
    if len(short) < 3:
        return False
    position = 0
    for char in short:  # a subsequence that keeps the first letter
        position = word.find(char, position) + 1
        if position == 0:
            return False
    return True


def _container_names_match(first: tuple[str, ...], second: tuple[str, ...]) -> bool:
    if len(first) != len(second):
        return False
    for word_a, word_b in zip(first, second, strict=True):
        short, long_ = (word_a, word_b) if len(word_a) <= len(word_b) else (word_b, word_a)
        if not _abbreviates(short, long_):
            return False
    return True


def _author_key(creator: Creator) -> tuple[str, str]:
    """(family name folded without spaces, first initial) — what identifies an author.

    Particles are left out: sources disagree on them ("Ó Súilleabháin" read with the
    particle, "O Suilleabhain" without, "Gogh, Vincent van" either way).
    """
    if creator.literal:
        return fold(creator.literal).replace(" ", ""), ""
    family, given = creator.family, creator.given
    if _INITIALS_RE.fullmatch(family) and given and not _INITIALS_RE.fullmatch(given):
        # "Ó Súilleabháin M" read as given "Ó Súilleabháin", family "M": swap them back.
        family, given = given.split(" ")[-1], family
    words = fold(family).split()
    while len(words) > 1 and words[0] in _PARTICLES:
        del words[0]
    return "".join(words), fold(given)[:1]


class _Title:
    """A title's comparison keys: the part of a profile that screening candidates needs.

    Kept apart from ``_Profile`` so that ``CandidateScreen`` can weigh thousands of
    stored titles without building whole references and profiles for them.
    """

    def __init__(self, title: str) -> None:
        self.title = title
        self.title_key = fold(title) if title else ""
        # Plain attributes rather than cached properties: under Python 3.11 each
        # ``cached_property`` read takes a lock, which counts over 100,000 titles.
        self.title_words = tuple(self.title_key.split())
        self._main_title_words: tuple[str, ...] | None = None

    @property
    def first_title_word(self) -> str:
        return self.title_key.partition(" ")[0]

    @property
    def main_title_words(self) -> tuple[str, ...]:
        """The words before a subtitle ("Main title: subtitle"); all of them if none."""
        words = self._main_title_words
        if words is None:
            parts = _SUBTITLE_RE.split(self.title, maxsplit=1)
            words = self.title_words if len(parts) == 1 else tuple(fold(parts[0]).split())
            self._main_title_words = words
        return words

    @property
    def main_title_opens_title(self) -> bool:
        """Whether ``main_title_words`` is known to begin ``title_words`` without working it out.

        ``fold`` works character by character apart from removing markup, and a subtitle
        starts at a character it turns into a word break, so without markup the main
        title's words are the first words of the title.
        """
        return "<" not in self.title


class _Profile(_Title):
    """One reference with its comparison keys worked out once.

    The cheap keys are computed when the profile is made (an index makes 100,000); the
    expensive ones (abstract text, container names) only when a comparison needs them.
    """

    def __init__(self, ref: Reference) -> None:
        super().__init__(ref.title)
        self.ref = ref
        self.type = ref.type
        doi = ref.doi
        if not doi and re.search(r"(?:^|//)(?:dx\.)?doi\.org/", ref.url, re.IGNORECASE):
            doi = normalise_doi(ref.url)
        self.doi = doi_key(doi) if doi else ""
        self.pmid = normalise_pmid(ref.pmid) if ref.pmid else ""
        self.isbns = frozenset(filter(None, (_isbn13(i) for i in ref.isbn)))
        self.creators = ref.authors or ref.creators
        self.authors_truncated = bool(ref.truncated & _TRUNCATED_AUTHORS)
        self.issued = ref.issued
        self.year = ref.issued.year

    @cached_property
    def author_keys(self) -> tuple[tuple[str, str], ...]:
        return tuple(_author_key(c) for c in self.creators)

    @property
    def first_author_family(self) -> str:
        """The first author's family key, without working out the others' (blocking keys)."""
        if "author_keys" in self.__dict__:
            return self.author_keys[0][0] if self.author_keys else ""
        return _author_key(self.creators[0])[0] if self.creators else ""

    @cached_property
    def relation_words(self) -> frozenset[str]:
        return frozenset(self.title_words) & _RELATION_WORDS

    @cached_property
    def number_words(self) -> tuple[str, ...]:
        return tuple(w for w in self.title_words if w.isdigit() or w in _NUMBER_WORDS)

    @cached_property
    def is_generic_title(self) -> bool:
        return self.title_key in _GENERIC_TITLES or len(self.title_words) < 3

    @cached_property
    def container_names(self) -> tuple[tuple[str, ...], ...]:
        names = []
        for text in (self.ref.container_title, self.ref.container_title_short):
            words = fold(_PARENTHESISED_RE.sub(" ", text)).split()
            words = [w for w in words if w not in _CONTAINER_STOP_WORDS]
            if words:
                names.append(tuple(words))
        return tuple(names)

    @property
    def container_truncated(self) -> bool:
        return bool(self.ref.truncated & _TRUNCATED_CONTAINER)

    @cached_property
    def issns(self) -> frozenset[str]:
        return frozenset(re.sub(r"[^0-9X]", "", i.upper()) for i in self.ref.issn if i)

    @cached_property
    def volume(self) -> str:
        return _volume_or_issue(self.ref.volume)

    @cached_property
    def issue(self) -> str:
        return _volume_or_issue(self.ref.issue)

    @cached_property
    def first_page(self) -> str:
        return _first_page(self.ref.page)

    @cached_property
    def abstract_key(self) -> str:
        """The abstract's words without section headings, which sources print differently."""
        return _HEADINGS_RE.sub(" ", fold(self.ref.abstract_text)).strip()

    @property
    def abstract_truncated(self) -> bool:
        return bool(self.ref.truncated & _TRUNCATED_ABSTRACT)


# --------------------------------------------------------------------------- relations
# Each returns True (agree), False (contradict) or None (cannot tell: a value is missing).


def _same_authors(a: _Profile, b: _Profile) -> bool | None:
    """Every author agrees, in order; a list cut short ("et al.") agrees as far as it goes."""
    keys_a, keys_b = a.author_keys, b.author_keys
    if not keys_a or not keys_b:
        return None
    if len(keys_a) != len(keys_b):
        shorter = a if len(keys_a) < len(keys_b) else b
        if not shorter.authors_truncated:
            return False
    return all(
        family_a == family_b and (not initial_a or not initial_b or initial_a == initial_b)
        for (family_a, initial_a), (family_b, initial_b) in zip(keys_a, keys_b, strict=False)
    )


def _same_first_author(a: _Profile, b: _Profile) -> bool | None:
    if not a.author_keys or not b.author_keys:
        return None
    (family_a, initial_a), (family_b, initial_b) = a.author_keys[0], b.author_keys[0]
    return family_a == family_b and (not initial_a or not initial_b or initial_a == initial_b)


def _authors_overlap(a: _Profile, b: _Profile) -> bool:
    """Most family names are shared, whatever their order."""
    families_a = {k[0] for k in a.author_keys}
    families_b = {k[0] for k in b.author_keys}
    smaller = min(len(families_a), len(families_b))
    return smaller > 0 and len(families_a & families_b) * 2 >= smaller + 1


def _same_exact_date(a: _Profile, b: _Profile) -> bool | None:
    """Same year, and same month and day wherever both give them."""
    date_a, date_b = a.issued, b.issued
    if date_a.year is None or date_b.year is None:
        return None
    if date_a.year != date_b.year:
        return False
    for part_a, part_b in ((date_a.month, date_b.month), (date_a.day, date_b.day)):
        if part_a is not None and part_b is not None and part_a != part_b:
            return False
    return True


def _full_dates_equal(a: PartialDate, b: PartialDate) -> bool:
    return a.day is not None and b.day is not None and a.date_parts() == b.date_parts()


def _same_container(a: _Profile, b: _Profile) -> bool | None:
    if a.issns & b.issns:
        return True
    if not a.container_names or not b.container_names:
        return None
    if a.container_truncated or b.container_truncated:
        return None  # "The Journal of Mental Health Training, Educ…" cannot be compared
    return any(
        _container_names_match(name_a, name_b)
        for name_a in a.container_names
        for name_b in b.container_names
    )


def _same_volume_issue(a: _Profile, b: _Profile) -> bool | None:
    compared = False
    for value_a, value_b in ((a.volume, b.volume), (a.issue, b.issue)):
        if value_a and value_b:
            if value_a != value_b:
                return False
            compared = True
    return True if compared else None


def _same_first_page(a: _Profile, b: _Profile) -> bool | None:
    if not a.first_page or not b.first_page:
        return None
    return a.first_page == b.first_page


class _Abstracts(enum.Enum):
    SAME = "same"
    EXCERPT = "excerpt"  # one is the opening of the other: consistent, proves nothing
    DIFFERENT = "different"
    UNKNOWN = "unknown"


def _abstract_relation(a: _Profile, b: _Profile) -> _Abstracts:
    text_a, text_b = a.abstract_key, b.abstract_key
    if not text_a or not text_b:
        return _Abstracts.UNKNOWN
    cutoff = SAME_ABSTRACT_SIMILARITY * 100
    if fuzz.ratio(text_a, text_b, score_cutoff=cutoff):
        return _Abstracts.SAME
    shorter, longer = (text_a, text_b) if len(text_a) <= len(text_b) else (text_b, text_a)
    if fuzz.ratio(shorter, longer[: len(shorter)], score_cutoff=cutoff):
        return _Abstracts.EXCERPT
    return _Abstracts.DIFFERENT


def _title_similarity(a: _Title, b: _Title) -> float:
    if a.title_key == b.title_key:
        return 1.0
    return float(fuzz.ratio(a.title_key, b.title_key)) / 100


def _title_is_prefix(a: _Title, b: _Title) -> bool:
    """One title is the other without its subtitle, or both share a main title.

    Sources drop subtitles, and preprints often change theirs on publication.
    """
    shorter, longer = (a, b) if len(a.title_words) < len(b.title_words) else (b, a)
    count = len(shorter.title_words)
    if (
        count >= MIN_PREFIX_TITLE_WORDS
        and count < len(longer.title_words)
        and longer.title_words[:count] == shorter.title_words
    ):
        return True
    return len(a.main_title_words) >= MIN_PREFIX_TITLE_WORDS and (
        a.main_title_words == b.main_title_words
    )


def _title_relation(a: _Title, b: _Title, similarity: float) -> Reason | None:
    """How two titles agree (the same, close, or one main title), or None: different works.

    The one test ``compare`` and ``CandidateScreen`` share, so that screening can never
    drop a pair that ``compare`` would find alike.
    """
    if a.title_key == b.title_key:
        return Reason.SAME_TITLE
    if similarity >= CLOSE_TITLE_SIMILARITY:
        return Reason.CLOSE_TITLE
    if a.first_title_word == b.first_title_word and _title_is_prefix(a, b):
        return Reason.TITLE_PREFIX
    return None


def _types_compatible(a: ReferenceType, b: ReferenceType) -> bool:
    a, b = a.folded, b.folded
    return a is b or ReferenceType.OTHER in (a, b)


_PUBLISHED_TYPES = frozenset(
    {
        ReferenceType.ARTICLE_JOURNAL,
        ReferenceType.PAPER_CONFERENCE,
        ReferenceType.CHAPTER,
        ReferenceType.REPORT,
    }
)


def _is_preprint_pair(a: _Profile, b: _Profile) -> bool:
    types = {a.type, b.type}
    return ReferenceType.PREPRINT in types and len(types & _PUBLISHED_TYPES) == 1


# --------------------------------------------------------------------------- comparing


def compare(first: Reference, second: Reference) -> Match:
    """Decide whether two references describe the same work (see the module docstring).

    Symmetric, pure and cheap enough to call thousands of times per import. It does not
    know about "not duplicates" decisions: ``DuplicateIndex`` and ``find_groups`` apply
    those, because they concern stored ids rather than content.
    """
    return _compare(_Profile(first), _Profile(second))


def _match(verdict: Verdict, score: float, *reasons: Reason) -> Match:
    unique = reasons if len(reasons) < 2 else tuple(dict.fromkeys(reasons))
    return Match(verdict, unique, round(score, 4))


def _compare(a: _Profile, b: _Profile) -> Match:
    conflicts: list[Reason] = []
    if a.doi and b.doi:
        if a.doi == b.doi:
            return _same_identifier(a, b, Reason.SAME_DOI)
        conflicts.append(Reason.DIFFERENT_DOI)
    if a.pmid and b.pmid:
        if a.pmid == b.pmid:
            return _same_identifier(a, b, Reason.SAME_PMID)
        conflicts.append(Reason.DIFFERENT_PMID)
    types = {a.type, b.type}
    if types == {ReferenceType.BOOK, ReferenceType.CHAPTER}:
        return _match(Verdict.DIFFERENT, 0.0, Reason.BOOK_AND_CHAPTER)
    if a.isbns and b.isbns:
        shared_isbn = bool(a.isbns & b.isbns)
        if types == {ReferenceType.BOOK} and shared_isbn:
            return _same_identifier(a, b, Reason.SAME_ISBN)
        if (
            types == {ReferenceType.CHAPTER}
            and shared_isbn
            and a.title_key
            and b.title_key
            and a.title_key != b.title_key
        ):
            return _match(Verdict.DIFFERENT, 0.0, Reason.CHAPTERS_OF_ONE_BOOK)
        if not shared_isbn:
            conflicts.append(Reason.DIFFERENT_ISBN)
    if a.title_key and b.title_key:
        return _compare_titled(a, b, conflicts)
    return _compare_untitled(a, b, conflicts)


def _same_identifier(a: _Profile, b: _Profile, reason: Reason) -> Match:
    """Same DOI/PMID/ISBN: a duplicate, unless both titles plainly name different works.

    A DOI pasted into the wrong record happens; two unrelated titles under one DOI are
    left to a person rather than merged.
    """
    if a.title_key and b.title_key and a.title_key != b.title_key:
        similarity = _title_similarity(a, b)
        if similarity < 0.5 and not _title_is_prefix(a, b):
            return _match(Verdict.POSSIBLE, similarity, reason, Reason.DIFFERENT_TITLE)
    return _match(Verdict.DUPLICATE, 1.0, reason)


def _compare_titled(a: _Profile, b: _Profile, conflicts: list[Reason]) -> Match:
    similarity = _title_similarity(a, b)
    same_title = a.title_key == b.title_key
    title_reason = _title_relation(a, b, similarity)
    if title_reason is None:
        return _match(Verdict.DIFFERENT, similarity, Reason.DIFFERENT_TITLE)
    if not same_title:
        if a.number_words != b.number_words:
            return _match(Verdict.DIFFERENT, similarity, Reason.DIFFERENT_PART_OR_NUMBER)
        if Reason.DIFFERENT_DOI in conflicts and not _is_preprint_pair(a, b):
            # Two DOIs and two wordings: two registered works (a review and its update).
            return _match(Verdict.DIFFERENT, similarity, title_reason, Reason.DIFFERENT_DOI)
    if a.relation_words != b.relation_words:
        return _match(Verdict.DIFFERENT, similarity, Reason.COMMENT_OR_CORRECTION)

    first_author = _same_first_author(a, b)
    if first_author is False:
        if same_title and _authors_overlap(a, b):
            return _match(Verdict.POSSIBLE, similarity * 0.8, Reason.SAME_TITLE)
        return _match(Verdict.DIFFERENT, similarity, Reason.DIFFERENT_AUTHORS)
    year_gap = abs(a.year - b.year) if a.year is not None and b.year is not None else None

    if _is_preprint_pair(a, b):
        # Publication can take years, but only an identical title is searched for that far.
        if year_gap is not None and year_gap > (3 if same_title else 1):
            return _match(Verdict.DIFFERENT, similarity, Reason.DIFFERENT_DATE)
        return _match(Verdict.POSSIBLE, similarity, Reason.PREPRINT_AND_PUBLISHED, title_reason)
    if year_gap is not None and year_gap > 1:
        return _match(Verdict.DIFFERENT, similarity, Reason.DIFFERENT_DATE)

    if not same_title:
        if _same_authors(a, b) and year_gap is not None:
            return _match(Verdict.POSSIBLE, similarity, title_reason, Reason.SAME_AUTHORS)
        return _match(Verdict.DIFFERENT, similarity, title_reason, Reason.DIFFERENT_AUTHORS)

    # The same title by the same first author within a year: a duplicate unless contradicted.
    reasons = [Reason.SAME_TITLE]
    if first_author:
        reasons.append(Reason.SAME_FIRST_AUTHOR)
    if year_gap is not None:
        reasons.append(Reason.YEAR_WITHIN_ONE)
    doubts: list[Reason] = list(conflicts)
    if first_author is None or year_gap is None:
        doubts.append(Reason.NOT_ENOUGH_EVIDENCE)
    if not _types_compatible(a.type, b.type):
        doubts.append(Reason.DIFFERENT_TYPE)
    container = _same_container(a, b)
    volume_issue = _same_volume_issue(a, b)
    first_page = _same_first_page(a, b)
    if container is False:
        doubts.append(Reason.DIFFERENT_CONTAINER)
    if volume_issue is False:
        doubts.append(Reason.DIFFERENT_VOLUME_ISSUE)
    if first_page is False:
        doubts.append(Reason.DIFFERENT_PAGES)
    if a.is_generic_title:
        if volume_issue is False or first_page is False:
            return _match(Verdict.DIFFERENT, 0.5, Reason.GENERIC_TITLE, *doubts)
        if not (container and (volume_issue or first_page)):
            doubts.append(Reason.GENERIC_TITLE)
    if not doubts and _abstract_relation(a, b) is _Abstracts.DIFFERENT:
        doubts.append(Reason.DIFFERENT_ABSTRACTS)
    if doubts:
        return _match(Verdict.POSSIBLE, 0.9, *reasons, *doubts)
    return _match(Verdict.DUPLICATE, 1.0, *reasons)


def _compare_untitled(a: _Profile, b: _Profile, conflicts: list[Reason]) -> Match:
    """At least one side has no title: demand the identity of an issue and positive evidence.

    Two papers by the same authors can appear on the same day in the same issue (the
    Emerald seed's Repper and Watson pair), so agreement on authors, date, journal and
    issue only makes a *possible* duplicate. Similar abstracts or the same first page make
    it a duplicate; different abstracts, pages or any other conflict make different papers.
    """
    if not _types_compatible(a.type, b.type):
        return _match(Verdict.DIFFERENT, 0.0, Reason.UNTITLED, Reason.DIFFERENT_TYPE)
    # Nothing else identifies an untitled entry: unknown authors or dates rule it out.
    authors = _same_authors(a, b)
    if not authors:
        reason = Reason.NOT_ENOUGH_EVIDENCE if authors is None else Reason.DIFFERENT_AUTHORS
        return _match(Verdict.DIFFERENT, 0.0, Reason.UNTITLED, reason)
    date = _same_exact_date(a, b)
    if not date:
        reason = Reason.NOT_ENOUGH_EVIDENCE if date is None else Reason.DIFFERENT_DATE
        return _match(Verdict.DIFFERENT, 0.0, Reason.UNTITLED, reason)
    container = _same_container(a, b)
    if container is False:
        return _match(Verdict.DIFFERENT, 0.0, Reason.UNTITLED, Reason.DIFFERENT_CONTAINER)
    volume_issue = _same_volume_issue(a, b)
    if volume_issue is False:
        return _match(Verdict.DIFFERENT, 0.0, Reason.UNTITLED, Reason.DIFFERENT_VOLUME_ISSUE)
    first_page = _same_first_page(a, b)
    if first_page is False:
        return _match(Verdict.DIFFERENT, 0.0, Reason.UNTITLED, Reason.DIFFERENT_PAGES)
    abstracts = _abstract_relation(a, b)
    if abstracts is _Abstracts.DIFFERENT:
        return _match(Verdict.DIFFERENT, 0.0, Reason.UNTITLED, Reason.DIFFERENT_ABSTRACTS)

    reasons = [Reason.UNTITLED, Reason.SAME_AUTHORS, Reason.SAME_DATE]
    if container:
        reasons.append(Reason.SAME_CONTAINER)
    if volume_issue:
        reasons.append(Reason.SAME_VOLUME_ISSUE)
    evidence = []
    if abstracts is _Abstracts.SAME:
        evidence.append(Reason.SIMILAR_ABSTRACTS)
    if first_page:
        evidence.append(Reason.SAME_FIRST_PAGE)
    # What places a paper among the few printed alongside it: its volume and issue, its
    # exact publication day, or for a chapter the book's ISBN.
    places_issue = (
        bool(volume_issue)
        or _full_dates_equal(a.issued, b.issued)
        or (a.type is ReferenceType.CHAPTER and bool(a.isbns & b.isbns))
    )
    if container and places_issue and evidence and not conflicts:
        return _match(Verdict.DUPLICATE, 1.0, *reasons, *evidence)
    if (
        container is None
        and abstracts is _Abstracts.SAME
        and _full_dates_equal(a.issued, b.issued)
        and not conflicts
    ):
        # No journal on either side (a results entry without its "Details"), but the same
        # authors, day and abstract: the same entry pasted again.
        return _match(Verdict.DUPLICATE, 0.95, *reasons, *evidence)
    if abstracts is _Abstracts.EXCERPT:
        reasons.append(Reason.ABSTRACT_EXCERPT_ONLY)
    return _match(
        Verdict.POSSIBLE, 0.7, *reasons, *evidence, *conflicts, Reason.NOT_ENOUGH_EVIDENCE
    )


# --------------------------------------------------------------------------- the index


_DOI_KEY_PREFIX = "doi:"
# The broad keys' prefix: "author-year:<first author's family key>:<year>".
AUTHOR_YEAR_KEY_PREFIX = "author-year:"


def blocking_keys(reference: Reference) -> frozenset[str]:
    """The keys under which to file a stored reference for duplicate look-ups.

    ``compare`` can only find two references duplicate or possibly so when they share a
    DOI, a PMID, a book's ISBN, a normalised title, or a first author within a year —
    every untitled match needs the same authors and publication date. So a reference is
    filed under "doi:", "pmid:", "isbn:" (books), "title:" and "author-year:" (first
    author's family name and year) keys, and a new one looks up ``lookup_keys``: whenever
    ``compare(a, b)`` is not DIFFERENT, ``blocking_keys(a)`` meets ``lookup_keys(b)``.
    A store can keep these keys in an indexed table and fetch candidates with
    ``key IN (...)`` instead of holding a ``DuplicateIndex`` in memory.
    """
    return _keys(_Profile(reference), years=(0,))


def doi_blocking_key(doi: str) -> str:
    """The key every reference with this DOI is filed under (one of its ``blocking_keys``)."""
    return f"{_DOI_KEY_PREFIX}{doi_key(doi)[:MAX_KEY_PART_CHARS]}"


def lookup_keys(reference: Reference) -> frozenset[str]:
    """The keys to look up for a new reference: ``blocking_keys`` with the year either side."""
    return _keys(_Profile(reference), years=(-1, 0, 1))


def _keys(profile: _Profile, years: tuple[int, ...]) -> frozenset[str]:
    return frozenset(_identity_keys(profile) | _author_year_keys(profile, years))


def _identity_keys(profile: _Profile) -> set[str]:
    """The narrow keys: identifiers and the normalised title."""
    keys: set[str] = set()
    if profile.doi:  # profile.doi is already a doi_key
        keys.add(f"{_DOI_KEY_PREFIX}{profile.doi[:MAX_KEY_PART_CHARS]}")
    if profile.pmid:
        keys.add(f"pmid:{profile.pmid[:MAX_KEY_PART_CHARS]}")
    if profile.type is ReferenceType.BOOK:
        keys.update(f"isbn:{isbn[:MAX_KEY_PART_CHARS]}" for isbn in profile.isbns)
    if profile.title_key:
        keys.add(f"title:{profile.title_key[:MAX_KEY_PART_CHARS]}")
    return keys


def _author_year_keys(profile: _Profile, years: tuple[int, ...]) -> set[str]:
    """The broad keys: the first author's family name with the year (and its neighbours)."""
    if not profile.creators or profile.year is None:
        # Without a year nothing but the title can match, and that has its own key.
        return set()
    family = profile.first_author_family[:MAX_KEY_PART_CHARS]
    return {f"{AUTHOR_YEAR_KEY_PREFIX}{family}:{profile.year + offset}" for offset in years}


@dataclass(frozen=True, slots=True)
class _Probe:
    """A new reference as ``CandidateScreen`` weighs it: its title and its keys by kind."""

    title: _Title
    identity_keys: frozenset[str]
    same_year_keys: frozenset[str]
    near_year_keys: frozenset[str]


class CandidateScreen:
    """Which stored references, of those new references reach by key, to read in full.

    Why: a store keeping ``blocking_keys`` finds the stored references filed under new
    references' ``lookup_keys``, and the first-author-and-year keys among them are broad
    (1,000 new references reach some 16,000 of 100,000 stored ones through them), while
    reading and profiling a reference costs far more than looking at its title. A pair
    met only through an author-year key can only be alike (see ``compare``) when

    - both are titled and the titles agree as ``compare`` requires (the same, close, or
      one main title), since a shared DOI, PMID, ISBN or normalised title would have met
      through its own key; or
    - one is untitled and both have the same year: untitled matches need the same date,
      so the neighbouring years' keys serve titled pairs only.

    So screening the reached references on their titles drops no pair that ``compare``
    finds alike, and a ``DuplicateIndex`` over the rest finds the same candidates as one
    over everything reached.
    """

    def __init__(self, references: Iterable[Reference]) -> None:
        self._probes: list[_Probe] = []
        for reference in references:
            profile = _Profile(reference)
            same_year = _author_year_keys(profile, (0,))
            self._probes.append(
                _Probe(
                    title=profile,
                    identity_keys=frozenset(_identity_keys(profile)),
                    same_year_keys=frozenset(same_year),
                    near_year_keys=frozenset(_author_year_keys(profile, (-1, 1))),
                )
            )
        # Every key to look up: the union of the new references' ``lookup_keys``.
        self.keys: frozenset[str] = frozenset(
            key
            for probe in self._probes
            for key in probe.identity_keys | probe.same_year_keys | probe.near_year_keys
        )

    def worth_reading(
        self, filed: Iterable[tuple[str, ReferenceId]], titles: Mapping[ReferenceId, str]
    ) -> set[ReferenceId]:
        """The stored references some new reference must be compared with.

        Args:
            filed: (key, stored reference id) for every stored key among ``keys``.
            titles: the title of each reached reference that may be a candidate (those
                left out, such as trashed ones, are never returned).
        """
        filed_under: defaultdict[str, list[ReferenceId]] = defaultdict(list)
        for key, reference_id in filed:
            if reference_id in titles:
                filed_under[key].append(reference_id)
        stored_titles: dict[ReferenceId, _Title] = {}

        def title_of(reference_id: ReferenceId) -> _Title:
            title = stored_titles.get(reference_id)
            if title is None:
                title = stored_titles[reference_id] = _Title(titles[reference_id])
            return title

        kept: set[ReferenceId] = set()
        for probe in self._probes:
            for key in probe.identity_keys:
                kept.update(filed_under.get(key, ()))
            titled = bool(probe.title.title_key)
            for key in probe.same_year_keys:
                for reference_id in filed_under.get(key, ()):
                    if reference_id in kept:
                        continue
                    if not titled or _titles_may_agree(probe.title, title_of(reference_id)):
                        kept.add(reference_id)
            if not titled:
                continue
            for key in probe.near_year_keys:
                for reference_id in filed_under.get(key, ()):
                    stored = title_of(reference_id)
                    if (
                        reference_id not in kept
                        and stored.title_key
                        and _titles_may_agree(probe.title, stored)
                    ):
                        kept.add(reference_id)
        return kept


def _titles_may_agree(probe: _Title, stored: _Title) -> bool:
    """An untitled side leaves the pair to ``compare``; otherwise the titles must agree."""
    if not stored.title_key:
        return True
    return _title_relation(probe, stored, _title_similarity(probe, stored)) is not None


# Close titles are found with rapidfuzz's batch search at a cutoff a point below the
# real one (so rounding can never drop a pair), then confirmed by ``_title_relation``.
_SCREEN_CUTOFF = CLOSE_TITLE_SIMILARITY * 100 - 1
# ``fuzz.ratio`` is 200 * LCS / (sum of lengths) <= 200 * shorter / (sum of lengths), so a
# title scoring ``_SCREEN_CUTOFF`` is at most this many times longer than the other.
_LENGTH_SPREAD = (200 - _SCREEN_CUTOFF) / _SCREEN_CUTOFF


class GroupScreen:
    """Which pairs of stored references the Duplicates view must compare, from their keys.

    Why: ``find_groups`` files every reference in a ``DuplicateIndex`` and compares each
    with all it meets by key, and the first-author-and-year keys are broad: at 100,000
    references that is millions of comparisons of whole references (16 s). A pair is
    only ever alike (see ``CandidateScreen``) when the two share an identity key (DOI,
    PMID, ISBN, normalised title), or share the first author within a year and, both
    titled, their titles agree, or, one untitled, have the same year. So the store hands
    over its keys (``filed``) and, for the references met through author-year keys, their
    titles; the screen names the pairs worth comparing, found with rapidfuzz's batch
    search rather than pair by pair, and ``find_groups_among`` compares only those. The
    groups are the same as ``find_groups`` over every reference, in id order.
    """

    def __init__(self, filed: Iterable[tuple[str, ReferenceId]]) -> None:
        """Sort the keys out.

        Args:
            filed: (blocking key, reference id) for every key of every reference to
                group. Identity keys held by one reference alone may be left out.
        """
        # Grouped by key first: a library has a few thousand author-year keys but
        # 100,000 rows of them, and each distinct key need only be parsed once.
        by_key: defaultdict[str, list[ReferenceId]] = defaultdict(list)
        for key, reference_id in filed:
            by_key[key].append(reference_id)
        identity: dict[str, set[ReferenceId]] = {}
        families: defaultdict[str, dict[int, set[ReferenceId]]] = defaultdict(dict)
        prefix = len(AUTHOR_YEAR_KEY_PREFIX)
        for key, holders in by_key.items():
            if key.startswith(AUTHOR_YEAR_KEY_PREFIX):
                family, _, year = key[prefix:].rpartition(":")
                try:
                    families[family].setdefault(int(year), set()).update(holders)
                except ValueError:
                    pass
                else:
                    continue
            # A key not of that form (none is written so) still links what shares it.
            identity.setdefault(key, set()).update(holders)
        self._identity = [sorted(ids) for ids in identity.values() if len(ids) > 1]
        # Per family, the members of each year that have a neighbour within a year.
        self._families: list[dict[int, list[ReferenceId]]] = []
        self.needs_titles: set[ReferenceId] = set()
        for years in families.values():
            kept = {
                year: sorted(ids)
                for year, ids in years.items()
                if len(ids) > 1 or year - 1 in years or year + 1 in years
            }
            if kept:
                self._families.append(kept)
                for ids in kept.values():
                    self.needs_titles.update(ids)

    def pairs(self, titles: Mapping[ReferenceId, str]) -> set[tuple[ReferenceId, ReferenceId]]:
        """The pairs to compare, each as (smaller id, larger id).

        Args:
            titles: the title of every reference in ``needs_titles`` (a missing one is
                taken as untitled, which only adds pairs).
        """
        found: set[tuple[ReferenceId, ReferenceId]] = set()
        for ids in self._identity:
            found.update(itertools.combinations(ids, 2))
        wanted = [i for years in self._families for ids in years.values() for i in ids]
        texts = [titles.get(reference_id, "") for reference_id in wanted]
        folded = dict(zip(wanted, fold_many(texts), strict=True))
        # Markup may hide where a main title ends (see ``_family_pairs``); rare, so the
        # titles carrying it are found once here rather than asked about one by one.
        marked = (
            {i for i, text in zip(wanted, texts, strict=True) if "<" in text}
            if "<" in "".join(texts)
            else set()
        )
        for years in self._families:
            self._family_pairs(years, titles, folded, marked, found)
        return found

    @staticmethod
    def _family_pairs(
        years: Mapping[int, Sequence[ReferenceId]],
        titles: Mapping[ReferenceId, str],
        folded: Mapping[ReferenceId, str],
        marked: Collection[ReferenceId],
        found: set[tuple[ReferenceId, ReferenceId]],
    ) -> None:
        """Add the pairs of one first author's references (by year) worth comparing.

        Members travel as (length, folded title, id); a ``_Title`` is only built for the
        few pairs whose titles must be weighed (tens of thousands of titles go by).
        """
        built: dict[ReferenceId, _Title] = {}

        def title_of(reference_id: ReferenceId) -> _Title:
            title = built.get(reference_id)
            if title is None:
                title = built[reference_id] = _Title(titles.get(reference_id, ""))
            return title

        def consider(id_a: ReferenceId, id_b: ReferenceId) -> None:
            pair = (id_a, id_b) if id_a < id_b else (id_b, id_a)
            if pair not in found and _titles_may_agree(title_of(id_a), title_of(id_b)):
                found.add(pair)

        # Each year's titled members, shortest title first (untitled ones sort first).
        by_year: dict[int, tuple[list[tuple[int, str, ReferenceId]], list[str], list[int]]] = {}
        # Titles that agree (``_title_relation``) are the same or close, or one is the
        # other's opening, or both share a main title: the last two begin with the same
        # four words, so they are found by those words and the close ones by a search.
        openings: dict[tuple[str, ...], list[tuple[int, ReferenceId]]] = {}
        shared: list[list[tuple[int, ReferenceId]]] = []
        for year, ids in years.items():
            members = sorted([(len(key), key, i) for i in ids for key in (folded[i],)])
            untitled = 0
            while untitled < len(members) and not members[untitled][0]:
                untitled += 1
            for _, _, reference_id in members[:untitled]:
                # Untitled: compared with everyone of its own year (the same date).
                found.update(
                    (min(reference_id, other), max(reference_id, other))
                    for other in ids
                    if other != reference_id
                )
            del members[:untitled]
            by_year[year] = (members, [key for _, key, _ in members], [n for n, _, _ in members])
            for _, key, reference_id in members:
                words = key.split(" ", MIN_PREFIX_TITLE_WORDS)[:MIN_PREFIX_TITLE_WORDS]
                opening = tuple(words) if len(words) == MIN_PREFIX_TITLE_WORDS else None
                if opening is not None:
                    bucket = openings.setdefault(opening, [])
                    bucket.append((year, reference_id))
                    if len(bucket) == 2:
                        shared.append(bucket)
                if reference_id in marked:
                    # Markup: the main title may not open the title.
                    title = title_of(reference_id)
                    main = title.main_title_words[:MIN_PREFIX_TITLE_WORDS]
                    if len(main) == MIN_PREFIX_TITLE_WORDS and main != opening:
                        bucket = openings.setdefault(main, [])
                        bucket.append((year, reference_id))
                        if len(bucket) == 2:
                            shared.append(bucket)
        for bucket in shared:
            for (year_a, id_a), (year_b, id_b) in itertools.combinations(bucket, 2):
                if id_a != id_b and abs(year_a - year_b) <= 1:
                    consider(id_a, id_b)
        # Close titles: each title is searched among the later ones of its year and those
        # of the next, and only among lengths that could score ``_SCREEN_CUTOFF`` (a ratio
        # is at most 200 * shorter / (sum of lengths)): some two pairs in five are scored.
        for year, (members, keys, lengths) in by_year.items():
            following, later_keys, later_lengths = by_year.get(year + 1, ([], [], []))
            for position, (length, key, reference_id) in enumerate(members):
                longest = int(length * _LENGTH_SPREAD) + 1
                same_year_end = bisect.bisect_right(lengths, longest, position + 1)
                later_start = bisect.bisect_left(later_lengths, int(length / _LENGTH_SPREAD))
                later_end = bisect.bisect_right(later_lengths, longest, later_start)
                same_year = same_year_end - position - 1
                if not same_year and later_start == later_end:
                    continue
                choices = keys[position + 1 : same_year_end]
                choices += later_keys[later_start:later_end]
                for _, _, index in process.extract(
                    key, choices, scorer=fuzz.ratio, score_cutoff=_SCREEN_CUTOFF, limit=None
                ):
                    if index < same_year:
                        other = members[position + 1 + index][2]
                    else:
                        other = following[later_start + index - same_year][2]
                    consider(reference_id, other)


_VERDICT_ORDER = {Verdict.DUPLICATE: 0, Verdict.POSSIBLE: 1, Verdict.DIFFERENT: 2}


class DuplicateIndex:
    """Existing references filed under their blocking keys, for fast duplicate checks.

    Build it once from the library, then ask ``candidates`` for each incoming reference;
    ``add`` the references an import keeps so that later entries of the same batch are
    checked against them too. "Not duplicates" decisions are respected: a dismissed pair
    is never offered again.
    """

    def __init__(
        self,
        references: Iterable[Reference] = (),
        *,
        dismissed: Collection[DismissedPair] = frozenset(),
    ) -> None:
        self._profiles: dict[int, _Profile] = {}
        self._slots_by_id: dict[ReferenceId, int] = {}
        self._buckets: defaultdict[str, list[int]] = defaultdict(list)
        self._dismissed = frozenset(dismissed)
        self._next_slot = 0
        for reference in references:
            self.add(reference)

    def __len__(self) -> int:
        return len(self._profiles)

    def __iter__(self) -> Iterator[Reference]:
        return (profile.ref for profile in self._profiles.values())

    def add(self, reference: Reference) -> None:
        """File a reference; one with the id of a filed reference replaces it."""
        if reference.id is not None:
            self.remove(reference.id)
        slot = self._next_slot
        self._next_slot += 1
        profile = _Profile(reference)
        self._profiles[slot] = profile
        if reference.id is not None:
            self._slots_by_id[reference.id] = slot
        for key in _keys(profile, years=(0,)):
            self._buckets[key].append(slot)

    def remove(self, reference_id: ReferenceId) -> None:
        """Forget a reference (deleted, or merged into another); unknown ids are ignored."""
        slot = self._slots_by_id.pop(reference_id, None)
        if slot is not None:
            del self._profiles[slot]  # bucket entries of removed slots are skipped on lookup

    def dismiss(self, pair: DismissedPair) -> None:
        """Respect a "not duplicates" decision made while this index is in use."""
        self._dismissed = self._dismissed | {pair}

    def candidates(self, reference: Reference) -> list[Candidate]:
        """Filed references that ``reference`` duplicates or may duplicate, best first.

        The reference itself (same id) and dismissed pairs are left out; so are
        references ``compare`` finds different.
        """
        profile = _Profile(reference)
        seen: set[int] = set()
        found: list[Candidate] = []
        for key in _keys(profile, years=(-1, 0, 1)):
            for slot in self._buckets.get(key, ()):
                if slot in seen:
                    continue
                seen.add(slot)
                other = self._profiles.get(slot)
                if other is None or other.ref is reference or self._excluded(reference, other):
                    continue
                match = _compare(profile, other)
                if match.verdict is not Verdict.DIFFERENT:
                    found.append(Candidate(other.ref, match))
        found.sort(key=lambda c: (_VERDICT_ORDER[c.match.verdict], -c.match.score))
        return found

    def best(self, reference: Reference) -> Candidate | None:
        """The strongest candidate, or None: what an import preview marks an entry with."""
        found = self.candidates(reference)
        return found[0] if found else None

    def _excluded(self, reference: Reference, other: _Profile) -> bool:
        if reference.id is None or other.ref.id is None:
            return False
        if reference.id == other.ref.id:
            return True
        return frozenset((reference.id, other.ref.id)) in self._dismissed


def find_groups(
    references: Iterable[Reference],
    dismissed: Collection[DismissedPair] = frozenset(),
) -> list[DuplicateGroup]:
    """Group stored references that describe one work, for the Duplicates view.

    Members are linked by duplicate or possible matches; dismissed pairs never link. A
    group is DUPLICATE only when duplicate matches alone connect it and no two members
    contradict each other or were dismissed — a chain such as A≈B≈C with A≠C is left for
    a person to sort out. Groups are ordered by their smallest id.

    Raises:
        ValueError: a reference has no id (only stored references can be grouped).
    """
    dismissed_pairs = frozenset(dismissed)
    index = DuplicateIndex(dismissed=dismissed_pairs)
    by_id: dict[ReferenceId, Reference] = {}
    links: list[PairMatch] = []
    for reference in references:
        if reference.id is None:
            raise ValueError("find_groups needs stored references, which have ids")
        for candidate in index.candidates(reference):
            assert candidate.id is not None  # every filed reference has an id here
            first, second = sorted((candidate.id, reference.id))
            links.append(PairMatch(first, second, candidate.match))
        index.add(reference)
        by_id[reference.id] = reference

    return _groups(by_id, links, dismissed_pairs, {})


def find_groups_among(
    references: Iterable[Reference],
    pairs: Iterable[tuple[ReferenceId, ReferenceId]],
    dismissed: Collection[DismissedPair] = frozenset(),
) -> list[DuplicateGroup]:
    """``find_groups``, comparing only the given pairs (a ``GroupScreen``'s).

    Each pair is compared once, the later reference (by id) with the earlier, as
    ``find_groups`` does over references in id order; pairs naming a reference not
    given are skipped.

    Raises:
        ValueError: a reference has no id.
    """
    dismissed_pairs = frozenset(dismissed)
    by_id: dict[ReferenceId, Reference] = {}
    for reference in references:
        if reference.id is None:
            raise ValueError("find_groups_among needs stored references, which have ids")
        by_id[reference.id] = reference
    profiles: dict[ReferenceId, _Profile] = {}

    def profile(reference_id: ReferenceId) -> _Profile:
        found = profiles.get(reference_id)
        if found is None:
            found = profiles[reference_id] = _Profile(by_id[reference_id])
        return found

    links: list[PairMatch] = []
    for pair in sorted({(min(a, b), max(a, b)) for a, b in pairs if a != b}):
        first, second = pair
        if first not in by_id or second not in by_id or frozenset(pair) in dismissed_pairs:
            continue
        match = _compare(profile(second), profile(first))
        if match.verdict is not Verdict.DIFFERENT:
            links.append(PairMatch(first, second, match))
    return _groups(by_id, links, dismissed_pairs, profiles)


def _groups(
    by_id: Mapping[ReferenceId, Reference],
    links: Sequence[PairMatch],
    dismissed_pairs: frozenset[DismissedPair],
    profiles: dict[ReferenceId, _Profile],
) -> list[DuplicateGroup]:
    """Groups from the links between references (see ``find_groups``), by smallest id."""
    everything = _UnionFind()
    duplicates_only = _UnionFind()
    for link in links:
        everything.union(link.first_id, link.second_id)
        if link.match.is_duplicate:
            duplicates_only.union(link.first_id, link.second_id)

    members: defaultdict[ReferenceId, list[ReferenceId]] = defaultdict(list)
    for reference_id in by_id:
        if everything.linked(reference_id):
            members[everything.find(reference_id)].append(reference_id)
    links_by_root: defaultdict[ReferenceId, list[PairMatch]] = defaultdict(list)
    for link in links:
        links_by_root[everything.find(link.first_id)].append(link)
    groups: list[DuplicateGroup] = []
    for root, ids in members.items():
        ids.sort()
        group_links = tuple(
            sorted(links_by_root[root], key=lambda link: (link.first_id, link.second_id))
        )
        verdict = Verdict.POSSIBLE
        if len({duplicates_only.find(i) for i in ids}) == 1 and _consistent(
            [profiles.get(i) or _Profile(by_id[i]) for i in ids], dismissed_pairs
        ):
            verdict = Verdict.DUPLICATE
        groups.append(DuplicateGroup(tuple(ids), verdict, group_links))
    groups.sort(key=lambda group: group.reference_ids[0])
    return groups


def _consistent(profiles: Sequence[_Profile], dismissed: frozenset[DismissedPair]) -> bool:
    """No two members were dismissed or are different works."""
    for index, first in enumerate(profiles):
        for second in profiles[index + 1 :]:
            assert first.ref.id is not None and second.ref.id is not None
            if frozenset((first.ref.id, second.ref.id)) in dismissed:
                return False
            if _compare(first, second).verdict is Verdict.DIFFERENT:
                return False
    return True


class _UnionFind:
    def __init__(self) -> None:
        self._parent: dict[ReferenceId, ReferenceId] = {}

    def find(self, item: ReferenceId) -> ReferenceId:
        parent = self._parent.setdefault(item, item)
        if parent != item:
            parent = self._parent[item] = self.find(parent)
        return parent

    def union(self, first: ReferenceId, second: ReferenceId) -> None:
        root_a, root_b = self.find(first), self.find(second)
        if root_a != root_b:
            self._parent[max(root_a, root_b)] = min(root_a, root_b)

    def linked(self, item: ReferenceId) -> bool:
        return item in self._parent


__all__ = [
    "AUTHOR_YEAR_KEY_PREFIX",
    "CLOSE_TITLE_SIMILARITY",
    "SAME_ABSTRACT_SIMILARITY",
    "Candidate",
    "CandidateScreen",
    "DismissedPair",
    "DuplicateGroup",
    "DuplicateIndex",
    "Explanation",
    "GroupScreen",
    "Match",
    "PairMatch",
    "Reason",
    "Verdict",
    "all_pairs",
    "blocking_keys",
    "compare",
    "explain",
    "find_groups",
    "find_groups_among",
    "fold",
    "lookup_keys",
]
