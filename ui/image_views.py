"""The image lab's live views, drawn once per tick by the page's fragment.

Each tick the fragment calls `draw_views` (all model math and pixel painting: torch in
`engine.inspect_images`, pixels in `viz.images`), `emit` (writes the elements quickly, most
important first) and then `train_rest`, which trains until the tick is nearly over. The
confusion matrix and the gallery of mistakes score the whole test set, so they refresh every
few ticks while playing and are cached in between.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from engine.inspect_images import (conv_filters, feature_maps, confusion_matrix,
                                   misclassified, predict_test_set, saliency)
from engine.train import Trainer
from ui.timeline_control import timeline_marks
from viz.curves import curves_svg
from viz.images import (enlarge, feature_maps_html, filter_grid, first_layer_filters,
                        gallery_html, image_rgb, layer_column, plot_confusion,
                        probabilities_svg, saliency_rgb, tile_size)
from viz.raster import data_uri, to_png

INPUT_PX = 168          # size of the chosen image and its saliency map
MISTAKES = 24           # misclassified test images shown
TICK = 0.45             # seconds between live frames: 2.2 updates/s
MARGIN = 0.01           # slack left in each tick for Streamlit's own work between runs
MIN_BUDGET = 0.05       # seconds of training per tick, however slow the drawing
HEAVY_EVERY = 5         # ticks between refreshes of the confusion matrix and mistakes


@dataclass
class Heavy:
    """The views that score the whole test set, and when they were computed."""

    steps: int
    confusion: object     # plotly figure
    mistakes_html: str
    n_wrong: int
    n_test: int


@dataclass
class Frame:
    """Everything one tick shows, ready to emit."""

    numbers: str
    input_html: str
    probs_svg: str
    loss_svg: str
    acc_svg: str
    maps_html: str
    filters_png: bytes | None
    deep_png: bytes | None


def heavy_views(trainer: Trainer) -> Heavy:
    """Confusion matrix and most confident mistakes on the test set."""
    p = predict_test_set(trainer)
    names = trainer.dataset.class_names
    matrix = confusion_matrix(p.y_true, p.y_pred, len(names))
    wrong = misclassified(trainer, MISTAKES, predictions=p)
    items = [(trainer.dataset.x_test[i], f"true {names[p.y_true[i]]} → {names[p.y_pred[i]]}")
             for i in wrong]
    mistakes = (gallery_html(items) if items else
                "<p>No test image is misclassified right now.</p>")
    return Heavy(trainer.steps, plot_confusion(matrix, names), mistakes,
                 int((p.y_true != p.y_pred).sum()), len(p.y_true))


def _input_html(image: np.ndarray, grad: np.ndarray, predicted: str) -> str:
    seen = data_uri(to_png(enlarge(image_rgb(image), INPUT_PX)))
    heat = data_uri(to_png(enlarge(saliency_rgb(image, grad), INPUT_PX)))
    cell = ('<figure style="margin:0;text-align:center"><img src="{}" '
            'style="image-rendering:pixelated;border:1px solid #ddd"/>'
            '<figcaption style="font-size:0.75rem">{}</figcaption></figure>')
    return ('<div style="display:flex;gap:8px">' + cell.format(seen, "what the network sees") +
            cell.format(heat, f"saliency for “{predicted}”") + "</div>")


def build_frame(trainer: Trainer, image: np.ndarray, *, true_class: int | None, scale: str,
                deep_layer: str | None, train_size: int) -> Frame:
    """All payloads of one tick (no Streamlit calls, so they can be timed and benchmarked)."""
    model, names = trainer.model, trainer.dataset.class_names
    probs = trainer.predict(image[None])[0]
    grad, cls = saliency(model, image)
    tile = tile_size(image.shape[1])
    columns = [("input", "×".join(map(str, image.shape)),
                to_png(enlarge(image_rgb(image), tile)))]
    for lm in feature_maps(model, image):
        shape = "×".join(map(str, lm.maps.shape))
        columns.append((f"{lm.name} {lm.kind}", shape,
                        to_png(layer_column(lm.maps, tile=tile, scale=scale))))
    filters = conv_filters(model)
    first = to_png(first_layer_filters(filters[0][1])) if filters else None
    deep = dict(filters).get(deep_layer) if deep_layer else None
    m = trainer.metrics
    numbers = (f"**Epoch {trainer.epoch:,}** · batch {trainer.batch_in_epoch}/"
               f"{trainer.batches_per_epoch} · {train_size:,} training images · "
               f"train loss **{m.train_loss:.3f}** · test loss **{m.test_loss:.3f}** · "
               f"train acc **{m.train_acc:.1%}** · test acc **{m.test_acc:.1%}**")
    history = trainer.history.as_dict()
    branches, cursor = timeline_marks(trainer)
    return Frame(numbers=numbers, input_html=_input_html(image, grad, names[cls]),
                 probs_svg=probabilities_svg(probs, names, true_class=true_class),
                 loss_svg=curves_svg(history, "loss", markers=branches, cursor=cursor),
                 acc_svg=curves_svg(history, "acc", markers=branches, cursor=cursor),
                 maps_html=feature_maps_html(columns), filters_png=first,
                 deep_png=to_png(filter_grid(deep, tile=28)) if deep is not None else None)


def emit(trainer: Trainer, frame: Frame, heavy: Heavy, *, deep_layer: str | None) -> None:
    """Write one frame's elements (keys give the browser test stable selectors)."""
    with st.container(key="il_epoch"):
        st.markdown(frame.numbers)
    if trainer.status == "diverged":
        st.error(trainer.reason, icon="⚠️")
    elif trainer.done:
        st.info(trainer.reason)
    left, mid, right = st.columns([1.1, 1, 1.2])
    with left.container(key="il_input"):
        st.html(frame.input_html)
    with mid.container(key="il_probs"):
        st.caption("Predicted class probabilities (✓ = true class)")
        st.markdown(frame.probs_svg, unsafe_allow_html=True)
    with right.container(key="il_curves"):
        st.caption("Loss: train (grey), test (black)")
        st.markdown(frame.loss_svg, unsafe_allow_html=True)
        st.caption("Accuracy: train (grey), test (black)")
        st.markdown(frame.acc_svg, unsafe_allow_html=True)
    st.markdown("##### Feature maps, layer by layer")
    with st.container(key="il_maps"):
        st.html(frame.maps_html)
    st.caption("Each tile is one channel's output for the chosen image: blue = positive, "
               "orange = negative, grey = zero. Early layers respond to edges and strokes; "
               "later, smaller maps combine them.")
    left, right = st.columns([1, 1.2])
    with left.container(key="il_filters"):
        st.markdown("##### Learned filters of the first conv layer")
        if frame.filters_png is None:
            st.caption("This network has no convolution (an MLP sees the pixels directly).")
        else:
            st.image(frame.filters_png, output_format="PNG")
            st.caption("One tile per filter (its weights over the input pixels; blue = "
                       "positive weight, orange = negative). Edge detectors look like "
                       "a blue stripe next to an orange one.")
    with right.container(key="il_deep_filters"):
        if frame.deep_png is not None:
            st.markdown(f"##### Weights of {deep_layer}, per input channel")
            st.image(frame.deep_png, output_format="PNG")
            st.caption("One row per filter, one column per input channel it reads.")
    left, right = st.columns([1, 1.2])
    with left.container(key="il_confusion"):
        st.markdown(f"##### Confusion matrix on {heavy.n_test:,} test images")
        st.plotly_chart(heavy.confusion, key="il_confusion_chart", width="stretch")
    with right.container(key="il_mistakes"):
        st.markdown(f"##### Misclassified: {heavy.n_wrong:,} of {heavy.n_test:,}")
        st.html(heavy.mistakes_html)


@dataclass
class LiveState:
    """Per-session bookkeeping of the live loop (kept in session state, never global)."""

    ticks: int = 0
    heavy: Heavy | None = None
    heavy_run: int = -1             # which trainer (run id) `heavy` belongs to


def draw_views(trainer: Trainer, live: LiveState, run_id: int, *, playing: bool,
               image: np.ndarray, true_class: int | None, scale: str, deep_layer: str | None,
               train_size: int) -> tuple[Frame, Heavy]:
    """The views of the trainer as it is now; the test-set views every HEAVY_EVERY ticks."""
    live.ticks += 1
    training = playing and not trainer.done
    if (live.heavy is None or live.heavy_run != run_id
            or (live.ticks % HEAVY_EVERY == 0 if training else live.heavy.steps != trainer.steps)):
        live.heavy, live.heavy_run = heavy_views(trainer), run_id
    frame = build_frame(trainer, image, true_class=true_class, scale=scale,
                        deep_layer=deep_layer, train_size=train_size)
    return frame, live.heavy


def train_rest(trainer: Trainer, started: float, *, playing: bool) -> float:
    """Train for what is left of the tick that began at `started`; returns seconds trained.

    The page draws first and trains after, so a frame's elements are on their way to the
    browser while the model trains; drawing last lets the next (timer) run start before the
    frame is flushed, and Streamlit then drops it (research §3.5). The shown frame is the
    state at the start of the tick, one tick (0.45 s) behind.
    """
    if not playing or trainer.done:
        return 0.0
    start = time.perf_counter()
    trainer.run_for(max(MIN_BUDGET, started + TICK - MARGIN - start))
    return time.perf_counter() - start
