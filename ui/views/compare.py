"""Compare mode's live view: each run's numbers and (2D data) output map side by side, both
runs' curves on shared axes (A solid, B dashed), and the verdict while paused.

No torch here: the frame is a PairSnapshot captured under the lock.
"""
from __future__ import annotations

import streamlit as st

from datasets.base import Dataset
from engine.snapshot import PairSnapshot, RunState
from ui.messages import show_error, show_info
from viz.pair_curves import A_COLOUR, B_COLOUR, pair_curves_svg
from viz.images import first_layer_filters
from viz.raster import draw_points, output_rgb, to_png, upscale

MAP_PX = 300          # each run's output map


def _numbers(name: str, run: RunState, colour: str, line: str) -> str:
    text = (f"<span style='color:{colour};font-weight:600'>Run {name}</span> "
            f"<span style='color:#666'>({line})</span> · epoch **{run.epoch:,}** · test loss "
            f"**{run.test_loss:.4f}**")
    if run.classification:
        text += f" · test acc **{run.test_acc:.1%}**"
    return text + f" · train loss {run.train_loss:.4f}"


def _map(output, ds: Dataset, *, show_test: bool, discretize: bool) -> bytes:
    classification = ds.task == "classification"
    rgb = upscale(output_rgb(output, classification=classification, discretize=discretize),
                  MAP_PX)
    rgb = draw_points(rgb, ds.points_train, ds.y_train, ds.extent, classification=classification)
    if show_test:
        rgb = draw_points(rgb, ds.points_test, ds.y_test, ds.extent,
                          classification=classification, hollow=True)
    return to_png(rgb)


def draw_pair(frame: PairSnapshot, datasets: tuple[Dataset, Dataset], *, playing: bool,
              show_test: bool = False, discretize: bool = False) -> None:
    """One frame of compare mode (each run's own dataset: B may read other features)."""
    state = "**Training both runs**" if playing and not (frame.a.done and frame.b.done) \
        else "Paused"
    st.markdown(f"{state} · the run that is behind trains next, so both stay at the same "
                "epoch.")
    cols = st.container(key="cmp_maps").columns(2)
    for col, name, run, output, weights, ds, colour, line in (
            (cols[0], "A", frame.a, frame.output_a, frame.filters_a, datasets[0], A_COLOUR,
             "solid"),
            (cols[1], "B", frame.b, frame.output_b, frame.filters_b, datasets[1], B_COLOUR,
             "dashed")):
        with col:
            st.markdown(_numbers(name, run, colour, line), unsafe_allow_html=True)
            if run.status == "diverged":
                show_error(f"Run {name}: {run.reason}", icon=":material/warning:")
            if output is not None:
                st.image(_map(output, ds, show_test=show_test, discretize=discretize),
                         width=MAP_PX, caption=f"Run {name}: its output over the plane")
            if weights is not None:
                st.image(to_png(first_layer_filters(weights, tile=36)),
                         caption=f"Run {name}: the first convolution layer's filters")
    blocks = [("Loss", pair_curves_svg(frame.a.history, frame.b.history, "loss"))]
    if frame.a.classification:
        blocks.append(("Accuracy", pair_curves_svg(frame.a.history, frame.b.history, "acc")))
    legend = (f"<span style='color:{A_COLOUR}'>━ A</span> &nbsp; "
              f"<span style='color:{B_COLOUR}'>╍ B</span> &nbsp; (thick: test, faint: train)")
    html = "".join(f"<div><div style='font-size:0.875rem;color:rgba(49,51,63,0.6)'>{title}: "
                   f"{legend}</div>{svg}</div>" for title, svg in blocks)
    with st.container(key="cmp_curves"):
        st.markdown(f"<div style='display:flex;flex-wrap:wrap;column-gap:2rem'>{html}</div>",
                    unsafe_allow_html=True)
    if not playing or (frame.a.done and frame.b.done):
        with st.container(key="cmp_verdict"):
            show_info(frame.verdict, icon=":material/balance:")
