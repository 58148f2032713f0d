"""What a lab page offers to download: the experiment, the weights, the curves, a script.

- `experiment_json`: the Experiment as the CLI reads it (`python -m engine train`).
- `weights_bytes`: the model's state_dict, written by torch.save; it loads back with
  `torch.load(..., weights_only=True)` (engine/export/opening.py), never by unpickling code.
- `metrics_csv`: the per-epoch curves (engine/train/history.py columns).
- `script_bundle`: a .zip of a standalone PyTorch script, its data as .npz and the experiment.

The data travels as an .npz of the exact arrays the playground trained on, not as numpy code
regenerating them: the image sets come from scikit-learn (digits) or a download (MNIST), the
image lab may train on a class-balanced subset, and a copy of a generator could drift from
the playground's. An .npz of float32 arrays is small (250 points: 3 KB; digits: 140 KB
compressed) and makes the script's curve the playground's bit for bit.
"""
from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING

import numpy as np

from engine.data import Dataset, load_data
from engine.spec.experiment import Experiment

if TYPE_CHECKING:
    from engine.train.history import BoundedHistory
    from engine.train.trainer import Trainer

ZIP_DATE = (2024, 1, 1, 0, 0, 0)     # fixed, so the same experiment gives the same bytes


def file_stem(exp: Experiment) -> str:
    """A name for the downloads: 'nnpg-spiral'."""
    return "nnpg-" + re.sub(r"[^a-z0-9_]+", "-", exp.data.dataset.lower())


def script_name(exp: Experiment) -> str:
    """The script's file name (a Python identifier, so it can also be imported)."""
    return "train_" + re.sub(r"[^a-z0-9_]+", "_", exp.data.dataset.lower())


def experiment_json(exp: Experiment) -> str:
    """The experiment file: what `python -m engine train --experiment` reads."""
    return exp.to_json() + "\n"


def weights_bytes(trainer: "Trainer") -> bytes:
    """The model's weights and buffers (a state_dict on the CPU), as torch.save writes them.
    Call it under the lab's lock: training must not change them half way."""
    import torch

    state = {name: t.detach().to("cpu", copy=True)
             for name, t in trainer.model.state_dict().items()}
    buffer = io.BytesIO()
    torch.save(state, buffer)
    return buffer.getvalue()


def metrics_csv(history: "BoundedHistory") -> str:
    """One row per recorded epoch: epoch, train/test loss, train/test accuracy (empty for
    regression), learning rate. Long runs keep every 2nd, 4th... epoch (history.py)."""
    import pandas as pd

    frame = pd.DataFrame(history.as_dict())
    frame["epoch"] = frame["epoch"].astype(np.int64)
    return frame.to_csv(index=False, lineterminator="\n")     # floats in full (shortest repr)


def data_npz(dataset: Dataset) -> bytes:
    """x_train, y_train, x_test, y_test exactly as the model sees them (numbers only: the
    script reads them with allow_pickle=False)."""
    buffer = io.BytesIO()
    np.savez_compressed(buffer, x_train=dataset.x_train, y_train=dataset.y_train,
                        x_test=dataset.x_test, y_test=dataset.y_test)
    return buffer.getvalue()


def script_files(exp: Experiment, dataset: Dataset | None = None) -> dict[str, bytes]:
    """{file name: bytes} of the standalone script, its data and the experiment file."""
    from engine.export.script import script_text

    ds = dataset if dataset is not None else load_data(exp.data)
    name = script_name(exp)
    return {f"{name}.py": script_text(exp, ds, data_file=f"{name}.npz",
                                      script_file=f"{name}.py").encode(),
            f"{name}.npz": data_npz(ds),
            "experiment.json": experiment_json(exp).encode()}


def script_bundle(exp: Experiment, dataset: Dataset | None = None) -> bytes:
    """A .zip of `script_files`: unzip, then `python train_<dataset>.py`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in script_files(exp, dataset).items():
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
    return buffer.getvalue()
