"""The model summary table every lab offers: layer names as in every other view."""
from __future__ import annotations

import streamlit as st


def model_summary(trainer, *, expanded: bool = False) -> None:
    """Shapes inferred at build time (a test checks them against a real forward pass)."""
    rows = trainer.plan
    with st.expander("Model summary: layers, shapes and parameters", expanded=expanded):
        st.dataframe([{"layer": r.name, "what": r.description,
                       "output shape": "×".join(map(str, r.output_shape)),
                       "parameters": r.params} for r in rows], hide_index=True,
                     width="stretch")
        st.caption(f"{sum(r.params for r in rows):,} trainable parameters")
