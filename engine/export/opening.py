"""Opening what a lab page (or a person) hands back: an experiment file, or saved weights.

Both arrive as untrusted bytes. An experiment is read with a size bound and the strict
`Experiment.from_json`; weights only through `torch.load(..., weights_only=True)`, which
rebuilds tensors and plain containers and refuses any other object, after checks that keep a
crafted file from costing memory: a bounded size, torch's zip format only (its legacy format
can declare storages of any size), nothing compressed inside (no zip bomb), and every entry's
declared size within the bound. Every problem is a SpecError whose message says what to do.
"""
from __future__ import annotations

import io
import zipfile
from typing import TYPE_CHECKING, Any, Mapping

from engine.spec.experiment import Experiment
from engine.spec.fields import SpecError

if TYPE_CHECKING:
    import torch

    from engine.train.trainer import Trainer

MAX_EXPERIMENT_BYTES = 1_000_000   # an experiment file is a few KB
MAX_WEIGHTS_BYTES = 32 * 2**20     # 2,000,000 float32 parameters (LIMITS) are 8 MB


def experiment_from_bytes(data: bytes, name: str = "The file") -> Experiment:
    """Parse an experiment file's bytes (UTF-8, with or without a BOM); SpecError if it is
    too big, not text, not JSON or not a valid experiment."""
    if len(data) > MAX_EXPERIMENT_BYTES:
        raise SpecError(f"{name} is {len(data):,} bytes; an experiment file is at most "
                        f"{MAX_EXPERIMENT_BYTES:,}. Is it the right file?")
    try:
        text = data.decode("utf-8-sig")            # a BOM (Windows editors) is not an error
    except UnicodeDecodeError as exc:
        raise SpecError(f"{name} is not UTF-8 text (byte 0x{data[exc.start]:02x} at offset "
                        f"{exc.start}); an experiment file is JSON.") from None
    return Experiment.from_json(text)


def _not_weights(name: str, why: str) -> SpecError:
    return SpecError(f"{name} is not a weights file saved by this app (a PyTorch state_dict "
                     f"written by torch.save): {why}")


def read_weights(data: bytes, name: str = "The file") -> dict[str, "torch.Tensor"]:
    """The state_dict in `data`, loaded with weights_only=True after the checks above."""
    import torch

    if len(data) > MAX_WEIGHTS_BYTES:
        raise SpecError(f"{name} is {len(data) / 2**20:.1f} MB; weights of a network this app "
                        f"can build are at most {MAX_WEIGHTS_BYTES // 2**20} MB.")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError, EOFError):
        raise _not_weights(name, "it is not in torch.save's format.") from None
    if any(e.compress_type != zipfile.ZIP_STORED for e in entries):
        raise _not_weights(name, "it holds compressed entries, which torch.save never writes.")
    if sum(e.file_size for e in entries) > MAX_WEIGHTS_BYTES:
        raise _not_weights(name, "its entries claim more than "
                           f"{MAX_WEIGHTS_BYTES // 2**20} MB.")
    try:
        state = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as exc:        # UnpicklingError, RuntimeError, ...: any refusal
        reason = " ".join(str(exc).split())[:160] or type(exc).__name__
        raise _not_weights(name, f"torch refused it ({reason}).") from None
    if not isinstance(state, Mapping) or not state:
        raise _not_weights(name, f"it holds {type(state).__name__}, not named tensors.")
    bad = [k for k, v in state.items() if not (isinstance(k, str) and torch.is_tensor(v))]
    if bad:
        raise _not_weights(name, f"entry {str(bad[0])[:40]!r} is not a named tensor.")
    return dict(state)


def _shape(t: Any) -> str:
    return "×".join(map(str, t.shape)) or "a single number"


def check_fit(state: Mapping[str, "torch.Tensor"], current: Mapping[str, "torch.Tensor"],
              name: str = "The file") -> None:
    """SpecError unless `state` has exactly the keys, shapes and kinds of `current`, and
    finite numbers."""
    import torch

    missing = [k for k in current if k not in state]
    extra = [k for k in state if k not in current]
    if missing or extra:
        parts = []
        if missing:
            parts.append(f"it lacks {_keys(missing)}")
        if extra:
            parts.append(f"it has {_keys(extra)}, which this network does not")
        raise SpecError(f"{name} holds weights for another network: {' and '.join(parts)}. "
                        "Open the experiment they were saved from first.")
    for key, mine in current.items():
        theirs = state[key]
        if theirs.shape != mine.shape:
            raise SpecError(f"{name} holds weights for another network: {key} is "
                            f"{_shape(theirs)} in the file but {_shape(mine)} here. Open the "
                            "experiment they were saved from first.")
        if theirs.is_floating_point() != mine.is_floating_point():
            raise SpecError(f"{name} is damaged: {key} holds {theirs.dtype} numbers where "
                            f"this network keeps {mine.dtype}.")
        if theirs.is_floating_point() and not bool(torch.isfinite(theirs).all()):
            raise SpecError(f"{name} holds weights that are infinite or not-a-number ({key}): "
                            "they come from a run that diverged.")


def _keys(keys: list[str]) -> str:
    shown = ", ".join(repr(k[:40]) for k in keys[:3])
    return shown + (f" and {len(keys) - 3} more" if len(keys) > 3 else "")


def load_weights(trainer: "Trainer", data: bytes, name: str = "The file") -> None:
    """Put the weights in `data` into `trainer`'s model and score them. Everything else stays:
    the data, the settings, the optimizer's memory, the position in the run, the curves.
    Call it under the lab's lock."""
    import torch

    state = read_weights(data, name)
    current = trainer.model.state_dict()
    check_fit(state, current, name)
    full = trainer.state_dict()
    full["model"] = {k: state[k].to(dtype=v.dtype, device=v.device) for k, v in current.items()}
    full["last_good"] = None                # the loaded weights are the good ones now
    trainer.load_state_dict(full)
    with torch.no_grad():
        trainer.metrics = trainer.evaluate()
