"""The 2D playground's live views: output map, network of neuron maps, curves and numbers.

`draw(snapshot)` renders a PlaygroundSnapshot (captured by engine.inspect.playground under the
session lock) without the lock. Two renderers: the in-browser painter (default; uint8 maps →
canvas) and server-side PNG.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import streamlit as st

from datasets.base import Dataset
from engine.inspect.playground import OUTPUT
from engine.spec.drawing import draws
from engine.snapshot import PlaygroundSnapshot
from ui.presentation import view_scale
from ui.views.run import curves, run_numbers, run_status
from viz.live_payload import b64, frame_payload, neuron_map, output_map, points_payload
from viz.network import Column, network_svg
from viz.raster import data_uri, draw_points, neuron_rgb, output_rgb, to_png, upscale

BOUNDARY_PX = 360    # size of the big output map
MICRO_CAPTION = ("Microscope: the ringed training point is followed through the network. Click "
                 "another point to follow it; click an edge or a neuron to choose a weight or a "
                 "bias.")
THUMB_PX = 40        # size of a neuron's map in the network (the painter's default)
FONT_PX = 11         # the network's titles
RENDERERS = ("canvas", "png")
DRAWN_DOT_PX = 5     # radius of a drawn point on the 360 px map (generated sets: 3)


def _caption(large: str, classification: bool) -> str:
    if large != OUTPUT:
        return f"{large}: its output over the plane (blue +, orange −). Click the map for the output."
    return ("Network output: colour = predicted class, intensity = confidence. Click a neuron "
            "to see its map here." if classification else
            "Network output: predicted value (blue +, orange −). Click a neuron to see its map here.")


def _png_views(frame: PlaygroundSnapshot, ds: Dataset, *, show_test: bool, discretize: bool,
               large: str) -> tuple[bytes, str]:
    """Server-side rendering: the big map as PNG bytes and the network as an SVG string."""
    classification = ds.task == "classification"
    if large != OUTPUT and large in frame.maps:
        big = upscale(neuron_rgb(frame.maps[large]), BOUNDARY_PX)
    else:
        big = upscale(output_rgb(frame.grid.output, classification=classification,
                                 discretize=discretize), BOUNDARY_PX)
    big = draw_points(big, ds.points_train, ds.y_train, ds.extent, classification=classification)
    if show_test:
        big = draw_points(big, ds.points_test, ds.y_test, ds.extent,
                          classification=classification, hollow=True)
    out_small = output_rgb(frame.grid.output, classification=classification, discretize=discretize)
    columns = []
    more = frame.layout.more or (0,) * len(frame.layout.titles)
    for title, labels, hidden in zip(frame.layout.titles, frame.layout.labels, more):
        images = tuple(data_uri(to_png(out_small if label == OUTPUT
                                       else neuron_rgb(frame.maps[label]))) for label in labels)
        columns.append(Column(title, labels, images, hidden))
    return to_png(big), network_svg(columns, list(frame.layout.weights), selected=large)


def _head_maps(output: np.ndarray, head: tuple[str, ...]) -> dict[str, np.ndarray]:
    """The microscope's output neurons (one per class): 2p − 1 of that class over the plane."""
    if len(head) < 2:
        return {}
    return {label: 2 * output[..., c] - 1 for c, label in enumerate(head)}


def _painter_payload(frame: PlaygroundSnapshot, ds: Dataset, *, show_test: bool, discretize: bool,
                     large: str, serial: int, micro=None, drawing: bool = False,
                     pending=None) -> dict:
    classification = ds.task == "classification"
    output = output_map(frame.grid.output, classification=classification, discretize=discretize)
    big = output
    if large != OUTPUT and large in frame.maps:
        big = {"mode": "signed", "map": b64(neuron_map(frame.maps[large]))}
    points = [points_payload(ds.points_train, ds.y_train, ds.extent, classification=classification)]
    if show_test:
        points.append({**points_payload(ds.points_test, ds.y_test, ds.extent,
                                        classification=classification), "hollow": True})
    if pending is not None:          # a drawing too small to train on yet: shown as it is
        drawn, labels, classes = pending
        points = [points_payload(drawn, labels, ds.extent, classification=classes)]
    maps, layout, caption = frame.maps, frame.layout, _caption(large, classification)
    if micro is not None:
        maps = {**maps, **_head_maps(frame.grid.output, micro.head)}
        layout = micro.layout
        caption = MICRO_CAPTION
    scale = view_scale()             # presentation mode draws larger (and stays crisp)
    payload = frame_payload(frame=serial, resolution=frame.grid.resolution, maps=maps,
                            big=big, caption=caption, points=points,
                            layout=layout, selected=large, size=round(BOUNDARY_PX * scale),
                            fixed=frozenset(layout.labels[0]))     # the inputs' maps
    if micro is not None:
        payload["micro"] = micro.payload
    elif drawing and large == OUTPUT:      # a click on the output map adds or erases a point
        payload["draw"] = {"extent": list(ds.extent)}
    if draws(ds.name) or pending is not None:
        payload["dot"] = DRAWN_DOT_PX       # a few points of one's own: big enough to see
    return {**payload, "inactive": list(frame.inactive), "output": output,
            # titles grow a little more than the maps: read from the back of a room
            "thumb": round(THUMB_PX * scale),
            "font": round(FONT_PX * scale * (1.1 if scale > 1 else 1))}


def draw(frame: PlaygroundSnapshot, ds: Dataset, *, show_test: bool, discretize: bool, large: str,
         playing: bool = False, renderer: str = "canvas", serial: int = 0,
         on_select: Callable[[], None] | None = None,
         on_feature: Callable[[], None] | None = None, micro=None,
         on_micro: Callable[[], None] | None = None,
         panel: Callable[..., None] | None = None,
         on_draw: Callable[[], None] | None = None, pending=None) -> None:
    """Render one frame: numbers, output map and network, curves (no lock needed).

    With `micro` (a ui.controls.microscope.MicroFrame) the network view is the microscope's
    and `panel(micro)` draws its panel right under it. With `on_draw` a click on the output
    map is a drawing gesture; `pending` (points, labels, whether they are classes) replaces the
    dataset's points while a drawing is too small to train on."""
    classification = ds.task == "classification"
    numbers = run_numbers(frame.run, playing)
    # build every payload first, then emit quickly, most important first (research §3.5)
    if renderer == "png":
        png, net = _png_views(frame, ds, show_test=show_test, discretize=discretize, large=large)
    else:
        payload = _painter_payload(frame, ds, show_test=show_test, discretize=discretize,
                                   large=large, serial=serial, micro=micro,
                                   drawing=on_draw is not None, pending=pending)
    with st.container(key="pg_epoch"):
        st.markdown(numbers)
    run_status(frame.run)
    if renderer == "png":
        left, right = st.columns([1, 1.5])
        with left.container(key="pg_boundary"):
            st.image(png, caption=_caption(large, classification), output_format="PNG",
                     width=round(BOUNDARY_PX * view_scale()))
        with right.container(key="pg_network"):
            st.markdown(f'<div style="overflow-x:auto">{net}</div>', unsafe_allow_html=True)
    else:
        from ui.views.painter import live_painter
        with st.container(key="pg_live_view"):
            live_painter(payload, key="pg_painter", on_select=on_select or (lambda: None),
                         on_feature=on_feature or (lambda: None), on_micro=on_micro,
                         on_draw=on_draw)
        if micro is not None and panel is not None:
            panel(micro)
    curves(frame.run, "pg")
