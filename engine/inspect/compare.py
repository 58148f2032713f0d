"""Compare mode's frame: both runs' numbers and curves, and what each run learned: (2D data)
both output maps, (images) both first convolution layers' filters.

Called under the session lock like every capture; what leaves is numpy (engine.snapshot).
"""
from __future__ import annotations

from engine.inspect.images import conv_filters
from engine.inspect.playground import grid_resolution
from engine.inspect.probe import grid_outputs
from engine.inspect.run import run_state
from engine.snapshot import PairSnapshot
from engine.train.pair import RunPair, verdict


def capture_pair(pair: RunPair, _recorder=None, *, maps: bool = True) -> PairSnapshot:
    """One frame of both runs; `maps` (2D data only) adds each run's output over the plane."""
    a, b = pair.runs
    flat = maps and a.dataset.extent is not None
    outputs = [grid_outputs(t, grid_resolution(t.plan)).output if flat else None
               for t in (a, b)]
    filters = [_first_filters(t) for t in (a, b)]
    judged = verdict(a, b)
    return PairSnapshot(a=run_state(a), b=run_state(b), output_a=outputs[0],
                        output_b=outputs[1], verdict=judged.text, winner=judged.winner,
                        filters_a=filters[0], filters_b=filters[1])


def _first_filters(t):
    """The first conv layer's weights (None without one)."""
    found = conv_filters(t.model)
    return found[0][1] if found else None
