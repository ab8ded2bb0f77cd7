"""The PRISMA 2020 flow diagram of a review, drawn with matplotlib and written without Qt.

Laid out as the PRISMA 2020 template for new systematic reviews that searched databases
and registers only: a header, the phases (Identification, Screening, Included) down the
left, the main flow in the left column and what left it in the right column. Drawn on a
``matplotlib.figure.Figure`` directly (no pyplot and its global figures), so the CLI, the
window and a background thread can each draw their own. SVG keeps its text as text, so
the numbers stay searchable and the file small.

matplotlib (and numpy under it) is imported only when a diagram is drawn: importing it
costs a second or more, which opening the window or running any ``peerref-cli``
command would otherwise pay whether or not a diagram is ever wanted.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from peerref.core.errors import UserInputError
from peerref.core.prisma import PrismaCounts

if TYPE_CHECKING:
    from matplotlib.figure import Figure

DiagramFormat = Literal["svg", "png", "pdf"]
FORMATS: tuple[DiagramFormat, ...] = ("svg", "png", "pdf")

_BOX = "#ffffff"
_EDGE = "#333333"
_HEADER = "#f4c542"  # the template's yellow header
_PHASE = "#a9c8e8"  # and its blue phase labels
_FONT = 8.5
_WIDTH_IN = 8.5
_LEFT = (14.0, 50.0)  # x range of the main column, in percent of the width
_RIGHT = (57.0, 97.0)
_WRAP = 44
# Characters of the bold header across the full width: a review's name can be long, and
# the header wraps rather than running past the box and the page's edge.
_HEADER_WRAP = 84
# Heights (percent units, 0.085 in each) that the rotated words "Identification" and
# "Included" need in the phase boxes.
_IDENTIFICATION_LABEL = 14.0
_INCLUDED_LABEL = 9.0


# rc_context changes matplotlib's process-wide settings for as long as it lasts; one
# drawing at a time, so a diagram drawn off the UI thread and one exported from the
# window never see each other's settings half-applied.
_DRAWING = threading.Lock()


@contextmanager
def _text_as_text() -> Iterator[None]:
    """SVG text as <text> elements (not glyph paths) and stable SVG ids, for this drawing only."""
    import matplotlib

    # PDF keeps matplotlib's Type 3 fonts: embedding TrueType (fonttype 42) subsets the
    # font with fontTools, twenty times slower for no visible difference in a diagram.
    with _DRAWING, matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "peerref"}):
        yield


def _n(value: int) -> str:
    return f"(n = {value:,})".replace(",", "\u2009")  # thin space: "(n = 67 000)"


def _lines(title: str, rows: list[str]) -> str:
    wrapped = textwrap.wrap(title, _WRAP) or [""]
    for row in rows:
        wrapped.extend(textwrap.wrap(row, _WRAP, subsequent_indent="    ") or [""])
    return "\n".join(wrapped)


class _Canvas:
    """Boxes and arrows in percent coordinates, y growing upwards, on one figure."""

    def __init__(self, height: float) -> None:
        from matplotlib.figure import Figure

        self.height = height
        self.figure = Figure(figsize=(_WIDTH_IN, _WIDTH_IN * height / 100), dpi=100)
        self.axes = self.figure.add_axes((0.0, 0.0, 1.0, 1.0))
        self.axes.set_xlim(0, 100)
        self.axes.set_ylim(0, height)
        self.axes.set_axis_off()

    def box(
        self,
        x: tuple[float, float],
        y: tuple[float, float],
        text: str,
        *,
        fill: str = _BOX,
        rotate: bool = False,
        bold: bool = False,
        align: Literal["left", "center"] = "center",
        gid: str = "",
    ) -> None:
        from matplotlib.patches import FancyBboxPatch

        patch = FancyBboxPatch(
            (x[0], y[0]),
            x[1] - x[0],
            y[1] - y[0],
            boxstyle="round,pad=0,rounding_size=0.8",
            facecolor=fill,
            edgecolor=_EDGE,
            linewidth=0.9,
        )
        patch.set_gid(gid or None)
        self.axes.add_patch(patch)
        left = align == "left" and not rotate
        self.axes.text(
            x[0] + 1.5 if left else (x[0] + x[1]) / 2,
            (y[0] + y[1]) / 2,
            text,
            ha="left" if left else "center",
            va="center",
            rotation=90 if rotate else 0,
            fontsize=_FONT + (1 if bold else 0),
            fontweight="bold" if bold else "normal",
            linespacing=1.35,
            wrap=False,
        )

    def arrow(self, start: tuple[float, float], end: tuple[float, float]) -> None:
        self.axes.annotate(
            "",
            xy=end,
            xytext=start,
            arrowprops={"arrowstyle": "-|>", "color": _EDGE, "linewidth": 0.9, "shrinkA": 0},
        )


def _height_of(text: str) -> float:
    """Box height in percent units for a text of so many lines (about 2.1 per line)."""
    return 2.4 + 2.15 * (text.count("\n") + 1)


def draw(counts: PrismaCounts, *, title: str = "") -> Figure:
    """The flow diagram of ``counts`` as a figure; every number comes from ``counts``."""
    identified_rows = [f"{name} {_n(n)}" for name, n in counts.identified] or ["none yet"]
    identified = _lines(f"Records identified from databases {_n(counts.identified_total)}:", [])
    identified = identified + "\n" + "\n".join(f"    {row}" for row in identified_rows)
    removed = _lines(
        "Records removed before screening:",
        [f"Duplicate records removed {_n(counts.duplicates_removed)}"],
    )
    screened_rows = [_n(counts.screened)]
    if counts.undecided_screening:
        screened_rows.append(f"awaiting screening {_n(counts.undecided_screening)}")
    screened = "Records screened\n" + "\n".join(screened_rows)
    excluded = f"Records excluded\n{_n(counts.excluded_screening)}"
    sought = f"Reports sought for retrieval\n{_n(counts.sought)}"
    not_retrieved = f"Reports not retrieved\n{_n(counts.not_retrieved)}"
    assessed_rows = [_n(counts.assessed)]
    if counts.awaiting_full_text:
        assessed_rows.append(f"awaiting retrieval or assessment {_n(counts.awaiting_full_text)}")
    assessed = "Reports assessed for eligibility\n" + "\n".join(assessed_rows)
    reasons = [f"{reason} {_n(n)}" for reason, n in counts.excluded_full_text] or ["none"]
    excluded_reports = _lines("Reports excluded:", reasons)
    included = f"Studies included in review\n{_n(counts.included)}"
    heading = "\n".join(
        textwrap.wrap(
            (title and f"{title}: identification of studies via databases and registers")
            or "Identification of studies via databases and registers",
            _HEADER_WRAP,
        )
    )

    gap = 4.5
    # The first and last rows are at least as tall as their rotated phase labels.
    rows = [
        max(_height_of(identified), _height_of(removed), _IDENTIFICATION_LABEL),
        max(_height_of(screened), _height_of(excluded)),
        max(_height_of(sought), _height_of(not_retrieved)),
        max(_height_of(assessed), _height_of(excluded_reports)),
        max(_height_of(included), _INCLUDED_LABEL),
    ]
    header = max(6.0, _height_of(heading) + 1.4)
    height = header + 3 + sum(rows) + gap * (len(rows) - 1) + gap + 2
    canvas = _Canvas(height)
    top = height - 1.5
    canvas.box(
        (_LEFT[0], _RIGHT[1]),
        (top - header, top),
        heading,
        fill=_HEADER,
        bold=True,
        gid="prisma-header",
    )
    y = top - header - gap
    spans: list[tuple[float, float]] = []
    for row in rows:
        spans.append((y - row, y))
        y -= row + gap
    texts = [
        (identified, removed),
        (screened, excluded),
        (sought, not_retrieved),
        (assessed, excluded_reports),
        (included, None),
    ]
    for index, ((left, right), span) in enumerate(zip(texts, spans, strict=True)):
        canvas.box(_LEFT, span, left, gid=f"prisma-left-{index}")
        if right is not None:
            canvas.box(_RIGHT, span, right, align="left", gid=f"prisma-right-{index}")
            middle = (span[0] + span[1]) / 2
            canvas.arrow((_LEFT[1], middle), (_RIGHT[0], middle))
        if index + 1 < len(spans):
            centre = (_LEFT[0] + _LEFT[1]) / 2
            canvas.arrow((centre, span[0]), (centre, spans[index + 1][1]))
    phases = [
        ("Identification", spans[0]),
        ("Screening", (spans[3][0], spans[1][1])),
        ("Included", spans[4]),
    ]
    for name, (low, high) in phases:
        canvas.box((2.5, 10.5), (low, high), name, fill=_PHASE, rotate=True, bold=True)
    return canvas.figure


def render(counts: PrismaCounts, fmt: DiagramFormat, *, title: str = "", dpi: int = 150) -> bytes:
    """The diagram as the bytes of an SVG, PNG or PDF file."""
    if fmt not in FORMATS:
        raise UserInputError(f"no diagram format {fmt!r}; choose one of {', '.join(FORMATS)}")
    with _text_as_text():
        figure = draw(counts, title=title)
        buffer = io.BytesIO()
        figure.savefig(buffer, format=fmt, dpi=dpi, metadata=_metadata(fmt))
    return buffer.getvalue()


def _metadata(fmt: DiagramFormat) -> dict[str, str | None]:
    # No creation date: the same decisions give the same file.
    if fmt == "svg":
        return {"Date": None, "Creator": "PeerRef"}
    if fmt == "pdf":
        return {"CreationDate": None, "Creator": "PeerRef", "Producer": "PeerRef"}
    return {"Software": "PeerRef"}


def export(
    counts: PrismaCounts, path: Path, fmt: DiagramFormat | None = None, *, title: str = ""
) -> None:
    """Write the diagram to ``path``, in the format its extension names unless given."""
    suffix = path.suffix.lstrip(".").lower()
    chosen = fmt or next((f for f in FORMATS if f == suffix), None)
    if chosen is None:
        raise UserInputError(
            f"cannot tell the diagram format from {path.name!r}; use .svg, .png or .pdf"
        )
    data = render(counts, chosen, title=title)
    try:
        path.write_bytes(data)
    except OSError as error:
        raise UserInputError(f"cannot write {path}: {error.strerror or error}") from error
