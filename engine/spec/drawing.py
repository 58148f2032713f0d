"""The spec's side of the drawn 2D sets ("draw": classes, "draw_reg": values): which sets a
drawing belongs to, what a file or link without one means, and what a link's drawing keeps.

A drawing (DataSpec.drawn, "x,y,c;…") means something only for these sets, so files and links
carry it only for them, and a file or link that gives none opens the set's own example. The
field table reads any drawing leniently (values from -1 to 1, the regression rule); a class
drawing then keeps only its 0 and 1 rows, with a note.
"""
from __future__ import annotations

from typing import Any, Mapping

from engine.data import DATASETS, DRAWN_SETS, clean_drawn, drawing_problem
from engine.spec.fields import FIELDS_BY_NAME, SpecError, check_value

DRAW = "draw"                   # classes: click to add orange or blue points
DRAWN_KEY = FIELDS_BY_NAME[("data", "drawn")].url
WHERE = "Your drawing (data.drawn)"


def draws(dataset: str) -> bool:
    """True for the sets whose points are the student's drawing."""
    return dataset in DRAWN_SETS


def regression(dataset: str) -> bool:
    return DATASETS[dataset].task == "regression"


def example(dataset: str) -> str:
    """The drawing a drawn set opens with when a file or link gives none."""
    return DRAWN_SETS[dataset]


def drawing_error(dataset: str, drawn: str) -> str | None:
    """Why this drawing cannot be trained on as `dataset` (None when it can, or when the set
    is not a drawn one)."""
    return drawing_problem(drawn, regression(dataset)) if draws(dataset) else None


def link_drawing(data: dict[str, Any], given: bool, base_dataset: str,
                 strict: bool) -> list[str]:
    """Settle `data["drawn"]` (a link's data values, in place) for the link's dataset: a
    given drawing keeps only the rows this set can use (a class drawing: 0 and 1), with a
    note on what was left out (SpecError instead when `strict`); none given opens the set's
    example, unless the link only changes other settings of the base's own drawn set."""
    dataset = data["dataset"]
    if not draws(dataset):
        return []
    if not given:
        if dataset != base_dataset:
            data["drawn"] = example(dataset)
        return []
    data["drawn"], note = clean_drawn(data["drawn"], regression(dataset))
    if note and strict:
        raise SpecError(f"{WHERE}: {note}")
    return [f"{WHERE}: {note}"] if note else []


def link_dataset(params: Mapping[str, Any], default: str) -> str:
    """The dataset a link names (its last value), or `default` when it names none usable."""
    f = FIELDS_BY_NAME[("data", "dataset")]
    raw = params.get(f.url)
    raw = raw[-1] if isinstance(raw, (list, tuple)) and raw else raw
    try:
        return check_value(f, raw, clamp=True)[0] if isinstance(raw, str) else default
    except SpecError:
        return default
