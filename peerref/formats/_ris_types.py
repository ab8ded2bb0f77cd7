"""What each RIS type is, and what its type-dependent tags hold.

RIS names its secondary fields by position, not by meaning: ``A2`` is the "secondary
author", ``T2`` the "secondary title". The specification (the 2011 RIS reference, which
follows EndNote, the program that writes most RIS) then says per type what they are. A
chapter's ``A2`` is its book's editor, but a book's ``A2`` is its series editor and its
editor is ``A3``; a report's ``T2`` is its series, a chapter's is its book; a thesis's
``T2`` is the academic department; a conference paper's place of publication is ``C1``
because ``CY`` is where the conference was held. Zotero's RIS translator reads the tags
the same way, so files Zotero writes come back as they went.

This table says it once, per type. A tag a type gives no PeerRef field for (a series
editor, a patent's issuing body, a letter's recipient, a thesis's department) is not
read into a field: it stays in ``extra`` as "ris:XX", so nothing is lost.

The leading underscore keeps the registry from taking this module for a format.
"""

from __future__ import annotations

from dataclasses import dataclass

from peerref.core.model import CreatorRole, ReferenceType

_EDITOR = CreatorRole.EDITOR
_TRANSLATOR = CreatorRole.TRANSLATOR

# Tags read as the container (journal, book, proceedings) and as the collection (series),
# first tag with a value winning, when the specification gives them their usual meaning.
_CONTAINER = ("T2", "JF", "JO")
_SERIES = ("T3",)
# A type whose T2 is its series: the container can only come from a journal tag.
_NO_T2_CONTAINER = ("JF", "JO")


@dataclass(frozen=True)
class RisType:
    """One RIS type: PeerRef's type for it and the meaning of its type-dependent tags.

    Attributes:
        csl: the CSL type the RIS type is ("patent", "article-magazine"); PeerRef's own
            type (``type``) is the same.
        authors: the role of ``AU`` and ``A1`` (an edited book's are its editors).
        a2, a3, a4: the PeerRef role of the secondary, tertiary and subsidiary authors;
            None where the type gives them a role PeerRef has not (kept in extra).
        container: tags holding the container title, first with a value winning.
        collection: tags holding the series (collection) title.
        place: tags holding the place of publication.
        issue: tags holding the issue; EndNote writes a journal's issue in ``M1``.
    """

    csl: str
    authors: CreatorRole = CreatorRole.AUTHOR
    a2: CreatorRole | None = _EDITOR
    a3: CreatorRole | None = None
    a4: CreatorRole | None = _TRANSLATOR
    container: tuple[str, ...] = _CONTAINER
    collection: tuple[str, ...] = _SERIES
    place: tuple[str, ...] = ("CY",)
    issue: tuple[str, ...] = ("IS", "CP")

    @property
    def type(self) -> ReferenceType:
        """PeerRef's type: the CSL type itself (every CSL type is one of PeerRef's)."""
        return ReferenceType.from_csl(self.csl)

    def role_of(self, tag: str) -> CreatorRole | None:
        """The PeerRef role of a name under ``tag``; None when it has no PeerRef role."""
        if tag in {"AU", "A1"}:
            return self.authors
        if tag == "ED":
            return _EDITOR
        return {"A2": self.a2, "A3": self.a3, "A4": self.a4}.get(tag)


_JOURNAL_ISSUE = ("IS", "CP", "M1")
# A book's T2 is its series (its own title is TI); it has no container.
_BOOK = RisType("book", a2=None, a3=_EDITOR, container=(), collection=("T2", "T3"))

# Every type of the RIS specification, and the ones EndNote and Reference Manager add.
RIS_TYPE_TABLE: dict[str, RisType] = {
    "ABST": RisType("article-journal"),  # an abstract, cited as the journal article it appeared in
    "ADVS": RisType("motion_picture", a2=None, a3=None, a4=None),  # performers
    "AGGR": RisType("dataset"),  # an aggregated database
    "ANCIENT": RisType("classic", collection=()),  # T3: the volume's title
    "ART": RisType("graphic"),
    "BILL": RisType("bill", a2=None, collection=()),  # sponsor; legislative body
    "BLOG": RisType("post-weblog", collection=()),  # T3: institution
    "BOOK": _BOOK,
    "CASE": RisType("legal_case", a2=None, a4=None, collection=()),  # reporter…
    "CHAP": RisType("chapter"),
    "CHART": RisType("figure", a2=None, container=()),  # T2: the image program
    "CLSWK": _BOOK,  # a classical work
    "COMP": RisType("software", a2=None, container=(), collection=("T2",)),
    "CONF": RisType(
        "paper-conference",
        a4=None,  # the sponsor
        container=("C3", "T2", "JF", "JO"),  # C3 the proceedings, T2 the conference
        place=("C1", "CY"),  # CY is where the conference was held
        issue=_JOURNAL_ISSUE,
    ),
    "CPAPER": RisType("paper-conference", place=("C1", "CY"), issue=_JOURNAL_ISSUE),
    "CTLG": RisType("document", a2=None, container=(), collection=("T2",)),  # a catalogue
    "DATA": RisType("dataset", a2=None, a4=None),  # producer, funding agency
    "DBASE": RisType("dataset"),
    "DICT": RisType("entry-dictionary"),
    "EBOOK": RisType("book", container=(), collection=("T3", "T2")),
    "ECHAP": RisType("chapter"),
    "EDBOOK": RisType(
        "book",
        authors=_EDITOR,  # EndNote's "Edited Book" lists its editors as authors
        a2=None,
        a3=_EDITOR,
        container=(),
        collection=("T2", "T3"),
    ),
    "EJOUR": RisType("article-journal", issue=_JOURNAL_ISSUE),
    "ELEC": RisType("webpage"),
    "ENCYC": RisType("entry-encyclopedia"),
    "EQUA": RisType("document", a2=None, container=()),  # an equation
    "FIGURE": RisType("figure", a2=None, container=()),
    "GEN": RisType("document", issue=_JOURNAL_ISSUE),
    "GOVDOC": RisType("report", a2=None),  # A2: the department
    "GRNT": RisType("document", a2=None, a4=None, container=(), collection=()),  # a grant
    "HEAR": RisType("hearing", container=(), collection=()),  # committee, body
    "ICOMM": RisType("personal_communication", a2=None),  # A2: the recipient
    "INPR": RisType("article-journal"),
    "JFULL": RisType("article-journal"),  # a whole journal issue (CSL "periodical")
    "JOUR": RisType("article-journal", issue=_JOURNAL_ISSUE),
    "LEGAL": RisType("regulation", a2=None, container=(), collection=()),
    "MANSCPT": RisType("manuscript", container=(), collection=("T2",)),
    "MAP": RisType("map", a2=None, container=(), collection=("T2",)),
    "MGZN": RisType("article-magazine", issue=_JOURNAL_ISSUE),
    "MPCT": RisType("motion_picture", a2=None, a3=None, a4=None, container=(), collection=("T2",)),
    "MULTI": RisType("document", a2=None, container=(), collection=("T2",)),  # online multimedia
    "MUSIC": RisType("musical_score", a4=None),  # A4: the producer
    "NEWS": RisType("article-newspaper"),
    "PAMP": RisType("pamphlet", a2=None),  # A2: the institution
    "PAT": RisType("patent", a2=None, collection=()),  # issuing body; T3 its title
    "PCOMM": RisType("personal_communication", a2=None),  # A2: the recipient
    "RPRT": RisType("report", a2=None, container=_NO_T2_CONTAINER, collection=("T2", "T3")),
    "SER": RisType("book", a4=_EDITOR, container=(), collection=("T3", "T2")),
    "SLIDE": RisType("speech"),
    "SOUND": RisType("song", a2=None),  # A2: the performer
    # A standard (CSL "standard"), issued as a report is; T2 its section, T3 a paper number.
    "STAND": RisType("report", container=_NO_T2_CONTAINER, collection=("T2",)),
    "STAT": RisType("legislation", collection=()),  # T3: international source
    "THES": RisType("thesis", container=_NO_T2_CONTAINER),  # T2: department
    "UNBILL": RisType("bill", a2=None, collection=()),
    # An unpublished work (a working paper): T2 its series, T3 the department. Its A2 is
    # the series editor in the 2011 specification, the editor in the earlier one (and to
    # Zotero): read as editors.
    "UNPB": RisType("article", container=_NO_T2_CONTAINER, collection=("T2",)),
    "UNPD": RisType("article"),  # "unpublished", Reference Manager's name
    "VIDEO": RisType("motion_picture", a2=None),
    # EndNote's "Web Page": A2 and T2 are its series editor and series title. (ELEC, which
    # Zotero writes, has the site's title in T2.)
    "WEB": RisType("webpage", a2=None, container=_NO_T2_CONTAINER, collection=("T2",)),
}
