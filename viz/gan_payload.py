"""Compact frames for the GAN lab's canvases: D's map as uint8 levels in base64 plus a colour
table, points and arrows as rounded numbers, curves downsampled. One small JSON per frame
(~25 KB for the plane), no figure to build on the server.

The legends are HTML written here from numbers only (no outside text reaches them).
"""
from __future__ import annotations

import base64

import numpy as np

from viz.gan import ARROWS_SHOWN, arrow_ends

PLANE_SIZE = 520          # pixels of the plane's side at most
CURVE_POINTS = 300        # points per curve at most
# D's colour table: purple (fake) through white to green (real), as the plotly figure had
_STOPS = np.array([[231, 212, 247], [255, 255, 255], [205, 238, 226]], dtype=float)


def _lut() -> list[int]:
    t = np.linspace(0, 1, 256)[:, None]
    low = _STOPS[0] + (_STOPS[1] - _STOPS[0]) * np.clip(t * 2, 0, 1)
    high = _STOPS[1] + (_STOPS[2] - _STOPS[1]) * np.clip(t * 2 - 1, 0, 1)
    return np.round(np.where(t < 0.5, low, high)).astype(int).reshape(-1).tolist()


LUT = _lut()


def levels(heat: np.ndarray, heat_range: tuple[float, float]) -> np.ndarray:
    """D's map scaled from its range to uint8 levels 0..255 (NaN becomes the middle)."""
    lo, hi = heat_range
    t = np.clip(np.nan_to_num((heat - lo) / max(hi - lo, 1e-12), nan=0.5), 0, 1)
    return np.round(t * 255).astype(np.uint8)


def _flat(points: np.ndarray) -> list[float]:
    return np.round(np.asarray(points, dtype=float), 3).reshape(-1).tolist()


def plane_payload(real: np.ndarray, fake: np.ndarray, arrows: np.ndarray, heat: np.ndarray,
                  heat_range: tuple[float, float], mesh: np.ndarray, *, extent=(-2.0, 2.0),
                  critic: bool = False, show_heat: bool = True, show_mesh: bool = True,
                  show_arrows: bool = True, drawn: np.ndarray | None = None,
                  explain: bool = False) -> dict:
    """The plane's frame: D's map, manifold polylines, real and fake points, arrows; with
    `drawn` (the student's own target) those points as rings, and clicks add more. With
    `explain`, the legend says how to read the plane (a second line, in the same element, so
    a live frame sends no caption of its own)."""
    out: dict = {"kind": "plane", "size": PLANE_SIZE, "extent": list(extent),
                 "real": _flat(real), "fake": _flat(fake), "heat": None, "mesh": None,
                 "arrows": None, "draw": drawn is not None,
                 "drawn": None if drawn is None else _flat(drawn)}
    if show_heat:
        out["heat"] = {"n": int(heat.shape[0]), "lut": LUT, "levels": base64.b64encode(
            np.ascontiguousarray(levels(heat, heat_range)).tobytes()).decode("ascii")}
    if show_mesh:
        lines = [mesh[i] for i in range(mesh.shape[0])]
        if mesh.shape[0] > 1:
            lines += [mesh[:, j] for j in range(mesh.shape[1])]
        out["mesh"] = [_flat(line) for line in lines]
    if show_arrows:
        start = fake[:ARROWS_SHOWN]
        out["arrows"] = _flat(np.concatenate([start, arrow_ends(start, arrows[:ARROWS_SHOWN])],
                                             axis=1))
    lo, hi = heat_range
    scale = (f"the critic's score, {lo:.2f} (purple) to {hi:.2f} (green: more real)" if critic
             else "D's belief that a point is real, 0 (purple) to 1 (green)")
    out["legend"] = ("<b style='color:#1b9e77'>●</b> real &nbsp; <b style='color:#7b3fc4'>●"
                     "</b> fake &nbsp; <b style='color:#d95f02'>→</b> G's push &nbsp; "
                     "<b style='color:#666'>#</b> manifold &nbsp; · background: " + scale
                     + (" · <b>○</b> your points: click the plane to add one" if drawn is not None
                        else ""))
    if explain:
        out["legend"] += "<br><span style='color:#777'>" + EXPLAIN + "</span>"
    return out


EXPLAIN = ("The purple points come from the same noise every frame, so you watch each one move. "
           "An orange arrow is minus the gradient of that point's generator loss: where G's "
           "next update pushes it. The grey mesh is a grid of noise mapped through G (the "
           "manifold).")


def _thin(n: int) -> np.ndarray:
    return np.unique(np.linspace(0, n - 1, min(n, CURVE_POINTS)).round().astype(int))


def curves_payload(losses: np.ndarray, divergence: np.ndarray, *, critic: bool = False,
                   height: int = 200) -> dict:
    """D and G losses per step (left axis, the 2nd to 98th percentile) and JS (right, 0..1)."""
    rows = losses[_thin(len(losses))] if len(losses) else np.zeros((0, 3))
    js = divergence[_thin(len(divergence))] if len(divergence) else np.zeros((0, 2))
    finite = rows[:, 1:][np.isfinite(rows[:, 1:])]
    lo, hi = (np.percentile(finite, [2, 98]) if finite.size else (0.0, 1.0))
    if hi - lo < 1e-6:
        lo, hi = lo - 0.5, hi + 0.5
    name = "critic" if critic else "D"
    return {"kind": "curves", "height": height, "steps": rows[:, 0].tolist(),
            "d_loss": np.nan_to_num(rows[:, 1]).round(4).tolist(),
            "g_loss": np.nan_to_num(rows[:, 2]).round(4).tolist(),
            "range": [float(lo), float(hi)], "js_steps": js[:, 0].tolist(),
            "js": js[:, 1].round(4).tolist(),
            "legend": (f"<b style='color:#555'>—</b> {name} loss &nbsp; <b style='color:#7b3fc4'>"
                       "—</b> G loss" + (" &nbsp; <b style='color:#d95f02'>- -</b> JS divergence "
                                         "(bits, right axis)" if len(js) else ""))}
