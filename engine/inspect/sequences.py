"""Looking inside a sequence model: memory, gates, gradients through time, attention maps.

The network is run child by child (it is an nn.Sequential), with each recurrent layer unrolled
by hand from its own nn.RNN/LSTM/GRU weights: that exposes the gates, which torch's fused
kernels keep inside, and makes every h_t a node of the graph, so ∂loss/∂h_t includes the path
through the later steps (the gradient that vanishes in a vanilla RNN). A test checks the unroll
against torch's output. Probes run in eval mode, restore it, and take gradients with
`torch.autograd.grad` only, so the optimizer's `.grad` is never touched. Numpy leaves here.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from engine.data import DATASETS, load_data
from engine.inspect.run import run_state
from engine.model import layers as L
from engine.model.modes import eval_mode
from engine.snapshot import AttentionTrace, MemorySweep, RecurrentTrace, SequenceSnapshot

if TYPE_CHECKING:
    from engine.record.recorder import Recorder
    from engine.train.trainer import Trainer

SWEEP_EXAMPLES = 200                      # fresh examples scored per setting of a sweep
DELAYS = (0, 5, 10, 20, 30, 50, 75, 100)  # the copy task's sweep
GATES = {"lstm": ("input", "forget", "output"), "gru": ("update", "reset"), "rnn": ()}


@dataclass
class Unrolled:
    """A recurrent layer run step by step: the same output as torch's, and what is inside."""

    output: Tensor                     # (B, T, D·H), as nn.RNN/LSTM/GRU returns it
    states: list[list[Tensor]]         # per direction, per step: h_t (B, H), graph nodes
    cell: Tensor | None                # (B, T, D·H) LSTM cell state
    gates: dict[str, Tensor]           # name -> (B, T, D·H)


def _step(kind: str, x: Tensor, h: Tensor, c: Tensor | None, weights: Sequence[Tensor],
          nonlinearity: str) -> tuple[Tensor, Tensor | None, dict[str, Tensor]]:
    """One step of torch's cell equations (gate order: LSTM i, f, g, o; GRU r, z, n)."""
    w_ih, w_hh, b_ih, b_hh = weights
    gi, gh = F.linear(x, w_ih, b_ih), F.linear(h, w_hh, b_hh)
    if kind == "rnn":
        return (torch.tanh if nonlinearity == "tanh" else torch.relu)(gi + gh), None, {}
    if kind == "lstm":
        i, f, g, o = (gi + gh).chunk(4, dim=-1)
        i, f, o, g = torch.sigmoid(i), torch.sigmoid(f), torch.sigmoid(o), torch.tanh(g)
        c = f * c + i * g
        return o * torch.tanh(c), c, {"input": i, "forget": f, "output": o}
    ri, zi, ni = gi.chunk(3, dim=-1)
    rh, zh, nh = gh.chunk(3, dim=-1)
    r, z = torch.sigmoid(ri + rh), torch.sigmoid(zi + zh)
    n = torch.tanh(ni + r * nh)
    return (1 - z) * n + z * h, None, {"update": z, "reset": r}


def unroll(rnn: nn.RNNBase, x: Tensor) -> Unrolled:
    """Run a one-layer nn.RNN/LSTM/GRU (batch_first) step by step from its own weights."""
    kind = {nn.LSTM: "lstm", nn.GRU: "gru", nn.RNN: "rnn"}[type(rnn)]
    b, t, _ = x.shape
    hidden = rnn.hidden_size
    nonlinearity = getattr(rnn, "nonlinearity", "tanh")
    outs, cells, states = [], [], []
    gates: dict[str, list[Tensor]] = {g: [] for g in GATES[kind]}
    for suffix in ("", "_reverse")[:1 + rnn.bidirectional]:
        weights = [getattr(rnn, f"{n}_l0{suffix}") for n in ("weight_ih", "weight_hh",
                                                             "bias_ih", "bias_hh")]
        h = x.new_zeros(b, hidden)
        c = x.new_zeros(b, hidden) if kind == "lstm" else None
        order = range(t) if not suffix else range(t - 1, -1, -1)
        hs: dict[int, Tensor] = {}
        cs: dict[int, Tensor] = {}
        gs: dict[str, dict[int, Tensor]] = {g: {} for g in gates}
        for step in order:
            h, c, g = _step(kind, x[:, step], h, c, weights, nonlinearity)
            hs[step] = h
            if c is not None:
                cs[step] = c
            for name, value in g.items():
                gs[name][step] = value
        states.append([hs[s] for s in range(t)])
        outs.append(torch.stack(states[-1], dim=1))                      # (B, T, H)
        if cs:
            cells.append(torch.stack([cs[s] for s in range(t)], dim=1))
        for name in gates:
            gates[name].append(torch.stack([gs[name][s] for s in range(t)], dim=1))
    return Unrolled(torch.cat(outs, dim=-1), states, torch.cat(cells, dim=-1) if cells else None,
                    {name: torch.cat(v, dim=-1) for name, v in gates.items()})


def _example(trainer: "Trainer", split: str, index: int) -> tuple[np.ndarray, np.ndarray]:
    ds = trainer.dataset
    x, y = (ds.x_test, ds.y_test) if split == "test" else (ds.x_train, ds.y_train)
    if not 0 <= index < len(x):
        raise IndexError(f"example {index} is outside the {split} set of {len(x)}")
    return x[index], y[index]


def capture_sequence(trainer: "Trainer", index: int = 0, split: str = "test",
                     recorder: "Recorder | None" = None) -> SequenceSnapshot:
    """Everything the sequence lab shows for one example (call under the session lock)."""
    x_np, y_np = _example(trainer, split, index)
    model, obj, ds = trainer.model, trainer.objective, trainer.dataset
    x = torch.tensor(x_np[None], dtype=torch.float32, device=trainer.device)
    unrolled: list[tuple[str, L.Recurrent, Unrolled]] = []
    attention: list[AttentionTrace] = []
    with eval_mode(model), torch.enable_grad():
        h = x
        for name, child in model.named_children():
            if isinstance(child, L.Recurrent):
                u = unroll(child.rnn, h)
                unrolled.append((name, child, u))
                h = u.output
                continue
            block = child.attn if isinstance(child, (L.SelfAttention, L.TransformerBlock)) else None
            if block is not None:
                seen = child.ln1(h) if isinstance(child, L.TransformerBlock) else h
                weights = block.weights(seen)[0][0]                     # (heads, T, T)
                kind = "transformer" if isinstance(child, L.TransformerBlock) else "self_attention"
                attention.append(AttentionTrace(name, kind, block.causal,
                                                weights.detach().cpu().numpy()))
            h = child(h)
        target = obj.encode_targets(np.asarray(y_np)[None]).to(trainer.device)
        loss = obj.loss(h, target)
        states = [s for _, _, u in unrolled for d in u.states for s in d]
        grads = (torch.autograd.grad(loss, states, allow_unused=True)
                 if states and loss.requires_grad else [None] * len(states))
    traces, at = [], 0
    for name, child, u in unrolled:
        steps = len(u.states[0])
        squared = torch.zeros(steps, device=x.device)
        for _ in u.states:
            for t in range(steps):
                g = grads[at]
                at += 1
                if g is not None:
                    squared[t] += g.pow(2).sum()
        traces.append(RecurrentTrace(
            name=name, kind=child.kind, bidirectional=bool(child.rnn.bidirectional),
            hidden=_units_by_time(u.output),
            cell=_units_by_time(u.cell) if u.cell is not None else None,
            gates={g: _units_by_time(v) for g, v in u.gates.items()},
            grad_norm=squared.sqrt().cpu().numpy()))
    tokens = tuple(ds.vocab[i] for i in x_np.argmax(axis=-1)) if ds.vocab else ()
    return SequenceSnapshot(
        run=run_state(trainer, recorder), split=split, index=index, inputs=np.array(x_np),
        tokens=tokens, target=np.array(y_np), output=obj.probabilities(h.detach())[0].cpu().numpy(),
        loss=float(loss.detach()), recurrent=tuple(traces), attention=tuple(attention))


def _units_by_time(t: Tensor) -> np.ndarray:
    """(1, T, units) -> (units, T) numpy, the heatmap's orientation."""
    return t.detach()[0].T.cpu().numpy().copy()


@torch.inference_mode()
def memory_sweep(trainer: "Trainer", values: Sequence[int] | None = None,
                 n_samples: int = SWEEP_EXAMPLES) -> MemorySweep:
    """Score the current model on fresh data at other delays (copy) or lengths (others).

    A setting whose data the model cannot read (another width, more classes than its head
    has) scores nan; regression sets are scored by mean squared error instead of accuracy.
    """
    data = trainer.experiment.data
    info = DATASETS[data.dataset]
    setting = "delay" if "delay" in info.options else "seq_len"
    trained = getattr(data, setting) or info.length
    if values is None:
        values = DELAYS if setting == "delay" else sorted(
            {max(2, trained // 2), max(2, trained - 2), trained, trained + 2, 2 * trained,
             min(64, 3 * trained)})
    obj, model, ds = trainer.objective, trainer.model, trainer.dataset
    scores = []
    with eval_mode(model):
        for value in values:
            spec = dataclasses.replace(data, n_samples=n_samples, train_ratio=0.5,
                                       seed=(data.seed + 1) % 2**31, **{setting: int(value)})
            fresh = load_data(spec)
            x = np.concatenate([fresh.x_train, fresh.x_test])
            y = np.concatenate([fresh.y_train, fresh.y_test])
            fits = (x.shape[-1] == ds.input_shape[-1]
                    and (fresh.n_outputs <= obj.n_outputs if obj.classification
                         else fresh.n_outputs == obj.n_outputs))
            if not fits:
                scores.append(float("nan"))
                continue
            out = model(torch.tensor(x, dtype=torch.float32, device=trainer.device))
            if obj.classification:
                labels = torch.as_tensor(y, device=out.device)
                due = labels >= 0
                hits = (obj.predict_class(out) == labels) & due
                scores.append(float(hits.sum()) / max(float(due.sum()), 1.0))
            else:
                target = obj.encode_targets(y).to(out.device)
                scores.append(float(F.mse_loss(out, target)))
    order = np.argsort(np.asarray(values))
    return MemorySweep(setting, np.asarray(values, dtype=np.int64)[order],
                       np.asarray(scores, dtype=np.float64)[order],
                       "accuracy" if obj.classification else "mse", int(trained))


@torch.inference_mode()
def generate_text(trainer: "Trainer", prompt: str, n_chars: int = 100,
                  temperature: float = 1.0, seed: int = 0) -> str:
    """Free-run a next-character model: sample each next character from its prediction
    (temperature < 1 sharpens, > 1 flattens), feeding back a window of the trained length.

    The randomness comes from a generator seeded with `seed`, never torch's global one.
    """
    ds = trainer.dataset
    if not ds.vocab or not DATASETS[ds.name].next_token:
        raise ValueError(f"'{ds.name}' is not a next-character task; generation needs one.")
    index = {c: i for i, c in enumerate(ds.vocab)}
    unknown = sorted({c for c in prompt if c not in index})
    if unknown:
        raise ValueError(f"The prompt uses characters the model never saw: {''.join(unknown)}")
    window = ds.input_shape[0]
    ids = [index[c] for c in prompt] or [index[" "] if " " in index else 0]
    gen = torch.Generator().manual_seed(seed)
    eye = torch.eye(len(ds.vocab), device=trainer.device)
    with eval_mode(trainer.model):
        for _ in range(max(0, min(int(n_chars), 2_000))):
            x = eye[torch.tensor(ids[-window:], device=trainer.device)][None]   # (1, t, V)
            logits = trainer.model(x)[0, -1] / max(float(temperature), 1e-3)
            probs = logits.softmax(-1).cpu()
            ids.append(int(torch.multinomial(probs, 1, generator=gen)))
    start = len(prompt) if prompt else 1            # only what the model wrote
    return "".join(ds.vocab[i] for i in ids[start:])
