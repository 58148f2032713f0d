"""The image lab's live views: numbers, the chosen image and its saliency, probabilities,
curves, every layer's feature maps, filters, and the test-set views.

`draw_image_frame` renders an ImageSnapshot (captured by engine.inspect.images under the lock);
the confusion matrix and the gallery of mistakes score the whole test set, so the page captures
them every few frames while playing (`TestSetView`) and this module draws whichever is newest.
"""
from __future__ import annotations

import streamlit as st

from engine.inspect.augment import augmented_samples
from engine.inspect.images import score_test_set
from engine.snapshot import ImageSnapshot, TestSetView
from ui.presentation import map_rows
from ui.views.run import curves, run_numbers, run_status
from viz.images import (augment_strip_html, enlarge, feature_maps_html, filter_grid, first_layer_filters,
                        gallery_html, image_rgb, layer_column, plot_confusion,
                        probabilities_svg, saliency_rgb, tile_size)
from viz.raster import data_uri, to_png

INPUT_PX = 168          # size of the chosen image and its saliency map
MAPS_DRAWN = 32         # feature maps drawn per layer: a frame stays cheap for wide layers
FILTER_ROWS = 16        # filters (rows) and input channels (columns) of the deeper-filter grid:
                        # 256×256 of them made a 7677-pixel picture every frame
MAP_ROWS = 8            # feature maps per column before a layer wraps into another column
HEAVY_EVERY = 5         # frames between refreshes of the confusion matrix and mistakes


def _input_html(snap: ImageSnapshot, predicted: str) -> str:
    seen = data_uri(to_png(enlarge(image_rgb(snap.image), INPUT_PX)))
    heat = data_uri(to_png(enlarge(saliency_rgb(snap.image, snap.saliency), INPUT_PX)))
    cell = ('<figure style="margin:0 0 4px 0;text-align:center"><img src="{}" '
            'style="image-rendering:pixelated;border:1px solid #ddd;max-width:100%"/>'
            '<figcaption style="font-size:0.8rem;line-height:1.3">{}</figcaption></figure>')
    return ('<div style="display:flex;flex-wrap:wrap;gap:8px">'
            + cell.format(seen, "what the network sees")
            + cell.format(heat, f"saliency for “{predicted}”") + "</div>")


def _maps_subtitle(shape: tuple[int, ...]) -> str:
    size = "×".join(map(str, shape))
    return size if shape[0] <= MAPS_DRAWN else f"{size} · first {MAPS_DRAWN} drawn"


def draw_image_frame(snap: ImageSnapshot, *, class_names: tuple[str, ...],
                     true_class: int | None, scale: str, deep_layer: str | None,
                     train_size: int, playing: bool) -> None:
    """Write one frame's elements (keys give the browser tests stable selectors)."""
    tile = tile_size(snap.image.shape[1])
    rows = map_rows(MAP_ROWS)     # fewer, wider columns on a projector
    columns = [("input", "×".join(map(str, snap.image.shape)),
                to_png(enlarge(image_rgb(snap.image), tile)))]
    columns += [(f"{lm.name} {lm.kind}", _maps_subtitle(lm.maps.shape),
                 to_png(layer_column(lm.maps[:MAPS_DRAWN], tile=tile, scale=scale,
                                     max_rows=rows)))
                for lm in snap.layers]
    with st.container(key="il_epoch"):
        st.markdown(run_numbers(snap.run, playing) + f" · {train_size:,} training images")
    run_status(snap.run)
    left, mid = st.columns([1.1, 1])
    with left.container(key="il_input"):
        st.html(_input_html(snap, class_names[snap.predicted]))
    with mid.container(key="il_probs"):
        st.caption("Predicted class probabilities (✓ = true class)")
        st.markdown(probabilities_svg(snap.probabilities, class_names, true_class=true_class),
                    unsafe_allow_html=True)
    curves(snap.run, "il")
    st.markdown("##### Feature maps, layer by layer")
    with st.container(key="il_maps"):
        st.html(feature_maps_html(columns))
    st.caption("Each tile is one channel's output for the chosen image: blue = positive, "
               "orange = negative, grey = zero. Early layers respond to edges and strokes; "
               "later, smaller maps combine them.")
    left, right = st.columns([1, 1.2])
    with left.container(key="il_filters"):
        st.markdown("##### Learned filters of the first conv layer")
        if snap.first_filters is None:
            st.caption("This network has no convolution (an MLP sees the pixels directly).")
        else:
            first = snap.first_filters
            st.image(to_png(first_layer_filters(first[:MAPS_DRAWN])), output_format="PNG")
            st.caption("One tile per filter (its weights over the input pixels; blue = "
                       "positive weight, orange = negative). Edge detectors look like "
                       "a blue stripe next to an orange one."
                       + (f" The first {MAPS_DRAWN} of {len(first)} filters are drawn."
                          if len(first) > MAPS_DRAWN else ""))
    with right.container(key="il_deep_filters"):
        if snap.deep_filters is not None:
            st.markdown(f"##### Weights of {deep_layer}, per input channel")
            deep = snap.deep_filters
            st.image(to_png(filter_grid(deep[:FILTER_ROWS, :FILTER_ROWS], tile=28)),
                     output_format="PNG")
            st.caption("One row per filter, one column per input channel it reads."
                       + (f" The first {min(FILTER_ROWS, deep.shape[0])} of {deep.shape[0]} "
                          f"filters and {min(FILTER_ROWS, deep.shape[1])} of {deep.shape[1]} "
                          "input channels are drawn." if max(deep.shape[:2]) > FILTER_ROWS
                          else ""))


def draw_test_set(view: TestSetView, x_test, class_names: tuple[str, ...]) -> None:
    """Confusion matrix and the most confident mistakes on the test set."""
    n_test = len(view.y_true)
    n_wrong = int((view.y_true != view.y_pred).sum())
    items = [(x_test[i], f"true {class_names[view.y_true[i]]} → "
                         f"{class_names[view.y_pred[i]]}") for i in view.mistakes]
    left, right = st.columns([1, 1.2])
    with left.container(key="il_confusion"):
        st.markdown(f"##### Confusion matrix on {n_test:,} test images")
        st.plotly_chart(plot_confusion(view.confusion, class_names), key="il_confusion_chart",
                        width="stretch")
    with right.container(key="il_mistakes"):
        st.markdown(f"##### Misclassified: {n_wrong:,} of {n_test:,}")
        st.html(gallery_html(items) if items else
                "<p>No test image is misclassified right now.</p>")


def cached_test_set(lab, trainer) -> TestSetView:
    """The test-set views, scored again every HEAVY_EVERY frames while playing (they read the
    whole test set), when paused after any step, and for every new run (call under the lock)."""
    frames = st.session_state[lab.key("frames")] = st.session_state.get(lab.key("frames"), 0) + 1
    view = st.session_state.get(lab.key("test_set"))
    stale = (view is None or st.session_state.get(lab.key("test_set_run")) != lab.run_id
             or (frames % HEAVY_EVERY == 0 if lab.playing else view.steps != trainer.steps))
    if stale:
        view = st.session_state[lab.key("test_set")] = score_test_set(trainer)
        st.session_state[lab.key("test_set_run")] = lab.run_id
    return view


def augment_strip(lab, trainer) -> None:
    """What the network sees: a few training images and random versions of them, made with the
    trainer's current augmentation settings (new versions each time the page runs)."""
    with lab.lock:
        samples = augmented_samples(trainer)
    title = ("What the network sees: augmented training images" if samples.on else
             "What the network sees: augmentation is off")
    with st.expander(title, expanded=samples.on, icon=":material/transform:"):
        if not samples.on:
            st.caption("Turn on an augmentation in the sidebar to see the random versions of "
                       "each training image that the network trains on.")
        with st.container(key="il_augment"):
            st.html(augment_strip_html(samples.images, samples.versions, samples.labels,
                                       trainer.dataset.class_names))
