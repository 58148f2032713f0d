"""Points a student draws, as compact text: the 2D playground's "draw" set and the GAN lab's
drawn target share this reader (numpy only, no torch, no streamlit).

A drawing travels in links, so its text form is short and its reader is hostile-proof: rows
separated by ";", numbers by ",", two decimals, and anything that is not a usable row (garbage,
NaN, off the plane, a class that does not exist, one row too many) is dropped and counted, so
the caller can say what it left out instead of failing.
"""
from __future__ import annotations

import math
from typing import Callable

import numpy as np

from .base import DatasetError

MAX_DRAWN = 200        # points a drawing may hold (a link of ~3 KB); engine LIMITS agrees
MIN_DRAWN = 4          # fewest points the playground trains on (two of them are held out)
DRAW_HALF = 6.0        # the playground's plane runs from -6 to 6 on both axes (TF Playground)
ERASE_RADIUS = 0.6     # a removing click takes the nearest point within this distance
CLASSES = (0, 1)       # orange, blue (TF Playground's -1 and +1)
ROW_CHARS = 20         # longest row worth reading ("-5.25,-3.75,-0.25;" is 18)

Row = tuple[float, ...]


def read_rows(text: str, width: int, keep: Callable[[Row], bool],
              limit: int) -> tuple[list[Row], int]:
    """The rows of "a,b;a,b;…" with `width` finite numbers each that `keep` accepts, rounded to
    two decimals, at most `limit` of them; and how many non-empty rows were left out.

    Only the first `limit` rows' worth of text is read, so a hostile megabyte costs nothing."""
    text = str(text)
    items = [item for item in text[:limit * ROW_CHARS * 2].split(";") if item.strip()]
    if len(text) > limit * ROW_CHARS * 2:
        items.append("")                    # the unread tail counts as left out
    out: list[Row] = []
    for item in items:
        parts = item.split(",")
        try:
            row = tuple(round(float(v), 2) for v in parts) if len(parts) == width else ()
        except ValueError:
            row = ()
        if row and all(math.isfinite(v) for v in row) and keep(row) and len(out) < limit:
            out.append(row)
    return out, len(items) - len(out)


def _keeper(regression: bool) -> Callable[[Row], bool]:
    """On the plane, with a class (0 or 1) or, for regression, a value from -1 to 1."""
    def keep(row: Row) -> bool:
        x, y, c = row
        return (abs(x) <= DRAW_HALF and abs(y) <= DRAW_HALF
                and (-1 <= c <= 1 if regression else c in CLASSES))
    return keep


def parse_drawn(text: str, regression: bool = False) -> tuple[np.ndarray, np.ndarray, int]:
    """Points (n, 2) float32 and classes (n,) int64 (regression: values (n,) float32) of
    "x,y,c;…", and how many rows were dropped (unreadable, off the ±6 plane, class not 0 or 1
    or value outside -1 to 1, beyond MAX_DRAWN)."""
    rows, dropped = read_rows(text, 3, _keeper(regression), MAX_DRAWN)
    table = np.array(rows, dtype=np.float64).reshape(-1, 3)
    labels = table[:, 2].astype(np.float32 if regression else np.int64)
    return table[:, :2].astype(np.float32), labels, dropped


def _value(v: float) -> str:
    """A class or value as short as it reads: 0, 1, -0.5, 0.25."""
    text = f"{float(v) + 0.0:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def drawn_text(points: np.ndarray, labels: np.ndarray) -> str:
    """The compact text of a drawing (two decimals; a class as 0 or 1, a value as 0.5)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    pts = np.round(pts, 2) + 0.0            # + 0.0: no "-0.00"
    return ";".join(f"{x:.2f},{y:.2f},{_value(c)}" for (x, y), c in zip(pts, np.asarray(labels)))


def clean_drawn(text: str, regression: bool = False) -> tuple[str, str | None]:
    """The drawing in its own spelling, and a note when rows had to be left out."""
    points, labels, dropped = parse_drawn(text, regression)
    note = None
    if dropped:
        what = ("a value outside -1 to 1" if regression else
                "a class other than 0 = orange or 1 = blue")
        note = (f"left out {dropped} of {len(points) + dropped} points (unreadable, off the "
                f"plane from -6 to 6, {what}, or beyond {MAX_DRAWN} points); kept "
                f"{len(points)}.")
    return drawn_text(points, labels), note


def drawing_problem(text: str, regression: bool = False) -> str | None:
    """Why a drawing cannot be trained on yet (too few points, one colour only, a row that is
    no point of this kind of drawing), or None."""
    _, note = clean_drawn(text, regression)
    if note:
        return f"Your drawing: {note}"
    points, labels, _ = parse_drawn(text, regression)
    colours = {int(c) for c in labels}
    if len(points) >= MIN_DRAWN and (regression or colours == set(CLASSES)):
        return None
    one = " of one colour" if len(colours) == 1 and not regression else ""
    need = "" if regression else " and both colours (orange and blue)"
    return (f"Your drawing has {len(points)} point{'s' * (len(points) != 1)}{one}: click on "
            f"the plane to add points, at least {MIN_DRAWN}{need}, so the network has "
            "something to learn.")


def add_point(text: str, x: float, y: float, label: float, regression: bool = False) -> str:
    """The drawing with one more point (unchanged when full or when the click is off the
    plane: the text stays a valid drawing)."""
    points, labels, _ = parse_drawn(text, regression)
    row = (round(float(x), 2), round(float(y), 2), round(float(label), 2))
    if len(points) >= MAX_DRAWN or not all(math.isfinite(v) for v in row) \
            or not _keeper(regression)(row):
        return drawn_text(points, labels)
    return drawn_text(np.vstack([points, [row[:2]]]), np.append(labels, row[2]))


def as_values(text: str) -> str:
    """A class drawing as a regression one: orange (0) becomes -1, blue (1) stays +1."""
    points, labels, _ = parse_drawn(text)
    return drawn_text(points, 2.0 * labels - 1.0)


def erase_point(text: str, x: float, y: float, radius: float = ERASE_RADIUS) -> str:
    """The drawing without the point nearest (x, y), if one lies within `radius` (classes are
    values too, so one reader serves both kinds of drawing)."""
    points, labels, _ = parse_drawn(text, regression=True)
    if not len(points) or not (math.isfinite(x) and math.isfinite(y)):
        return drawn_text(points, labels)
    dist = np.hypot(points[:, 0] - x, points[:, 1] - y)
    i = int(np.argmin(dist))
    if dist[i] > radius:
        return drawn_text(points, labels)
    return drawn_text(np.delete(points, i, axis=0), np.delete(labels, i))


def drawn_set(text: str, regression: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The points and classes (or values) a drawn dataset trains on; DatasetError when the
    text is not a clean drawing or too small (the spec has already said so in the student's
    words)."""
    problem = drawing_problem(text, regression)
    if problem:
        raise DatasetError(problem)
    points, labels, _ = parse_drawn(text, regression)
    return points, labels


def _example() -> str:
    """A small example to start from: a blue cluster inside a ring of orange (12 + 6 points),
    so "Draw your own" trains at once and shows what a drawing is."""
    ring = [(4.2 * math.cos(a), 4.2 * math.sin(a), 0) for a in np.linspace(0, 2 * math.pi, 13)[:-1]]
    core = [(1.3 * math.cos(a), 1.3 * math.sin(a), 1)
            for a in np.linspace(0.3, 2 * math.pi + 0.3, 7)[:-1]]
    table = np.array(ring + core)
    return drawn_text(table[:, :2], table[:, 2])


DEFAULT_DRAWN = _example()
DEFAULT_DRAWN_VALUES = as_values(DEFAULT_DRAWN)   # "draw_reg": the ring -1, the centre +1
