"""The data lab's views: the live frame (run numbers, the input plane with decision regions,
the last hidden layer's plane, per-group metrics), the classic models' table and the learning
curve, the last two computed by background jobs (engine.jobs) that the page only polls.
"""
from __future__ import annotations

import math

import numpy as np
import streamlit as st

from datasets.table import Table
from engine.classic.baselines import fit_baselines
from engine.classic.curves import learning_curve
from engine.inspect.groups import gaps, group_metrics
from engine.inspect.tabular import TableSnapshot
from engine.snapshot import RunState
from ui.messages import show_info
from ui.session import LabSession
from ui.views.jobs import job as _job, poll as _poll, start as _start
from ui.views.run import curves, run_numbers, run_status
from viz.tables import (plot_contributions, plot_hidden_plane, plot_importance,
                        plot_input_plane, plot_learning_curve)


def _pct(v: float) -> str:
    return "–" if v is None or (isinstance(v, float) and math.isnan(v)) else f"{v:.1%}"


def draw_frame(run: RunState, snap: TableSnapshot, table: Table, plane_explained,
               positive: int | None, playing: bool) -> None:
    """One live frame."""
    with st.container(key="dl_epoch"):
        st.markdown(run_numbers(run, playing))
    run_status(run)
    ds = table.dataset
    left, right = st.columns(2)
    with left.container(key="dl_input_view"):
        st.plotly_chart(plot_input_plane(snap.points, snap.labels, ds.class_names, snap.grid_x,
                                         snap.grid_y, snap.regions, snap.confidence,
                                         snap.classification, plane_explained),
                        key="dl_input_chart", width="stretch")
    with right.container(key="dl_hidden_view"):
        if snap.hidden is None:
            st.caption("The stack has no hidden layer: add one to see what it learns.")
        else:
            st.plotly_chart(plot_hidden_plane(snap.hidden, snap.labels, ds.class_names,
                                              snap.classification, snap.hidden_name,
                                              snap.hidden_explained),
                            key="dl_hidden_chart", width="stretch")
    curves(run, "dl")
    if table.sensitive and snap.classification and positive is not None:
        group_table(table, snap.predicted, positive)


def group_table(table: Table, predicted: np.ndarray, positive: int) -> None:
    """Per-group accuracy, false positive / negative rates and the gaps, live."""
    ds = table.dataset
    rows = group_metrics(ds.y_test, predicted, table.group_test, table.group_names, positive)
    gap = gaps(rows)
    with st.container(key="dl_groups"):
        st.markdown(f"**Per group of `{table.sensitive}`** (test rows; positive = "
                    f"{ds.class_names[positive]})")
        st.dataframe([{"group": r.group, "test rows": f"{r.rows:,}", "accuracy": _pct(r.accuracy),
                       "false positive rate": _pct(r.fpr), "false negative rate": _pct(r.fnr),
                       f"predicted {ds.class_names[positive]}": _pct(r.positive_rate)}
                      for r in rows]
                     + [{"group": "gap (largest − smallest)", "test rows": "",
                         "accuracy": _pct(gap["accuracy"]), "false positive rate":
                         _pct(gap["fpr"]), "false negative rate": _pct(gap["fnr"]),
                         f"predicted {ds.class_names[positive]}": _pct(gap["positive_rate"])}],
                     hide_index=True, width="stretch")


def baselines_panel(lab: LabSession, table: Table, data_key, seed: int) -> None:
    """The classic models on exactly the network's split: a click fits all six."""
    ds = table.dataset
    metric = "accuracy" if ds.task == "classification" else "R²"
    st.caption(f"Six scikit-learn models fitted on the same {len(ds.x_train):,} training rows "
               f"and scored on the same {len(ds.x_test):,} test rows as the network. Their "
               "results are kept for this table and split.")
    if _job(lab, "baselines", data_key) is None:
        st.button("Fit the classic models", key=lab.key("fit_baselines"),
                  icon=":material/table_chart:", on_click=_start,
                  args=(lab, "baselines", data_key,
                        lambda progress, cancelled: fit_baselines(ds, seed, progress=progress,
                                                                  cancelled=cancelled)),
                  help="Fits logistic regression, k nearest neighbours, an RBF SVM, a decision "
                       "tree, a random forest and gradient boosting in the background; "
                       "training goes on.")

    def show(results) -> None:
        trainer = lab.trainer
        network = []
        if trainer is not None:
            m = trainer.metrics
            n_params = sum(p.numel() for p in trainer.model.parameters())
            score = m.test_acc if ds.task == "classification" else float("nan")
            network = [{"model": f"Network (now, epoch {trainer.epoch})",
                        f"test {metric}": _pct(score) if metric == "accuracy" else "see curve",
                        "fit time": "live", "predict time": "–",
                        "parameters": f"{n_params:,} weights + biases",
                        "explains itself": "Hardly: see the hidden-layer view"}]
        with st.container(key="dl_baselines"):
            st.dataframe(network + [{
                "model": r.name,
                f"test {metric}": _pct(r.score) if metric == "accuracy" else f"{r.score:.3f}",
                "fit time": f"{r.fit_s * 1000:,.0f} ms", "predict time":
                f"{r.predict_s * 1000:,.1f} ms", "parameters": f"{r.params:,} {r.params_note}",
                "explains itself": r.explains} for r in results],
                hide_index=True, width="stretch")

    _poll(lab, "baselines", data_key, show, "Fitting the classic models…")


def curve_panel(lab: LabSession, table: Table, data_key, experiment, seed: int) -> None:
    """Test score against training rows for the network and the classic models."""
    ds = table.dataset
    st.caption("Train the network (this stack and these settings, a fixed 1,500 weight "
               "updates per size) and five classic models on 8 growing shares of the training "
               "rows, and score each on the same test rows. Deterministic for a seed.")
    key = (data_key, experiment.model, experiment.train)
    if _job(lab, "curve", key) is None:
        st.button("Compute the learning curve", key=lab.key("learning_curve"),
                  icon=":material/show_chart:", on_click=_start,
                  args=(lab, "curve", key,
                        lambda progress, cancelled: learning_curve(
                            experiment, ds, seed, progress=progress, cancelled=cancelled)),
                  help="Runs in the background (tens of seconds on a busy server); the live "
                       "training and Pause are not held up.")

    def show(curve) -> None:
        with st.container(key="dl_curve"):
            st.plotly_chart(plot_learning_curve(curve.sizes, curve.scores, curve.metric),
                            key="dl_curve_chart", width="stretch")

    _poll(lab, "curve", key, show, "Computing the learning curve…")


def _start_importance(lab: LabSession, table: Table, data_key, seed: int) -> None:
    from engine.classic.importance import copy_network, importances
    if lab.trainer is None:
        return
    with lab.lock:                        # a copy: training goes on while the job measures
        network = copy_network(lab.trainer)
        epoch = lab.trainer.epoch
    _start(lab, "importance", data_key, lambda progress, cancelled: (epoch, importances(
        network, table.dataset, seed, progress=progress, cancelled=cancelled)))


def importance_panel(lab: LabSession, table: Table, data_key, seed: int) -> None:
    """Permutation importance of each input for the network (as it is now) and a forest."""
    st.caption("Shuffle one input column of the test rows and score again: the drop shows how "
               "much a model relies on that column. The network is measured as it is at the "
               "click; a random forest on the same split beside it.")
    st.button("Measure which inputs matter", key=lab.key("importance"),
              icon=":material/bar_chart:", on_click=_start_importance,
              args=(lab, table, data_key, seed),
              help="Permutation importance for the network (a copy of it now; training goes "
                   "on) and for a random forest, in the background.")

    def show(result) -> None:
        epoch, imp = result
        with st.container(key="dl_importance_view"):
            st.caption(f"The network at epoch {epoch}.")
            st.plotly_chart(plot_importance(imp.features, imp.network, imp.forest, imp.metric),
                            key="dl_importance_chart", width="stretch")

    _poll(lab, "importance", data_key, show, "Shuffling columns…")


def _linear_model(lab: LabSession, table: Table, data_key):
    """The linear baseline on the network's split, fitted once per table (milliseconds)."""
    held = st.session_state.get(lab.key("linear"))
    if held is None or held[0] != data_key:
        from engine.classic.baselines import NAMES, make_models
        ds = table.dataset
        model = make_models(ds.task == "classification", 0, len(ds.x_train))[NAMES[0]]
        held = (data_key, model.fit(ds.x_train, ds.y_train))
        st.session_state[lab.key("linear")] = held
    return held[1]


def row_panel(lab: LabSession, table: Table, data_key) -> None:
    """One test row explained: the network's gradient × input beside the linear terms."""
    from engine.inspect.contributions import gradient_times_input, linear_terms
    from engine.inspect.tabular import predict
    ds = table.dataset
    n = len(ds.x_test)
    if st.session_state.get(lab.key("row"), 0) >= n:
        st.session_state[lab.key("row")] = 0
    index = int(st.number_input("Test row to explain", 0, n - 1, key=lab.key("row"),
                                help="Which row of the test set the contributions below "
                                     "explain (the network as it is now)."))
    row = np.asarray(ds.x_test[index], dtype=np.float64)
    classification = ds.task == "classification"
    with lab.lock:
        if lab.trainer is None:
            return
        guess = int(predict(lab.trainer, row[None, :].astype(np.float32))[0]) \
            if classification else 0
        net = gradient_times_input(lab.trainer, row, guess)
    lin = linear_terms(_linear_model(lab, table, data_key), row, guess, classification)
    label = ds.class_names[guess] if classification else "a higher value"
    truth = ds.class_names[int(ds.y_test[index])] if classification else f"{ds.y_test[index]:g}"
    st.caption(f"The network predicts **{label if classification else 'a value'}**; the true "
               f"answer is **{truth}**. Inputs are standardised: 0 is the training average.")
    with st.container(key="dl_row_view"):
        st.plotly_chart(plot_contributions(ds.feature_names, net, lin, label),
                        key="dl_row_chart", width="stretch")


def table_notes(table: Table) -> None:
    for note in table.notes:
        show_info(note, icon=":material/info:")
