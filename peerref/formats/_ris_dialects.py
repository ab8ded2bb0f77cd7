"""RIS as particular programs and databases write it, read back into plain RIS.

Most RIS is plain enough for the table of tag meanings (``_ris_types``). A few writers
have habits of their own, recognised from the record's content, never from a file name:

- **ProCite** (through Reference Manager) has no RIS tag for many of its fields and
  writes them as notes, "N1  - Language: English", "N1  - Series Title: …", with a
  "N1  - Record ID: 40" note in every record; in a book or chapter ``VL`` is the
  edition and a book's volume is in ``IS``. Such notes become the tags they stand for
  before the record is read.
- **EBSCOhost** (CINAHL, APA PsycInfo, Academic Search …; ``DP  - EBSCOhost`` or an
  ebscohost.com permalink in ``UR``) ends titles with a full stop, puts the DOI in ``L3``,
  marks an abstract "[ABSTRACT FROM AUTHOR]" and adds a second ``AB`` with the copyright
  notice, names its database by a short code in ``DB`` ("aph"), and writes the
  database's own fields as one note ("N1  - Accession Number: …; Document Type: …"),
  which is read for the PMID and language and kept in extra rather than as a note.
- **The Cochrane Library** (CENTRAL trials and Cochrane Reviews; a cochranelibrary.com
  link, a CN- or CD accession number, a Cochrane Review DOI) wraps each record in
  Wiley's lines ("Record #3 of 18", "Provider: …", "Content: …"), writes the journal's
  full name in ``JA``, the record's PubMed and Embase numbers in ``C3`` ("PUBMED
  21314913,EMBASE 643589775"), and marks major subject headings with a star.

The leading underscore keeps the registry from taking this module for a format.
"""

from __future__ import annotations

import re

from peerref.formats._tagged import TaggedRecord, TagValue

# ProCite's mark: the record number it writes as the first note of every record.
PROCITE_RECORD = re.compile(r"^Record (?:ID|Number): *\S")
# ProCite's field names in its notes, and the RIS tag of the same field.
_PROCITE_FIELDS = {
    "Record ID": "ID",
    "Record Number": "ID",
    "Language": "LA",
    "Place of Publication": "CY",
    "Publisher Name": "PB",
    "Proceedings Title": "C3",
    "Series Title": "T3",
    "Volume ID": "VL",
    "Issue ID": "IS",
    "Issue Identification": "IS",
    "Edition": "ET",
    "ISBN": "SN",
    "Page(s)": "SP",
    "Call Number": "CN",
}
# The labels ProCite's notes are read without (its field names, "Notes" its note field).
PROCITE_LABELS = frozenset({*_PROCITE_FIELDS, "Notes"})


def is_procite(values: list[TagValue]) -> bool:
    """Whether a record's values are ProCite's: a note holding its record number."""
    return any(v.tag == "N1" and PROCITE_RECORD.match(v.value) for v in values)


def retag_procite(values: list[TagValue]) -> None:
    """ProCite's field notes as the tags they stand for, in place; other notes stay.

    A note "Notes: text" is ProCite's own note field: it stays a note, without the label.
    """
    if not is_procite(values):
        return
    ris_type = next((v.value.strip().upper() for v in values if v.tag == "TY"), "")
    for value in values:
        if value.tag == "VL" and ris_type in {"BOOK", "CHAP"}:
            value.tag = "ET"  # ProCite's edition; the volume is "Volume ID" or IS
        elif value.tag == "IS" and ris_type == "BOOK":
            value.tag = "VL"
    for value in values:
        if value.tag != "N1":
            continue
        label, colon, text = value.value.partition(":")
        tag = _PROCITE_FIELDS.get(label.strip())
        if colon and text.strip() and (tag is not None or label.strip() == "Notes"):
            value.tag, value.value = tag or "N1", text.strip()


# ---------------------------------------------------------------- EBSCOhost, the Cochrane Library

EBSCO = "EBSCOhost"
COCHRANE = "the Cochrane Library"

# Wiley's lines around each record of a Cochrane Library (and Wiley Online Library) export:
# "Record #3 of 18", "Provider: John Wiley & Sons, Ltd.", "Content: text/plain; charset=…".
WILEY_HEADER = re.compile(r"^\s*(?:Record #\d+ of \d+|Provider: .*|Content: ?text/.*)\s*$")
_COCHRANE_ID = re.compile(r"^(?:CN-\d{6,}|CD\d{6})$")
_COCHRANE_REVIEW_DOI = "10.1002/14651858."
# EBSCOhost writes its databases' short codes in DB; the names people know them by.
EBSCO_DATABASES = {
    "a9h": "Academic Search Complete",
    "aph": "Academic Search Premier",
    "ccm": "CINAHL Complete",
    "cin20": "CINAHL",
    "cmedm": "MEDLINE",
    "eric": "ERIC",
    "pdh": "APA PsycArticles",
    "psyh": "APA PsycInfo",
    "rzh": "CINAHL Plus with Full Text",
    "sih": "SocINDEX with Full Text",
}
# The note EBSCOhost writes of the database's own fields: "Accession Number: 176404503;
# …; Document Type: Article" (semicolons in Academic Search, full stops in PsycInfo).
_EBSCO_NOTE = re.compile(r"^Accession Number: ")
_EBSCO_NOTE_FIELD = re.compile(
    r"(?:^|[;.]\s+)(Accession Number|PMID|Language|Document Type): *([^;]*?)(?=\.?(?:;|\.\s|$))"
)
# Where the abstract came from, as EBSCOhost marks it at its end.
_EBSCO_ABSTRACT_SOURCE = re.compile(r"\s*\[ABSTRACT FROM ([A-Z ]+)\]\s*$")
# CENTRAL's identifiers of the same record in other databases: "PUBMED 21314913,EMBASE …".
_CROSS_REFERENCE = re.compile(r"\b(PUBMED|EMBASE)\s+(\d+)\b")


def dialect_of(record: TaggedRecord) -> str:
    """EBSCO, COCHRANE or "" (plain RIS), from what the record says of itself."""
    urls = " ".join(record.peek("UR")).casefold()
    if (
        "ebscohost.com" in urls
        or "ebsco.com" in urls
        or any("ebsco" in provider.casefold() for provider in record.peek("DP"))
    ):
        return EBSCO
    if (
        "cochranelibrary.com" in urls
        or any(_COCHRANE_ID.match(v) for v in record.peek("AN", "ID"))
        or record.peek_first("DO").startswith(_COCHRANE_REVIEW_DOI)
    ):
        return COCHRANE
    return ""


def database_names(record: TaggedRecord) -> list[str]:
    """The record's databases (DB) by their names: "aph" is Academic Search Premier."""
    return [EBSCO_DATABASES.get(db.casefold(), db) for db in record.peek("DB")]


def without_final_full_stop(title: str) -> str:
    """EBSCOhost ends every title with a full stop that is not part of it."""
    if title.endswith(".") and not title.endswith(".."):
        return title[:-1].rstrip()
    return title


def take_ebsco_notes(record: TaggedRecord, extra: dict[str, str]) -> dict[str, str]:
    """EBSCOhost's note of database fields: kept in extra (it is no one's note), read.

    Returns the fields a reference has a place for (PMID, language, accession number,
    document type) by their labels.
    """
    found: dict[str, str] = {}
    for value in record.values_of("N1"):
        if not _EBSCO_NOTE.match(value.value):
            continue
        value.used = True
        key = "ris:N1"
        extra[key] = f"{extra[key]}\n\n{value.value}" if extra.get(key) else value.value
        for match in _EBSCO_NOTE_FIELD.finditer(value.value):
            found.setdefault(match.group(1), match.group(2).strip())
    return found


def ebsco_abstract(text: str, extra: dict[str, str]) -> str:
    """The abstract without EBSCOhost's "[ABSTRACT FROM AUTHOR]", which goes to extra."""
    match = _EBSCO_ABSTRACT_SOURCE.search(text)
    if match is None:
        return text
    extra["ebsco:abstract-from"] = match.group(1).strip().casefold()
    return text[: match.start()]


def cross_reference_pmid(record: TaggedRecord) -> str:
    """The PubMed id among CENTRAL's identifiers of the record elsewhere (C3), if any."""
    for value in record.peek("C3"):
        for database, number in _CROSS_REFERENCE.findall(value):
            if database == "PUBMED":
                return str(number)
    return ""


def review_number(record: TaggedRecord) -> str:
    """A Cochrane Review's article number (CD012345), its accession number in the export."""
    for value in record.peek("AN", "ID"):
        if value.startswith("CD"):
            return value
    return ""
