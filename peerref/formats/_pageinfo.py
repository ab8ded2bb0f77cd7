"""The query and hit count a copied results page shows around its list of results.

Shared by the page readers (Emerald, ScienceGate, PubMed): the words differ a little
from site to site ("1 – 10 of over 67000", "12,345 results", 'Search results for
"peer support"'), the place does not: above the first result or below the last, so only
those lines are read and a result's own title can never be taken for a query.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from peerref.formats.base import PageInfo

# "1 – 10 of over 67000", "1-20 of 1,234 results", "Results: 1 to 20 of 345".
_RANGE_OF = re.compile(
    r"^(?:results?:?\s*|showing\s+)?\d[\d,.]*\s?(?:[–—-]|to)\s?\d[\d,.]*\s+of\s+"
    r"(?P<qualifier>over\s|about\s|more than\s)?(?P<count>\d[\d,.\u202f\u00a0 ]*\d|\d)"
    r"(?:\s+(?:results?|records?|items?|documents?|articles?))?\.?$",
    re.IGNORECASE,
)
# "12,345 results", "About 1,230 results", "Found 98 results", "345 documents found".
_COUNT_RESULTS = re.compile(
    r"^(?:(?P<qualifier>about|over|found|approximately)\s+)?(?P<count>\d[\d,.\u202f\u00a0]*)\s+"
    r"(?:results?|records?|documents?|articles?|hits?)(?:\s+found)?(?:\s+for\s+(?P<query>.+))?\.?$",
    re.IGNORECASE,
)
# 'Search results for "peer support"', "You searched for: peer support", "Query: …".
_QUERY = re.compile(
    r"^(?:search\s+results\s+for|results\s+for|you\s+searched\s+for|your\s+search(?:\s+for)?|"
    r"search(?:ed)?\s+for|search\s+query|query|showing\s+results\s+for)\s*[:\-–]?\s*(?P<query>.+)$",
    re.IGNORECASE,
)
_QUOTES = "\"'“”‘’«»"
_MAX_QUERY = 500


def _number(text: str) -> int | None:
    digits = re.sub(r"\D", "", text)
    return int(digits) if digits else None


def _clean_query(text: str) -> str:
    text = " ".join(text.split()).strip()
    if len(text) >= 2 and text[0] in _QUOTES and text[-1] in _QUOTES:
        text = text[1:-1].strip()
    return text


def page_info(lines: Sequence[str], first_entry: int, last_entry: int) -> PageInfo:
    """The search a page shows, read from its lines outside the results.

    Args:
        lines: the page's lines.
        first_entry: 1-based line where the first result starts.
        last_entry: 1-based line where the last result ends.
    """
    outside = [*lines[: max(first_entry - 1, 0)], *lines[last_entry:]]
    query = ""
    hit_count: int | None = None
    hit_text = ""
    for raw in outside:
        line = " ".join(raw.split())
        if not line or len(line) > _MAX_QUERY:
            continue
        if hit_count is None:
            matched = _RANGE_OF.match(line) or _COUNT_RESULTS.match(line)
            if matched is not None:
                hit_count = _number(matched.group("count"))
                hit_text = line
                found_query = matched.groupdict().get("query")
                if found_query and not query:
                    query = _clean_query(found_query)
                continue
        if not query:
            asked = _QUERY.match(line)
            if asked is not None:
                query = _clean_query(asked.group("query"))
    return PageInfo(query=query, hit_count=hit_count, hit_text=hit_text)
