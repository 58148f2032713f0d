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
ROW_CHARS = 16         # longest row worth reading ("-5.25,-3.75,1;" is 14)

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


def _on_plane(row: Row) -> bool:
    x, y, c = row
    return abs(x) <= DRAW_HALF and abs(y) <= DRAW_HALF and c in CLASSES


def parse_drawn(text: str) -> tuple[np.ndarray, np.ndarray, int]:
    """Points (n, 2) float32 and classes (n,) int64 of "x,y,c;…", and how many rows were
    dropped (unreadable, off the ±6 plane, class not 0 or 1, beyond MAX_DRAWN)."""
    rows, dropped = read_rows(text, 3, _on_plane, MAX_DRAWN)
    table = np.array(rows, dtype=np.float64).reshape(-1, 3)
    return table[:, :2].astype(np.float32), table[:, 2].astype(np.int64), dropped


def drawn_text(points: np.ndarray, labels: np.ndarray) -> str:
    """The compact text of a drawing (two decimals; the class as 0 or 1)."""
    pts = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    pts = np.round(pts, 2) + 0.0            # + 0.0: no "-0.00"
    return ";".join(f"{x:.2f},{y:.2f},{int(c)}" for (x, y), c in zip(pts, np.asarray(labels)))


def clean_drawn(text: str) -> tuple[str, str | None]:
    """The drawing in its own spelling, and a note when rows had to be left out."""
    points, labels, dropped = parse_drawn(text)
    note = None
    if dropped:
        note = (f"left out {dropped} of {len(points) + dropped} points (unreadable, off the "
                f"plane from -6 to 6, a class other than 0 = orange or 1 = blue, or beyond "
                f"{MAX_DRAWN} points); kept {len(points)}.")
    return drawn_text(points, labels), note


def drawing_problem(text: str) -> str | None:
    """Why a drawing cannot be trained on yet (too few points, one colour only), or None."""
    points, labels, _ = parse_drawn(text)
    colours = {int(c) for c in labels}
    if len(points) >= MIN_DRAWN and colours == set(CLASSES):
        return None
    return (f"Your drawing has {len(points)} point{'s' * (len(points) != 1)}"
            f"{' of one colour' if len(colours) == 1 else ''}: click on the plane to add "
            f"points, at least {MIN_DRAWN} and both colours (orange and blue), so the network "
            "has something to separate.")


def add_point(text: str, x: float, y: float, label: int) -> str:
    """The drawing with one more point (unchanged when full or when the click is off the
    plane: the text stays a valid drawing)."""
    points, labels, _ = parse_drawn(text)
    row = (round(float(x), 2), round(float(y), 2), label)
    if len(points) >= MAX_DRAWN or not all(math.isfinite(v) for v in row[:2]) \
            or not _on_plane(row):
        return drawn_text(points, labels)
    return drawn_text(np.vstack([points, [row[:2]]]), np.append(labels, label))


def erase_point(text: str, x: float, y: float, radius: float = ERASE_RADIUS) -> str:
    """The drawing without the point nearest (x, y), if one lies within `radius`."""
    points, labels, _ = parse_drawn(text)
    if not len(points) or not (math.isfinite(x) and math.isfinite(y)):
        return drawn_text(points, labels)
    dist = np.hypot(points[:, 0] - x, points[:, 1] - y)
    i = int(np.argmin(dist))
    if dist[i] > radius:
        return drawn_text(points, labels)
    return drawn_text(np.delete(points, i, axis=0), np.delete(labels, i))


def drawn_set(text: str) -> tuple[np.ndarray, np.ndarray]:
    """The points and classes the "draw" dataset trains on; DatasetError when the text is not
    a clean drawing or too small (the spec has already said so in the student's words)."""
    points, labels, dropped = parse_drawn(text)
    problem = drawing_problem(text)
    if dropped or problem:
        raise DatasetError(problem or f"The drawing has {dropped} unusable point(s).")
    return points, labels


def _example() -> str:
    """A small example to start from: a blue cluster inside a ring of orange (12 + 6 points),
    so "Draw your own" trains at once and shows what a drawing is."""
    ring = [(4.2 * math.cos(a), 4.2 * math.sin(a), 0) for a in np.linspace(0, 2 * math.pi, 13)[:-1]]
    core = [(1.3 * math.cos(a), 1.3 * math.sin(a), 1) for a in np.linspace(0.3, 2 * math.pi + 0.3, 7)[:-1]]
    table = np.array(ring + core)
    return drawn_text(table[:, :2], table[:, 2])


DEFAULT_DRAWN = _example()
