"""Compare mode in the generative lab: which link keys run B may change.

Everything but the target, the drawing and the seed: both games must play on the same real
points. The frame of both games and the verdict live in engine.inspect.gan_compare.
"""
from __future__ import annotations

from engine.gan.spec import FIELDS, LAYER_KEYS, GanSpec
from engine.spec.overrides import SpecKind

GAN_KIND = SpecKind(
    overridable=frozenset({f.key for f in FIELDS if f.name not in ("target", "seed")}
                          | {key for key, _ in LAYER_KEYS.values()}),
    labels={**{f.key: f.label for f in FIELDS},
            **{key: f"{title} layers" for key, title in LAYER_KEYS.values()}},
    read=lambda params, base: GanSpec.from_query(params))
