"""The 2D playground's classic-ML panel: the six scikit-learn models' decision regions on the
current points and features, beside the network's picture (a background job per dataset)."""
from __future__ import annotations

import numpy as np
import streamlit as st

from engine.classic.boundaries import classic_boundaries
from ui.session import LabSession
from ui.views.jobs import job, poll, start
from viz.tables import plot_boundaries


def classic_panel(lab: LabSession, trainer) -> None:
    """A click fits the classic models on exactly the network's training inputs."""
    ds = trainer.dataset
    if ds.extent is None or ds.points_train is None:
        return
    key = (trainer.experiment.data, ds.feature_names)
    st.caption("The same training points and input features, fitted by six classic models "
               "(logistic regression, k nearest neighbours, an RBF SVM, a decision tree, a "
               "random forest, gradient boosting): compare their regions with the network's.")
    if job(lab, "classic2d", key) is None:
        st.button("Draw the classic models", key=lab.key("classic2d"),
                  icon=":material/grid_view:", on_click=start,
                  args=(lab, "classic2d", key,
                        lambda progress, cancelled: classic_boundaries(
                            ds, trainer.experiment.train.seed, progress=progress,
                            cancelled=cancelled)),
                  help="Fits the six models in the background (a second or two); training "
                       "goes on.")

    def show(result) -> None:
        with st.container(key=lab.key("classic2d_view")):
            st.plotly_chart(plot_boundaries(result.names, result.outputs, result.scores,
                                            result.extent, np.asarray(ds.points_train),
                                            np.asarray(ds.y_train), result.classification),
                            key=lab.key("classic2d_chart"), width="stretch")

    poll(lab, "classic2d", key, show, "Fitting the classic models…")
