"""The Trainer: owns model, optimizer, data tensors and RNG; knows nothing of display.

The live page calls `run_for(seconds)` once per tick, so a tiny net does hundreds of epochs per
second and a big one stays responsive; `step(n)` serves the Step button. Hyper-parameters that
need no rebuild change in place through `apply(train_spec)`.

Everything random (initial weights, shuffling, dropout masks) comes from the trainer's own
generators: sessions share one process, and torch's global RNG is shared by all its threads.
What a run keeps of its past (engine.record) is not the trainer's business: a recorder
subscribes to the trainer's events and reads and writes its state through `state_dict()` /
`load_state_dict()`, never through private attributes.
"""
from __future__ import annotations

import copy
import math
import time
from contextlib import nullcontext
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from engine.data import Dataset
from engine.model.build import build_model
from engine.train.augment import augment_batch, augmenting
from engine.train.batches import batch_count, cut_batches, with_weights
from engine.model.cost import check_cost, scored_examples
from engine.data import DATASETS, load_data
from engine.model.init import init_weights
from engine.model.layers import Dropout
from engine.model.modes import eval_mode
from engine.spec.experiment import Experiment, TrainSpec
from engine.spec.fields import SpecError
from engine.train.history import BoundedHistory, EpochMetrics
from engine.train.objectives import (example_weights, lr_at, make_optimizer, resolve_objective,
                                     set_hyperparameters, weighted_loss)
from engine.train.runtime import pick_device
from engine.train.scoring import score_split
from engine.train.stepping import clear_grads, optimizer_step

READY, FINISHED, EARLY_STOPPED, DIVERGED = "ready", "finished", "early_stopped", "diverged"
EVENTS = ("run_start", "step", "epoch_end", "diverged", "restored")


Listener = Callable[["Trainer"], None]


class Trainer:
    """Trains one experiment on one dataset, a batch at a time.

    Events (`subscribe(event, fn)`, fn(trainer)): "run_start" before a training call trains,
    "step" after every optimizer step, "epoch_end" after an epoch is scored and recorded,
    "diverged" when the weights were put back after a NaN, "restored" after load_state_dict.
    """

    def __init__(self, experiment: Experiment, dataset: Dataset | None = None,
                 device: torch.device | str | None = None) -> None:
        self.experiment = experiment.validated()
        self.dataset = dataset if dataset is not None else load_data(self.experiment.data)
        ds, spec = self.dataset, self.experiment.train
        self.objective = resolve_objective(spec.loss, ds.task, max(ds.n_classes, 1),
                                           n_values=ds.n_outputs, per_step=ds.per_step)
        self.model = build_model(self.experiment.model, ds.input_shape,
                                 self.objective.n_outputs, self.objective.head_activation,
                                 batch_size=spec.batch_size, tokens=bool(ds.vocab),
                                 per_step=ds.per_step)
        self.generator = torch.Generator().manual_seed(spec.seed)
        init_weights(self.model, spec.init, self.generator)
        n_params = sum(p.numel() for p in self.model.parameters())
        self.device = torch.device(device) if device else pick_device(n_params)
        self.model.to(self.device)
        # examples per split scored after each epoch (fewer for a heavy network: cost.py)
        self.eval_limit = scored_examples(sum(row.macs for row in self.model.plan))
        self._tensors(ds)
        self._batch_norm = any(isinstance(m, nn.modules.batchnorm._BatchNorm)
                               for m in self.model.modules())
        if self._batch_norm and len(self.x_train) < 2:
            raise SpecError("Batch norm needs at least 2 training examples per batch, and "
                            "this data has 1: use more samples or a larger training share, "
                            "or remove batch norm.")
        self._stateful = self._batch_norm or any(isinstance(m, Dropout)
                                                 for m in self.model.modules())
        # dropout masks: a second stream, so adding dropout does not change the shuffling
        self.dropout_generator = torch.Generator(device=self.device).manual_seed(spec.seed + 1)
        for m in self.model.modules():
            if isinstance(m, Dropout):
                m.generator = self.dropout_generator
        # augmentation draws: a third stream, so turning it on changes neither the shuffling
        # nor the dropout masks; mirroring only where the dataset says a mirror keeps the class
        self.augment_generator = torch.Generator().manual_seed(spec.seed + 2)
        info = DATASETS.get(ds.name)
        self.flips_allowed = bool(info is not None and info.flips)
        self._images = self.x_train.dim() == 4
        self._listeners: dict[str, list[Listener]] = {e: [] for e in EVENTS}
        self._weights = [p for p in self.model.parameters() if p.dim() > 1]
        self._state = list(self.model.parameters()) + list(self.model.buffers())
        self._last_good = [t.detach().clone() for t in self._state]
        # made on the first step: torch's first optimizer call imports torch._dynamo (~1 s),
        # which the first picture of an untrained network does not need
        self._optimizer: torch.optim.Optimizer | None = None
        self._lr = lr_at(spec, 0)
        self.spec = spec
        self.history = BoundedHistory()
        self.epoch = 0               # completed epochs
        self.batch_in_epoch = 0      # batches done in the current epoch
        self.steps = 0               # optimizer steps in total
        self.status, self.reason = READY, ""
        self._batches: list[tuple[torch.Tensor, ...]] = []   # (x, y) or, weighted, (x, y, w)
        self._order = torch.empty(0, dtype=torch.int64)   # this epoch's shuffle
        self._epoch_batch_size = spec.batch_size           # ... and the batch size it was cut with
        self._best_test, self._since_best = math.inf, 0
        self.metrics = self.evaluate()
        self._record()

    # ---- events ---------------------------------------------------------------------------
    def subscribe(self, event: str, listener: Listener) -> None:
        """Call `listener(trainer)` on `event` (one of EVENTS)."""
        self._listeners[event].append(listener)

    def _emit(self, event: str) -> None:
        for listener in self._listeners[event]:
            listener(self)

    def unsubscribe(self, event: str, listener: Listener) -> None:
        self._listeners[event].remove(listener)

    def listener_count(self) -> int:
        """How many listeners are subscribed, all events together (a turn trained in another
        process fires no per-step events, so only known listeners may allow it)."""
        return sum(len(fns) for fns in self._listeners.values())

    # ---- turns trained in another process (engine.train.remote) ---------------------------
    def begin_remote_turn(self) -> dict[str, Any]:
        """What another process needs to train on from here: fires "run_start" as a local
        run would (a rewound recorder branches), then returns `state_dict()`."""
        self._emit("run_start")
        return self.state_dict()

    @torch.no_grad()
    def end_remote_turn(self, state: dict[str, Any], rows: list[tuple[int, dict]]) -> None:
        """Take over the state another process trained to, with the curve rows of the epochs
        it ended, and fire the events a local run would have fired last: "diverged", or
        "epoch_end" when it stopped on an epoch boundary (the caller let it run past no epoch
        a listener wanted: `until_epoch`)."""
        before = self.epoch
        listeners, self._listeners = self._listeners, {e: [] for e in EVENTS}
        try:
            self.load_state_dict(state)           # "restored" is not news to anyone here
        finally:
            self._listeners = listeners
        for epoch, row in rows:
            self.history.record(epoch, row)
        if self.status == DIVERGED:
            self._emit("diverged")
        elif self.epoch > before and self.batch_in_epoch == 0:
            self._emit("epoch_end")

    # ---- data ---------------------------------------------------------------------------
    def _tensors(self, ds: Dataset) -> None:
        dev, obj = self.device, self.objective
        self.x_train = torch.tensor(ds.x_train, dtype=torch.float32, device=dev)
        self.y_train = obj.encode_targets(ds.y_train).to(dev)
        self.x_test = torch.tensor(ds.x_test, dtype=torch.float32, device=dev)
        self.y_test = obj.encode_targets(ds.y_test).to(dev)
        self.w_train = example_weights(obj, ds.w_train, dev)   # None: each example counts once
        # Fixed scoring subsets, so per-epoch scoring stays cheap on big image sets.
        self._labels_train = torch.tensor(ds.y_train[:self.eval_limit], device=dev)
        self._labels_test = torch.tensor(ds.y_test[:self.eval_limit], device=dev)

    @property
    def done(self) -> bool:
        """True once training has stopped for good (limit, early stop, divergence)."""
        return self.status != READY

    @property
    def batches_per_epoch(self) -> int:
        return batch_count(len(self.x_train), self.spec.batch_size, self._batch_norm)

    @property
    def optimizer(self) -> torch.optim.Optimizer:
        if self._optimizer is None:
            self._optimizer = make_optimizer(list(self.model.parameters()), self.spec)
            set_hyperparameters(self._optimizer, self.spec, self._lr)
        return self._optimizer

    @property
    def plan(self) -> list:
        """The build-time plan: one row per layer (name, kind, output shape, parameters)."""
        return self.model.plan

    @property
    def position(self) -> float:
        """Where training stands, in epochs (12.4 = 40% into epoch 13)."""
        n = len(self._batches) if self.batch_in_epoch else self.batches_per_epoch
        return self.epoch + self.batch_in_epoch / max(n, 1)

    # ---- training -------------------------------------------------------------------------
    def step(self, n_batches: int = 1) -> int:
        """Train `n_batches` mini-batches (crossing epochs as needed); returns how many ran."""
        return self._run(n_batches=n_batches)

    def step_epoch(self, seconds: float | None = None) -> int:
        """Finish the current epoch (or run one whole epoch), or as much of it as `seconds`
        allow (at least one batch), so a click never waits on a long epoch; returns batches run."""
        cut = len(self._batches) if self.batch_in_epoch else self.batches_per_epoch
        deadline = None if seconds is None else time.perf_counter() + seconds
        return self._run(n_batches=cut - self.batch_in_epoch, deadline=deadline)

    def run_for(self, seconds: float, max_batches: int | None = None,
                until_epoch: int | None = None) -> int:
        """Train until `seconds` have passed (at least one batch), or until the end of epoch
        `until_epoch` if that comes first; returns batches run."""
        return self._run(n_batches=max_batches, deadline=time.perf_counter() + seconds,
                         until_epoch=until_epoch)

    def _run(self, n_batches: int | None, deadline: float | None = None,
             until_epoch: int | None = None) -> int:
        if self.done:
            return 0
        self._emit("run_start")                 # e.g. a recorder forks a rewound run here
        model, obj, loss_fn = self.model, self.objective, self.objective.loss
        l1, l2, weights = self.spec.l1, self.spec.l2, self._weights
        on_step = self._listeners["step"]
        augment = self._images and augmenting(self.spec)
        ran = 0
        model.train()
        while not self.done and (n_batches is None or ran < n_batches):
            if self.batch_in_epoch == 0:
                self._start_epoch()
            xb, yb, *wb = self._batches[self.batch_in_epoch]
            if augment:                         # a new random version of the batch, each step
                xb = augment_batch(xb, self.spec, self.augment_generator, self.flips_allowed)
            opt = self.optimizer
            clear_grads(opt)
            loss = weighted_loss(obj, model(xb), yb, wb[0]) if wb else loss_fn(model(xb), yb)
            if l1:
                loss = loss + l1 * sum(w.abs().sum() for w in weights)
            if l2:
                loss = loss + 0.5 * l2 * sum(w.pow(2).sum() for w in weights)
            loss.backward()
            optimizer_step(opt)
            for listener in on_step:
                listener(self)
            ran += 1
            self.steps += 1
            self.batch_in_epoch += 1
            if self.batch_in_epoch == len(self._batches):
                self._end_epoch()
                if until_epoch is not None and self.epoch >= until_epoch:
                    break
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return ran

    def _start_epoch(self) -> None:
        """Shuffle with the trainer's own generator and cut the epoch into batch views."""
        self._order = torch.randperm(len(self.x_train), generator=self.generator).to(self.device)
        self._epoch_batch_size = self.spec.batch_size
        self._cut_batches()
        self._lr = lr_at(self.spec, self.epoch)
        set_hyperparameters(self.optimizer, self.spec, self._lr)

    def _cut_batches(self) -> None:
        order, size, bn = self._order, self._epoch_batch_size, self._batch_norm
        self._batches = cut_batches(self.x_train[order], self.y_train[order], size, bn)
        self._batches = with_weights(self._batches, self.w_train, order)   # (x, y[, w])

    def _end_epoch(self) -> None:
        self.epoch += 1
        self.batch_in_epoch = 0
        metrics = self.evaluate()
        if not (math.isfinite(metrics.train_loss) and math.isfinite(metrics.test_loss)):
            self._diverge()
            return
        self.metrics = metrics
        with torch.no_grad():                  # a plain copy, outside autograd's graph
            torch._foreach_copy_(self._last_good, self._state)
        self._record()
        spec = self.spec
        if spec.patience:
            if metrics.test_loss < self._best_test - 1e-6:
                self._best_test, self._since_best = metrics.test_loss, 0
            else:
                self._since_best += 1
                if self._since_best >= spec.patience:
                    self.status = EARLY_STOPPED
                    self.reason = (f"Stopped early at epoch {self.epoch}: the test loss has not "
                                   f"improved for {spec.patience} epochs.")
        if spec.epochs and self.epoch >= spec.epochs:
            self.status = FINISHED
            self.reason = f"Reached the epoch limit ({spec.epochs})."
        self._emit("epoch_end")

    def _diverge(self) -> None:
        """Put back the last finite weights and say what to try."""
        with torch.no_grad():
            torch._foreach_copy_(self._state, self._last_good)
        self._optimizer = None                 # a fresh optimizer for the kept weights
        lr = lr_at(self.spec, self.epoch)
        self.status = DIVERGED
        self.reason = (f"The loss became infinite or not-a-number in epoch {self.epoch}: the "
                       f"steps are too big. Lower the learning rate (now {lr:g}, try "
                       f"{lr / 10:g}), add batch norm, or use a smaller L1/L2 rate; the weights "
                       f"from epoch {self.epoch - 1} were kept: lower the learning rate to go on from "
                       f"them, or press Reset to start again.")
        self._emit("diverged")

    def _record(self) -> None:
        m = self.metrics
        self.history.record(self.epoch, {
            "train_loss": m.train_loss, "test_loss": m.test_loss, "train_acc": m.train_acc,
            "test_acc": m.test_acc, "lr": lr_at(self.spec, self.epoch)})

    def restart_history(self) -> None:
        """Score the weights as they are now and start the curves from here.

        For weights edited by hand (a lesson's set-up, a test's deliberately bad init).
        """
        with torch.no_grad():
            torch._foreach_copy_(self._last_good, self._state)
        self.metrics = self.evaluate()
        self.history = BoundedHistory(self.history.cap)
        self._record()

    def weights_edited(self) -> None:
        """Weights were changed by hand between steps (the microscope): score them, and keep
        them as the ones a divergence goes back to (unless they score infinite)."""
        metrics = self.evaluate()
        self.metrics = metrics
        if math.isfinite(metrics.train_loss) and math.isfinite(metrics.test_loss):
            with torch.no_grad():
                torch._foreach_copy_(self._last_good, self._state)

    # ---- state ----------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        """A private copy of everything the next step depends on (weights, optimizer memory,
        both generators, the position inside the epoch and its batch order, early-stopping
        counters), so `load_state_dict` of it trains on bit-identically. Curves are not in it.
        """
        mid = self.batch_in_epoch > 0
        return {
            "model": {k: v.detach().clone() for k, v in self.model.state_dict().items()},
            "optimizer": (copy.deepcopy(self._optimizer.state_dict())
                          if self._optimizer is not None else None),
            "lr": self.lr,
            "spec": self.spec,
            "generator": self.generator.get_state(),
            "dropout_generator": self.dropout_generator.get_state(),
            "augment_generator": self.augment_generator.get_state(),
            "epoch": self.epoch, "batch_in_epoch": self.batch_in_epoch, "steps": self.steps,
            "n_batches": len(self._batches) if mid else self.batches_per_epoch,
            "order": self._order.clone() if mid else None,
            "epoch_batch_size": self._epoch_batch_size,
            "last_good": tuple(t.detach().clone() for t in self._last_good) if mid else None,
            "metrics": self.metrics, "status": self.status, "reason": self.reason,
            "best_test": self._best_test, "since_best": self._since_best,
        }

    @torch.no_grad()
    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Put the trainer back into `state` (from `state_dict`); the curves are left alone."""
        self.model.load_state_dict(state["model"])
        spec = state["spec"]
        self.spec = spec
        self.experiment = Experiment(self.experiment.data, self.experiment.model, spec)
        self._lr = state["lr"]
        self._optimizer = None                 # a fresh one at this moment's learning rate...
        if state["optimizer"] is not None:     # ...or the one the run had, memory and all
            self.optimizer.load_state_dict(copy.deepcopy(state["optimizer"]))
        self.generator.set_state(state["generator"])
        self.dropout_generator.set_state(state["dropout_generator"])
        if "augment_generator" in state:
            self.augment_generator.set_state(state["augment_generator"])
        self.epoch, self.batch_in_epoch = state["epoch"], state["batch_in_epoch"]
        self.steps = state["steps"]
        self._epoch_batch_size = state["epoch_batch_size"]
        if state["order"] is not None:
            self._order = state["order"].clone()
            self._cut_batches()
        else:
            self._batches = []
        torch._foreach_copy_(self._last_good, list(state["last_good"])
                             if state["last_good"] is not None else self._state)
        self.metrics, self.status, self.reason = state["metrics"], state["status"], state["reason"]
        self._best_test, self._since_best = state["best_test"], state["since_best"]
        self._emit("restored")

    # ---- scoring --------------------------------------------------------------------------
    @torch.inference_mode()
    def evaluate(self) -> EpochMetrics:
        """Loss (without the L1/L2 penalty) and accuracy on both splits, in eval mode."""
        model, obj = self.model, self.objective
        with eval_mode(model) if self._stateful else nullcontext():
            results = [score_split(model, obj, x, y, labels, self.eval_limit)
                       for x, y, labels in ((self.x_train, self.y_train, self._labels_train),
                                            (self.x_test, self.y_test, self._labels_test))]
        return EpochMetrics(results[0][0], results[1][0], results[0][1], results[1][1])

    @torch.inference_mode()
    def predict(self, x: np.ndarray) -> np.ndarray:
        """Class probabilities (classification) or values (regression) for raw inputs."""
        with eval_mode(self.model):
            out = self.model(torch.as_tensor(x, dtype=torch.float32, device=self.device))
        return self.objective.probabilities(out).cpu().numpy()

    # ---- live changes ---------------------------------------------------------------------
    def apply(self, spec: TrainSpec) -> None:
        """Adopt new training settings without touching the weights.

        A new optimizer kind starts a fresh optimizer on the same weights; learning rate,
        momentum, L1/L2, the schedule and the augmentation change in place (augmentation from
        the next batch); a new batch size starts with the next epoch. Raising the epoch limit
        or patience lets a finished run continue.
        """
        if spec.batch_size != self.spec.batch_size:
            check_cost(self.plan, spec.batch_size)   # SpecError: the settings stay as they were
        old, self.spec = self.spec, spec
        self.experiment = Experiment(self.experiment.data, self.experiment.model, spec)
        self._lr = lr_at(spec, self.epoch)
        if spec.optimizer != old.optimizer:
            self._optimizer = None             # a fresh optimizer on the same weights
        if self._optimizer is not None:
            set_hyperparameters(self._optimizer, spec, self._lr)
        if self.status in (FINISHED, EARLY_STOPPED) and not self._would_stop():
            self.status, self.reason = READY, ""
            self._since_best = 0
        elif self.status == DIVERGED and spec.lr < old.lr and not self._would_stop():
            self.status, self.reason = READY, ""

    def _would_stop(self) -> bool:
        return bool(self.spec.epochs and self.epoch >= self.spec.epochs)

    @property
    def lr(self) -> float:
        if self._optimizer is None:
            return self._lr
        return self._optimizer.param_groups[0]["lr"]

