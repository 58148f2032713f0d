"""Looking inside an image model: feature maps, filters, saliency and test-set mistakes.

Everything returns plain numpy records, so `viz/` can draw them without torch (the snapshot
boundary of DESIGN §2). Probes run in eval mode and put the mode back; the saliency gradient
is taken with `torch.autograd.grad`, so the parameters' `.grad` that the optimizer reads are
never touched.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from torch import Tensor, nn

from engine.inspect.probe import capture
from engine.inspect.run import run_state
from engine.model.modes import eval_mode
from engine.snapshot import ImageSnapshot, LayerMaps, TestSetView

# Layer kinds whose image output is worth drawing as maps (dropout is the identity in eval).
MAP_KINDS = ("conv2d", "maxpool2d", "avgpool2d", "residual", "batchnorm", "activation",
             "layernorm")


@dataclass(frozen=True)
class Predictions:
    """The model's answers on the test set, for the confusion matrix and the mistakes."""

    y_true: np.ndarray     # (N,) int64
    y_pred: np.ndarray     # (N,) int64
    probs: np.ndarray      # (N, K) float32


def _as_batch(x: np.ndarray | Tensor, device: torch.device) -> Tensor:
    """One image (C, H, W) or a batch (N, C, H, W) as a float tensor batch."""
    t = torch.as_tensor(np.asarray(x) if not isinstance(x, Tensor) else x,
                        dtype=torch.float32, device=device)
    return t.unsqueeze(0) if t.dim() == 3 else t


def _device(model: nn.Module) -> torch.device:
    return next(model.parameters()).device


def feature_maps(model: nn.Module, x: np.ndarray | Tensor) -> list[LayerMaps]:
    """The output maps of every conv, pooling (and other image) layer for one image (C, H, W)."""
    plan = {r.name: r for r in getattr(model, "plan", [])}
    wanted = tuple(name for name, row in plan.items() if row.kind in MAP_KINDS)
    batch = _as_batch(x, _device(model))[:1]
    with torch.inference_mode(), eval_mode(model), capture(model, wanted) as outs:
        model(batch)
    return [LayerMaps(name, plan[name].kind, outs[name][0].detach().float().cpu().numpy().copy())
            for name in wanted if name in outs and outs[name].dim() == 4]


def conv_filters(model: nn.Module) -> list[tuple[str, np.ndarray]]:
    """Every Conv2d's weights (C_out, C_in, k, k), named like 'L1' or 'L3.conv1', in order."""
    out = []
    for name, module in model.named_modules():
        if isinstance(module, nn.Conv2d):
            out.append((name, module.weight.detach().float().cpu().numpy().copy()))
    return out


def saliency(model: nn.Module, x: np.ndarray | Tensor,
             target: int | None = None) -> tuple[np.ndarray, int]:
    """∂(score of `target`)/∂(input) for one image, and the class used (default: predicted).

    The score is the head's raw output (the logit), as in Simonyan et al. 2014: its gradient
    says which pixels would change the class score most. Shape (C, H, W) like the input.
    """
    image = _as_batch(x, _device(model))[:1].detach().clone()
    with torch.inference_mode(False), torch.enable_grad(), eval_mode(model):
        image = image.clone().requires_grad_(True)   # a normal tensor even under inference mode
        scores = model(image)[0]                     # (K,) logits
        cls = int(scores.argmax()) if target is None else int(target)
        (grad,) = torch.autograd.grad(scores[cls], image)
    return grad[0].detach().cpu().numpy().copy(), cls


@torch.inference_mode()
def predict_test_set(trainer, limit: int = 4096) -> Predictions:
    """Predicted class and probabilities for (up to `limit`) test images, in eval mode."""
    x = trainer.x_test[:limit]
    with eval_mode(trainer.model):
        probs = torch.cat([trainer.objective.probabilities(trainer.model(xb))
                           for xb in x.split(1024)])
    y_true = np.asarray(trainer.dataset.y_test[:limit], dtype=np.int64)
    probs_np = probs.float().cpu().numpy()
    return Predictions(y_true, probs_np.argmax(axis=1).astype(np.int64), probs_np)


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray, n_classes: int) -> np.ndarray:
    """Counts (K, K): row = true class, column = predicted class (scikit-learn's)."""
    from sklearn.metrics import confusion_matrix as sk_confusion

    return sk_confusion(y_true, y_pred, labels=np.arange(n_classes)).astype(np.int64)


def confusion(trainer, predictions: Predictions | None = None) -> np.ndarray:
    """The test-set confusion matrix of a trainer's current model."""
    p = predictions or predict_test_set(trainer)
    return confusion_matrix(p.y_true, p.y_pred, trainer.dataset.n_classes)


def misclassified(trainer, n: int = 16,
                  predictions: Predictions | None = None) -> np.ndarray:
    """Indices of up to `n` wrongly classified test images, most confidently wrong first."""
    p = predictions or predict_test_set(trainer)
    wrong = np.flatnonzero(p.y_pred != p.y_true)
    confidence = p.probs[wrong, p.y_pred[wrong]]
    return wrong[np.argsort(-confidence, kind="stable")][:n]


def capture_image(trainer, recorder, image: np.ndarray,
                  deep_layer: str | None = None) -> ImageSnapshot:
    """One frame of the image lab for `image` (call under the session lock; numpy out)."""
    model = trainer.model
    probs = trainer.predict(image[None])[0]
    grad, cls = saliency(model, image)
    layers = tuple(feature_maps(model, image))
    filters = conv_filters(model)
    deep = dict(filters).get(deep_layer) if deep_layer else None
    return ImageSnapshot(run=run_state(trainer, recorder), image=np.asarray(image),
                         probabilities=np.asarray(probs), saliency=grad, predicted=cls,
                         layers=layers, first_filters=filters[0][1] if filters else None,
                         deep_filters=deep)


def score_test_set(trainer, n_mistakes: int = 24) -> TestSetView:
    """Confusion counts and the most confident mistakes on the test set."""
    p = predict_test_set(trainer)
    matrix = confusion_matrix(p.y_true, p.y_pred, len(trainer.dataset.class_names))
    wrong = misclassified(trainer, n_mistakes, predictions=p)
    return TestSetView(steps=trainer.steps, confusion=matrix,
                       mistakes=tuple(int(i) for i in wrong), y_true=p.y_true, y_pred=p.y_pred)
