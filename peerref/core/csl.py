"""Conversion between ``Reference`` and CSL-JSON items.

CSL-JSON is the exchange format of the field (Zotero, pandoc, citeproc): the CLI prints
it, the citation engine consumes it, and CSL-JSON import/export go through here. Values
CSL-JSON has no variable for (source-specific extras, which fields were truncated) ride
in the item's ``custom.peerref`` object so that export then import loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from peerref.core.dates import parse_date
from peerref.core.model import (
    Creator,
    CreatorRole,
    PartialDate,
    Reference,
    ReferenceId,
    ReferenceType,
    abstract_from_text,
)

# Simple string variables: CSL-JSON key -> Reference attribute.
_STRING_FIELDS: dict[str, str] = {
    "title": "title",
    "title-short": "title_short",
    "container-title": "container_title",
    "container-title-short": "container_title_short",
    "collection-title": "collection_title",
    "volume": "volume",
    "issue": "issue",
    "page": "page",
    "status": "status",
    "publisher": "publisher",
    "publisher-place": "publisher_place",
    "edition": "edition",
    "DOI": "doi",
    "PMID": "pmid",
    "PMCID": "pmcid",
    "URL": "url",
    "language": "language",
}

_NAME_KEYS: dict[str, str] = {
    "family": "family",
    "given": "given",
    "non-dropping-particle": "particle",
    "dropping-particle": "dropping_particle",
    "suffix": "suffix",
    "literal": "literal",
}

CslItem = dict[str, Any]

# CSL-JSON needs an id on every item; references not yet saved get "item-<n>" on export.
# Such ids carry no information, so reading them back does not keep them.
UNSAVED_ID_PREFIX = "item-"


def unsaved_item_id(number: int) -> str:
    """The placeholder id written for the ``number``-th unsaved reference of an export."""
    return f"{UNSAVED_ID_PREFIX}{number}"


def _is_placeholder_id(value: str) -> bool:
    return value.startswith(UNSAVED_ID_PREFIX) and value[len(UNSAVED_ID_PREFIX) :].isdigit()


def creator_to_csl(creator: Creator) -> dict[str, str]:
    """One CSL name object; empty parts are left out."""
    if creator.literal:
        return {"literal": creator.literal}
    return {
        key: getattr(creator, attr) for key, attr in _NAME_KEYS.items() if getattr(creator, attr)
    }


def creator_from_csl(name: Mapping[str, Any], role: CreatorRole) -> Creator:
    """Read a CSL name object, tolerating non-string values by turning them into text."""
    values = {attr: str(name.get(key, "") or "") for key, attr in _NAME_KEYS.items()}
    return Creator(role=role, **values)


def date_to_csl(date: PartialDate) -> dict[str, Any]:
    """CSL date object, or an empty dict when no date is known."""
    out: dict[str, Any] = {}
    parts = date.date_parts()
    if parts:
        out["date-parts"] = [parts]
        if date.end is not None:
            out["date-parts"].append(date.end.date_parts())
    if date.season:
        out["season"] = date.season
    if date.literal:
        out["literal"] = date.literal
    return out


def date_from_csl(value: Any) -> PartialDate:
    """Read a CSL date object; malformed parts become a literal date rather than an error."""
    if not isinstance(value, Mapping):
        return PartialDate(literal=str(value)) if value else PartialDate()
    season = str(value.get("season", "") or "")
    literal = str(value.get("literal", "") or "")
    parts = value.get("date-parts")
    numbers: list[int] = []
    if isinstance(parts, list) and parts and isinstance(parts[0], list):
        for item in parts[0][:3]:
            try:
                numbers.append(int(item))
            except (TypeError, ValueError):
                break
    elif value.get("raw") and not literal:
        parsed = parse_date(str(value["raw"]))
        if parsed is not None:
            return parsed
        literal = str(value["raw"])
    year, month, day = _checked_parts(numbers)
    end = None
    if year is not None and isinstance(parts, list) and len(parts) > 1:
        end_numbers: list[int] = []
        if isinstance(parts[1], list):
            for item in parts[1][:3]:
                try:
                    end_numbers.append(int(item))
                except (TypeError, ValueError):
                    break
        end_year, end_month, end_day = _checked_parts(end_numbers)
        if end_year is not None:
            end = PartialDate(end_year, end_month, end_day)
    return PartialDate(year=year, month=month, day=day, season=season, literal=literal, end=end)


def _checked_parts(numbers: list[int]) -> tuple[int | None, int | None, int | None]:
    """Year, month and day of one CSL ``date-parts`` entry; a month 13 drops month and day."""
    padded: list[int | None] = [*numbers, None, None, None]
    year, month, day = padded[:3]
    if month is not None and not 1 <= month <= 12:
        month = day = None
    if day is not None and not 1 <= day <= 31:
        day = None
    return year, month, day


def reference_to_csl(ref: Reference, *, with_id: bool = True) -> CslItem:
    """The CSL-JSON item for a reference; ``id`` is the library id when it has one."""
    item: CslItem = {}
    if with_id and ref.id is not None:
        item["id"] = ref.id
    item["type"] = ref.type.value
    for key, attr in _STRING_FIELDS.items():
        value = getattr(ref, attr)
        if value:
            item[key] = value
    for role in CreatorRole:
        names = [creator_to_csl(c) for c in ref.creators if c.role is role]
        if names:
            item[role.value] = names
    issued = date_to_csl(ref.issued)
    if issued:
        item["issued"] = issued
    if ref.issn:
        item["ISSN"] = ", ".join(ref.issn)
    if ref.isbn:
        item["ISBN"] = ", ".join(ref.isbn)
    if ref.abstract:
        item["abstract"] = ref.abstract_text
    if ref.keywords:
        item["keyword"] = ", ".join(ref.keywords)
    custom: dict[str, Any] = {}
    if ref.extra:
        custom["extra"] = dict(ref.extra)
    if ref.truncated:
        custom["truncated"] = sorted(ref.truncated)
    if any("," in k for k in ref.keywords):
        custom["keywords"] = list(ref.keywords)
    if custom:
        item["custom"] = {"peerref": custom}
    return item


def _split_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    if not value:
        return ()
    return tuple(part.strip() for part in str(value).split(",") if part.strip())


def _reference_id(value: Any) -> ReferenceId | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return ReferenceId(value)
    return None


def reference_from_csl(item: Mapping[str, Any]) -> Reference:
    """Build a reference from a CSL-JSON item. Unknown keys are kept in ``extra``.

    Raises nothing for odd values: numbers become text, bad dates become literal dates.
    """
    fields: dict[str, Any] = {}
    for key, attr in _STRING_FIELDS.items():
        value = item.get(key)
        if value is not None and value != "":
            fields[attr] = value if isinstance(value, str) else str(value)
    creators: list[Creator] = []
    for role in CreatorRole:
        names = item.get(role.value)
        if isinstance(names, list):
            creators.extend(creator_from_csl(n, role) for n in names if isinstance(n, Mapping))
    custom = item.get("custom")
    peerref_custom = custom.get("peerref", {}) if isinstance(custom, Mapping) else {}
    if not isinstance(peerref_custom, Mapping):
        peerref_custom = {}
    extra_in = peerref_custom.get("extra", {})
    extra = {str(k): str(v) for k, v in extra_in.items()} if isinstance(extra_in, Mapping) else {}
    known = (
        set(_STRING_FIELDS)
        | {r.value for r in CreatorRole}
        | {
            "id",
            "type",
            "issued",
            "ISSN",
            "ISBN",
            "abstract",
            "keyword",
            "custom",
        }
    )
    for key, value in item.items():
        if key in known or value in ("", None, [], {}):
            continue
        if isinstance(value, str | int | float):
            extra.setdefault(f"csl:{key}", str(value))
        else:  # dates and names PeerRef has no field for (accessed, container-author …)
            extra.setdefault(f"csl:{key}", json.dumps(value, ensure_ascii=False, sort_keys=True))
    foreign_id = item.get("id")
    if isinstance(foreign_id, str) and foreign_id and not _is_placeholder_id(foreign_id):
        extra.setdefault("csl:id", foreign_id)
    keywords_custom = peerref_custom.get("keywords")
    keywords = (
        tuple(str(k) for k in keywords_custom)
        if isinstance(keywords_custom, list)
        else _split_list(item.get("keyword"))
    )
    truncated_in = peerref_custom.get("truncated", [])
    ref_id = item.get("id")
    return Reference(
        type=ReferenceType.from_csl(str(item.get("type", "") or "")),
        creators=tuple(creators),
        issued=date_from_csl(item.get("issued")),
        issn=_split_list(item.get("ISSN")),
        isbn=_split_list(item.get("ISBN")),
        abstract=abstract_from_text(str(item.get("abstract", "") or "")),
        keywords=keywords,
        extra=extra,
        truncated=frozenset(str(t) for t in truncated_in)
        if isinstance(truncated_in, list)
        else frozenset(),
        id=_reference_id(ref_id),
        **fields,
    )
