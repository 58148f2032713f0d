"""The image lab's transfer-learning panel: reuse a conv net trained on digits 5–9 to learn
digits 0–4 from a few examples, next to the same net trained from scratch.

The source network is the server's (engine.transfer.shared: trained the first time a session
needs it, then shared read-only); each comparison and the sweep run as background jobs
(ui.views.jobs), so the live training above and Pause are not held up. The panel's own choices
live under `il_tr_` keys; examples per class and frozen layers also in the page link (`tk=`,
`tfz=`; `xfer=1` opens the panel), the seed and the copied layers' learning rate do not.
"""
from __future__ import annotations

import streamlit as st

from engine.transfer.finetune import (BODY_LRS, EVERY, SIZES, STEPS, SWEEP_SEEDS, compare,
                                      sweep)
from engine.transfer.shared import shared_source
from engine.transfer.source import LR, SOURCE_CLASSES, TARGET_CLASSES, plan
from ui.session import LabSession
from ui.views.jobs import job, poll, start
from viz.images import enlarge, feature_maps_html, image_rgb, layer_column, tile_size
from viz.raster import to_png
from viz.transfer import filter_change, filter_rows, plot_transfer_curves, plot_transfer_sweep


def _what(row) -> str:
    """One layer of the plan in a student's words."""
    if row.kind == "conv2d":
        c, h, w = row.output_shape
        return f"conv {c} filters, {h}×{w} maps"
    if row.kind == "head":
        return f"output, {row.output_shape[-1]} digits"
    return f"{row.kind} {row.output_shape[-1]} units"


# the stack's layers with weights (the ones a student may freeze), and the new head
LAYERS = tuple((r.name, _what(r), r.params) for r in plan() if r.params and r.kind != "head")
HEAD = next((r.name, _what(r), r.params) for r in plan() if r.kind == "head")
DEFAULT_PER_CLASS = 10
DEFAULT_FROZEN: tuple[str, ...] = ()      # measured best here: fine-tune every layer
LOCK, OPEN = ":material/lock:", ":material/lock_open:"   # (an emoji 🔓 is missing in some fonts)
PER_CLASS_KEY, FROZEN_KEY, OPEN_KEY = "tk", "tfz", "xfer"   # the link's keys (xfer=1: open)
SOURCE_TEXT = f"{SOURCE_CLASSES[0]}–{SOURCE_CLASSES[-1]}"
TARGET_TEXT = f"{TARGET_CLASSES[0]}–{TARGET_CLASSES[-1]}"


# ---- choices <-> link -------------------------------------------------------------------
def read_transfer_link(params: dict[str, list[str]]) -> tuple[int, tuple[str, ...], bool,
                                                               list[str]]:
    """Examples per class, frozen layers and whether the panel opens, from a link (defaults
    when absent), with notes for values it could not use."""
    notes: list[str] = []
    per_class, frozen = DEFAULT_PER_CLASS, DEFAULT_FROZEN
    raw = (params.get(PER_CLASS_KEY) or [""])[-1]
    if raw:
        if len(raw) <= 3 and raw.isdecimal() and int(raw) in SIZES:
            per_class = int(raw)
        else:
            notes.append(f"Transfer learning offers {', '.join(map(str, SIZES))} training "
                         f"images per class, not {raw[:12]}; using {DEFAULT_PER_CLASS}.")
    raw = (params.get(FROZEN_KEY) or [""])[-1]
    if raw:
        names = () if raw == "none" else tuple(raw.split("."))
        known = tuple(name for name, _, _ in LAYERS)
        if set(names) <= set(known):
            frozen = tuple(name for name in known if name in names)
        else:
            notes.append(f"The link freezes layers this network does not have ({raw[:40]}); "
                         f"freezing {', '.join(DEFAULT_FROZEN) or 'none'}.")
    opened = (params.get(OPEN_KEY) or [""])[-1] == "1" or bool(
        params.get(PER_CLASS_KEY) or params.get(FROZEN_KEY))
    return per_class, frozen, opened, notes


def seed_transfer(lab: LabSession, per_class: int, frozen: tuple[str, ...],
                  opened: bool = False) -> None:
    """Set the panel's widgets (the lab opened, by a link or a lesson)."""
    st.session_state[lab.key("tr_open")] = opened
    st.session_state[lab.key("tr_k")] = per_class
    for name, _, _ in LAYERS:
        st.session_state[lab.key("tr_frozen_" + name)] = name in frozen


def _widget_keys(lab: LabSession) -> dict[str, object]:
    """The panel's widget keys and their defaults."""
    return {lab.key("tr_k"): DEFAULT_PER_CLASS, lab.key("tr_seed"): 0, lab.key("tr_lr"): 1.0,
            **{lab.key("tr_frozen_" + name): name in DEFAULT_FROZEN for name, _, _ in LAYERS}}


def _restore(lab: LabSession) -> None:
    """Put back what Streamlit forgot (a run of another page draws none of these widgets)
    from the last values this page saw, else the defaults; then remember them."""
    saved = st.session_state.get(lab.key("tr_saved"), {})
    for key, default in _widget_keys(lab).items():
        if st.session_state.get(key) is None:    # forgotten, or a segmented control emptied
            st.session_state[key] = saved.get(key, default)
    st.session_state[lab.key("tr_saved")] = {key: st.session_state[key]
                                             for key in _widget_keys(lab)}


def transfer_choices(lab: LabSession) -> tuple[int, tuple[str, ...]]:
    """Examples per class and frozen layers as the panel's widgets hold them."""
    _restore(lab)
    frozen = tuple(name for name, _, _ in LAYERS
                   if st.session_state[lab.key("tr_frozen_" + name)])
    return int(st.session_state[lab.key("tr_k")]), frozen


def transfer_open(lab: LabSession) -> bool:
    """Whether the panel is drawn open: a link or lesson asked for it, or it has a result."""
    return bool(st.session_state.get(lab.key("tr_open"))
                or st.session_state.get(lab.key("job_transfer")) is not None
                or st.session_state.get(lab.key("job_transfer_sweep")) is not None)


def transfer_link(lab: LabSession) -> dict[str, str]:
    """The link's transfer keys: only those that differ from the defaults."""
    per_class, frozen = transfer_choices(lab)
    params = {}
    if per_class != DEFAULT_PER_CLASS:
        params[PER_CLASS_KEY] = str(per_class)
    if frozen != DEFAULT_FROZEN:
        params[FROZEN_KEY] = ".".join(frozen) or "none"
    return params


# ---- the panel ------------------------------------------------------------------------------
def _layer_table(frozen: tuple[str, ...], body_lr: float = 1.0) -> str:
    """Markdown: one row per layer with weights, a lock on frozen ones, and its step size."""
    rows = ["| | layer | what it is | weights | starts from | lr |",
            "|---|---|---|---:|---|---|"]
    copied = f"{LR:g}" + (f" × {body_lr:g}" if body_lr != 1 else "")
    for name, what, n in LAYERS:
        if name in frozen:
            lock, rate = f":blue[{LOCK}]", ":blue[**frozen**]"
        else:
            lock, rate = f":gray[{OPEN}]", copied
        rows.append(f"| {lock} | {name} | {what} | {n:,} | digits {SOURCE_TEXT} | {rate} |")
    name, what, n = HEAD
    rows.append(f"| :gray[{OPEN}] | {name} | {what} | {n:,} | random (new) | {LR:g} |")
    return "\n".join(rows)


def _source_note() -> None:
    source = shared_source().model
    if source is None:
        st.caption(f"The source network is not trained yet on this server: the first "
                   f"comparison trains it on digits {SOURCE_TEXT} (a few seconds, once; every "
                   "session then starts from the same read-only copy).")
    else:
        st.caption(f"Source network: trained once on this server on digits {SOURCE_TEXT} "
                   f"({source.steps} steps, {source.seconds:.1f} s), {source.test_acc:.1%} "
                   f"on their test images. Each session fine-tunes its own copy.")


def _show_comparison(c) -> None:
    with st.container(key="il_tr_result"):
        left, right = st.columns([3, 2])
        left.plotly_chart(plot_transfer_curves(c.steps, c.transfer_acc, c.scratch_acc,
                                               c.per_class), key="il_tr_curves",
                          width="stretch", config={"displayModeBar": False})
        with right:
            lock = f"{LOCK} frozen: unchanged" if "L1" in c.frozen else f"{OPEN} trainable"
            st.markdown(f"**First layer's filters** (L1, {lock})")
            before, after, scratch = filter_rows(c.filters_source, c.filters_tuned,
                                                 c.filters_scratch, tile=40)
            st.image(to_png(before), caption=f"source network (digits {SOURCE_TEXT})",
                     output_format="PNG")
            st.image(to_png(after), output_format="PNG",
                     caption=f"after fine-tuning: changed by "
                             f"{filter_change(c.filters_source, c.filters_tuned):.0%}")
            st.image(to_png(scratch), caption="trained from scratch (same seed)",
                     output_format="PNG")
            st.caption("One colour scale for all three rows: blue positive, orange negative.")
        gap = c.gap
        rate = (f" (copied layers at × {c.body_lr:g} the learning rate)"
                if c.body_lr != 1 else "")
        st.markdown(f"After {int(c.steps[-1])} weight updates{rate} on the same "
                    f"{c.per_class * len(TARGET_CLASSES)} images: fine-tuned "
                    f"**{c.transfer_acc[-1]:.1%}**, from scratch **{c.scratch_acc[-1]:.1%}** "
                    f"on all test digits {TARGET_TEXT} ({gap * 100:+.1f} points).")
        st.markdown("**Inside the fine-tuned network**, for one test digit "
                    "(🔒: a frozen layer, still the source network's weights):")
        with st.container(key="il_tr_maps"):
            st.html(_maps_html(c))


KINDS = {r.name: r.kind for r in plan()}


def _maps_html(c) -> str:
    """The fine-tuned network's feature maps for one test digit, a 🔒 on frozen layers."""
    columns = [("input", f"a test {TARGET_CLASSES[c.label]}",
                to_png(enlarge(image_rgb(c.image), 64)))]
    weighted = {name for name, _, _ in LAYERS}
    for name, maps in c.maps:
        if name in c.frozen:
            title, note = f"🔒 {name} {KINDS[name]}", "frozen: source weights"
        else:
            title = f"{name} {KINDS[name]}"
            note = "fine-tuned" if name in weighted else "no weights"
        tile = tile_size(maps.shape[-1]) // 2
        columns.append((title, note, to_png(layer_column(maps, tile=tile))))
    return feature_maps_html(columns)


def _show_sweep(s) -> None:
    with st.container(key="il_tr_sweep_result"):
        st.plotly_chart(plot_transfer_sweep(s.sizes, s.transfer_acc, s.scratch_acc),
                        key="il_tr_sweep_chart", width="stretch",
                        config={"displayModeBar": False})
        gaps = ", ".join(f"{k}: {g * 100:+.1f}" for k, g in zip(s.sizes, s.gaps))
        st.caption(f"Gap (fine-tuned minus scratch, points, mean of {len(SWEEP_SEEDS)} seeds) "
                   f"per class size: {gaps}. {s.seconds:.0f} s of training.")


def _progress_source(progress):
    """Train (or wait for) the server's source model, reporting the first 30% of a job."""
    shared = shared_source()
    if shared.model is not None:
        return shared.model
    return shared.get(lambda share: progress(0.3 * share))


def transfer_panel(lab: LabSession) -> None:
    """Choices, the layer table with locks, and the two jobs' buttons and results."""
    per_class, frozen = transfer_choices(lab)
    st.caption(f"A network that already reads digits {SOURCE_TEXT} learns digits "
               f"{TARGET_TEXT} from a handful of examples: keep its layers, give it a new "
               "output layer, and train on. Beside it, the same network starts from random "
               f"weights. Both see the same images in the same order for {STEPS} weight "
               "updates (Adam, 0.005).")
    cols = st.columns([2, 3])
    with cols[0]:
        st.segmented_control("Training images per class", SIZES, key=lab.key("tr_k"),
                             help=f"How many examples of each digit {TARGET_TEXT} both "
                                  "networks learn from (balanced). The test set is every "
                                  f"test image of digits {TARGET_TEXT}.")
        st.markdown(f"**Freeze** ({LOCK} keeps the source weights bit for bit):")
        for name, what, _ in LAYERS:
            st.checkbox(f"{name}: {what}", key=lab.key("tr_frozen_" + name))
        st.segmented_control("Copied layers learn at", BODY_LRS, key=lab.key("tr_lr"),
                             format_func=lambda v: f"× {v:g}",
                             help="Discriminative learning rates: the layers copied from the "
                                  "source network take smaller steps than the new output "
                                  "layer (× 1: the same steps).")
        st.number_input("Seed", 0, 99, key=lab.key("tr_seed"),
                        help="Initial weights of the new output layer (and of the scratch "
                             "network) and the order of the images.")
    with cols[1]:
        st.markdown(_layer_table(frozen, float(st.session_state[lab.key("tr_lr")])))
        _source_note()
    seed = int(st.session_state[lab.key("tr_seed")])
    body_lr = float(st.session_state[lab.key("tr_lr")] or 1.0)
    key = (per_class, frozen, seed, body_lr)

    def run_compare(progress, cancelled):
        source = _progress_source(progress)
        return compare(source, per_class, frozen, seed, body_lr=body_lr, every=EVERY,
                       progress=lambda s: progress(0.3 + 0.7 * s), cancelled=cancelled)

    def run_sweep(progress, cancelled):
        source = _progress_source(progress)
        return sweep(source, frozen, body_lr=body_lr,
                     progress=lambda s: progress(0.3 + 0.7 * s),
                     cancelled=cancelled)

    buttons = st.container(horizontal=True)
    if job(lab, "transfer", key) is None:
        buttons.button("Fine-tune vs. from scratch", key=lab.key("tr_run"), type="primary",
                          icon=":material/compare_arrows:", on_click=start,
                          args=(lab, "transfer", key, run_compare),
                          help="Trains both networks in the background (a second or two).")
    if job(lab, "transfer_sweep", (frozen, body_lr)) is None:
        buttons.button(f"Sweep {', '.join(map(str, SIZES))} per class",
                          key=lab.key("tr_sweep"), icon=":material/show_chart:",
                          on_click=start,
                          args=(lab, "transfer_sweep", (frozen, body_lr), run_sweep),
                          help=f"Both networks at every size, {len(SWEEP_SEEDS)} seeds each: "
                               "final test accuracy against examples per class (about half "
                               "a minute on a busy server).")
    poll(lab, "transfer", key, _show_comparison, lambda: _phase("Training both networks…"))
    poll(lab, "transfer_sweep", (frozen, body_lr), _show_sweep,
         lambda: _phase("Sweeping the examples per class…"))


def _phase(then: str) -> str:
    """What a running job is doing: the server's source network first, if it has none yet."""
    if shared_source().model is None:
        return (f"Training the source network on digits {SOURCE_TEXT} (once for this "
                "server)…")
    return then
