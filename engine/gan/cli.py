"""`python -m engine train` for a GAN experiment file: train headless, report the game.

A GAN experiment file is JSON: `{"lab": "gan", "spec": {...}, "epochs": N}` where `spec` holds
GanSpec fields by name (`target`, `loss`, `noise_dim`, `batch_size`, `d_steps`, `g_opt`,
`g_lr`, `d_opt`, `d_lr`, `seed`, and `g_layers` / `d_layers` as compact text such as
"dense:64:relu,dense:64:relu"); any field left out takes the lab's default. A file is read
strictly: an unknown key or a value the lab would repair is an error naming it, not a guess.
The report is one JSON object: steps, D and G losses, modes covered, JS divergence, seconds.
"""
from __future__ import annotations

import dataclasses
import json
import math
import time
from typing import Any

from engine.gan.spec import FIELDS, LAYER_KEYS, GanSpec
from engine.spec.fields import SpecError

DEFAULT_GAN_EPOCHS = 125        # 2,000 steps at batch 128: the default covers the 8 blobs
FILE_KEYS = ("lab", "spec", "epochs")


def is_gan_file(text: str) -> bool:
    """Whether an experiment file's JSON names the GAN lab (`"lab": "gan"`)."""
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):     # Experiment.from_json says what is wrong
        return False
    return isinstance(data, dict) and data.get("lab") == "gan"


def spec_from_file(text: str) -> tuple[GanSpec, int | None]:
    """The spec and epoch count of a GAN experiment file; SpecError names what is wrong."""
    data = json.loads(text)
    unknown = sorted(set(data) - set(FILE_KEYS))
    if unknown:
        raise SpecError(f"A GAN experiment file has {', '.join(FILE_KEYS)}; unknown: "
                        f"{', '.join(map(str, unknown))}.")
    fields = data.get("spec", {})
    if not isinstance(fields, dict):
        raise SpecError("'spec' must be an object of GAN settings, e.g. {\"loss\": \"wgangp\"}.")
    by_name = {f.name: f.key for f in FIELDS} | {n: key for n, (key, _) in LAYER_KEYS.items()}
    unknown = sorted(set(fields) - set(by_name))
    if unknown:
        raise SpecError(f"Unknown GAN setting(s) {', '.join(map(str, unknown))}; the settings "
                        f"are {', '.join(by_name)}.")
    for name, value in fields.items():
        if isinstance(value, (dict, list, bool)) or value is None:
            raise SpecError(f"GAN setting {name} must be a number or text, not {value!r}.")
    spec, notes = GanSpec.from_query({by_name[n]: str(v) for n, v in fields.items()})
    if notes:                      # the lab would repair it; a file must say what it means
        raise SpecError(notes[0].split("; using")[0].replace(
            " The default network is used instead.", "") + " (in the GAN experiment file)")
    epochs = data.get("epochs")
    if epochs is not None and (isinstance(epochs, bool) or not isinstance(epochs, int)
                               or not 1 <= epochs <= 100_000):
        raise SpecError("'epochs' must be a whole number from 1 to 100000.")
    return spec, epochs


def gan_train(text: str, epochs: int | None, threads: int) -> dict[str, Any]:
    """Train the file's GAN for its epochs (or `epochs`); the report as a dict."""
    spec, file_epochs = spec_from_file(text)
    import torch

    from engine.gan.trainer import GanTrainer
    from engine.train.runtime import configure_torch

    configure_torch(threads)
    start = time.perf_counter()
    trainer = GanTrainer(spec)
    target = epochs or file_epochs or DEFAULT_GAN_EPOCHS
    while trainer.epoch < target and not trainer.done:
        trainer.step(1)
    covered = trainer.modes_covered()

    def number(v: float) -> float | None:
        return round(v, 6) if math.isfinite(v) else None

    return {"lab": "gan", "status": trainer.status, "epochs": trainer.epoch,
            "steps": trainer.steps, "d_loss": number(trainer.last_d),
            "g_loss": number(trainer.last_g),
            "modes_covered": None if math.isnan(covered) else int(covered),
            "modes": (None if trainer.target.modes is None else len(trainer.target.modes)),
            "js_divergence": number(trainer.divergence()),
            "spec": dataclasses.asdict(spec) | {"g_layers": spec.to_query()["g"],
                                                "d_layers": spec.to_query()["d"]},
            "seconds": round(time.perf_counter() - start, 3),
            "threads": torch.get_num_threads()}
