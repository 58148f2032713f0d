"""What a user chose, as frozen dataclasses: the experiment, its field table, layer text, LIMITS.

Imports neither torch nor streamlit, so links and files are validated before anything heavy
loads. The common names are re-exported here; presets live in `engine.spec.presets`.
"""
from engine.spec.experiment import DataSpec, Experiment, ModelSpec, TrainSpec
from engine.spec.fields import SpecError
from engine.spec.layers import LayerSpec, layers_from_text, layers_to_text, make_layer
from engine.spec.limits import LIMITS

__all__ = ["DataSpec", "Experiment", "ModelSpec", "TrainSpec", "SpecError", "LayerSpec",
           "layers_from_text", "layers_to_text", "make_layer", "LIMITS"]
