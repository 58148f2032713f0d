"""Torch modules for each layer kind, one module per spec layer.

Each block applies its own activation inside `forward`, so a forward hook on a block sees
exactly what the user thinks of as "the layer's output" (the neuron values the playground
draws), and a dense block costs one module call instead of two.
"""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from engine.spec.fields import ACTIVATION_NAMES


def identity(x: Tensor) -> Tensor:
    return x


ACTIVATIONS: dict[str, Callable[[Tensor], Tensor]] = {
    "relu": F.relu,
    "leaky_relu": F.leaky_relu,
    "elu": F.elu,
    "gelu": F.gelu,
    "silu": F.silu,
    "mish": F.mish,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "softplus": F.softplus,
    "sine": torch.sin,
    "linear": identity,
}
assert tuple(ACTIVATIONS) == ACTIVATION_NAMES


class Dense(nn.Linear):
    """Linear layer followed by its activation; works on vectors and per time step."""

    def __init__(self, n_in: int, n_out: int, activation: str) -> None:
        super().__init__(n_in, n_out)
        self.activation_name = activation
        self.act = ACTIVATIONS[activation]

    def forward(self, x: Tensor) -> Tensor:
        return self.act(F.linear(x, self.weight, self.bias))


class Conv(nn.Conv2d):
    """2D convolution followed by its activation."""

    def __init__(self, c_in: int, c_out: int, kernel: int, stride: int, padding: int,
                 activation: str) -> None:
        super().__init__(c_in, c_out, kernel, stride=stride, padding=padding)
        self.activation_name = activation
        self.act = ACTIVATIONS[activation]

    def forward(self, x: Tensor) -> Tensor:
        return self.act(self._conv_forward(x, self.weight, self.bias))


class Activation(nn.Module):
    """A stand-alone activation layer."""

    def __init__(self, activation: str) -> None:
        super().__init__()
        self.activation_name = activation
        self.act = ACTIVATIONS[activation]

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x)


class ResidualDense(nn.Module):
    """act(x + W2·act(W1·x)): a dense block with a skip connection; keeps the width."""

    def __init__(self, width: int, inner: int, activation: str) -> None:
        super().__init__()
        self.activation_name = activation
        self.act = ACTIVATIONS[activation]
        self.fc1 = nn.Linear(width, inner)
        self.fc2 = nn.Linear(inner, width)

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.fc2(self.act(self.fc1(x))))


class ResidualConv(nn.Module):
    """act(x + conv(act(conv(x)))) with 3×3 'same' convolutions; keeps C×H×W."""

    def __init__(self, channels: int, inner: int, activation: str) -> None:
        super().__init__()
        self.activation_name = activation
        self.act = ACTIVATIONS[activation]
        self.conv1 = nn.Conv2d(channels, inner, 3, padding=1)
        self.conv2 = nn.Conv2d(inner, channels, 3, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        return self.act(x + self.conv2(self.act(self.conv1(x))))


class Recurrent(nn.Module):
    """RNN/LSTM/GRU over (batch, T, F) that returns every step's hidden state (batch, T, H)."""

    def __init__(self, kind: str, n_in: int, hidden: int) -> None:
        super().__init__()
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.activation_name = "tanh"
        self.rnn = cls(n_in, hidden, batch_first=True)

    def forward(self, x: Tensor) -> Tensor:
        out, _ = self.rnn(x)
        return out


class SelfAttention(nn.Module):
    """Multi-head self-attention over (batch, T, F), with a residual connection."""

    def __init__(self, dim: int, heads: int) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(dim, heads, batch_first=True)

    def forward(self, x: Tensor) -> Tensor:
        out, _ = self.attn(x, x, x, need_weights=False)
        return x + out


class Dropout(nn.Module):
    """Dropout that draws its masks from a generator the trainer hands it.

    nn.Dropout draws from torch's process-wide RNG, which every session's thread shares, so
    two sessions training at once would change each other's masks (and results).
    """

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.p = rate
        self.generator: torch.Generator | None = None   # set by the Trainer

    def forward(self, x: Tensor) -> Tensor:
        if not self.training or self.p == 0:
            return x
        keep = 1.0 - self.p
        if keep <= 0:
            return x * 0
        mask = torch.empty_like(x).bernoulli_(keep, generator=self.generator)
        return x * mask / keep

    def extra_repr(self) -> str:
        return f"p={self.p}"


class SequenceBatchNorm(nn.BatchNorm1d):
    """Batch norm over the features of a (batch, T, F) sequence."""

    def forward(self, x: Tensor) -> Tensor:
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


class Head(nn.Linear):
    """The output layer: logits per class, or one value (tanh for TF Playground's loss)."""

    def __init__(self, n_in: int, n_out: int, activation: str, reduce: str) -> None:
        super().__init__(n_in, n_out)
        self.activation_name = activation
        self.act = ACTIVATIONS[activation]
        self.reduce = reduce  # "none", "flatten" (images) or "last" (last time step)

    def forward(self, x: Tensor) -> Tensor:
        if self.reduce == "flatten":
            x = x.flatten(1)
        elif self.reduce == "last":
            x = x[:, -1]
        return self.act(F.linear(x, self.weight, self.bias))
