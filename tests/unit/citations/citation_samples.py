"""Hand-made references shared by the citation tests (our own titles, real journal names)."""

from __future__ import annotations

from peerref.core.model import (
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
)

MHTEP = "The Journal of Mental Health Training, Education and Practice"
REPPER_WATSON = (Creator("Repper", "Julie"), Creator("Watson", "Emma"))

# Two papers by the same authors, same year, same journal issue: 2012a / 2012b.
PEER_ROLE = Reference(
    id=ReferenceId(1),
    title="Peer support workers in mental health services: introducing the role",
    creators=REPPER_WATSON,
    container_title=MHTEP,
    volume="7",
    issue="2",
    page="70-78",
    issued=PartialDate(2012),
    doi="10.1108/17556221211236466",
)
PEER_TRAINING = Reference(
    id=ReferenceId(2),
    title="Developing peer worker roles: training and supervision",
    creators=REPPER_WATSON,
    container_title=MHTEP,
    volume="7",
    issue="2",
    page="79-88",
    issued=PartialDate(2012),
)
AHEAD_OF_PRINT = Reference(
    id=ReferenceId(3),
    title="Recovery narratives in community nursing",
    creators=(
        Creator("Gogh", "Vincent", particle="van"),
        Creator("Súilleabháin", "Seán", particle="Ó"),
    ),
    container_title="Journal of Advanced Nursing",
    status="ahead-of-print",
    issued=PartialDate(2024, 3, 5),
    doi="10.1111/jan.16001",
)
CHAPTER = Reference(
    id=ReferenceId(4),
    type=ReferenceType.CHAPTER,
    title="Supervision in practice",
    creators=(
        Creator("Smith", "Anne"),
        Creator("Jones", "Robert", role=CreatorRole.EDITOR),
        Creator("Brown", "Carol", role=CreatorRole.EDITOR),
    ),
    container_title="Handbook of Clinical Supervision",
    publisher="Routledge",
    publisher_place="London",
    page="45-67",
    issued=PartialDate(2019),
    isbn=("9781138000001",),
)
ORGANISATION = Reference(
    id=ReferenceId(5),
    type=ReferenceType.REPORT,
    title="Mental health atlas 2020",
    creators=(Creator(literal="World Health Organization"),),
    publisher="World Health Organization",
    publisher_place="Geneva",
    issued=PartialDate(2021),
)
UNTITLED = Reference(
    id=ReferenceId(6),
    creators=(Creator("Okafor", "Chinedu"),),
    container_title="Nursing Times",
    volume="111",
    issue="3",
    page="12-14",
    issued=PartialDate(2015),
)
EMPTY = Reference(id=ReferenceId(7))

ALL = (PEER_ROLE, PEER_TRAINING, AHEAD_OF_PRINT, CHAPTER, ORGANISATION, UNTITLED)
