"""Torch modules for each layer kind, one module per spec layer.

Each block applies its own activation inside `forward`, so a forward hook on a block sees
exactly what the user thinks of as "the layer's output" (the neuron values the playground
draws), and a dense block costs one module call instead of two.
"""
from __future__ import annotations

import math
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
    """RNN/LSTM/GRU over (batch, T, F) that returns every step's hidden state (batch, T, H),
    or (batch, T, 2H) when bidirectional: forward units first, then backward ones."""

    def __init__(self, kind: str, n_in: int, hidden: int, bidirectional: bool = False) -> None:
        super().__init__()
        cls = {"rnn": nn.RNN, "lstm": nn.LSTM, "gru": nn.GRU}[kind]
        self.kind = kind
        self.activation_name = "tanh"
        self.rnn = cls(n_in, hidden, batch_first=True, bidirectional=bidirectional)

    def forward(self, x: Tensor) -> Tensor:
        out, _ = self.rnn(x)
        return out


class Attention(nn.Module):
    """Multi-head scaled dot-product attention, written out so a probe can read its weights."""

    def __init__(self, dim: int, heads: int, causal: bool = False) -> None:
        super().__init__()
        self.dim, self.heads, self.causal = dim, heads, bool(causal)
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)

    def weights(self, x: Tensor) -> tuple[Tensor, Tensor]:
        """(attention weights (B, heads, T, T), values (B, heads, T, dim/heads))."""
        b, t, d = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        scores = q @ k.transpose(-2, -1) / math.sqrt(d // self.heads)   # (B, h, T, T)
        if self.causal:   # a query may not see later keys: their weight becomes exactly 0
            future = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
            scores = scores.masked_fill(future, float("-inf"))
        return scores.softmax(dim=-1), v

    def forward(self, x: Tensor) -> Tensor:
        att, v = self.weights(x)
        return self.proj((att @ v).transpose(1, 2).flatten(2))          # (B, T, d)


class SelfAttention(nn.Module):
    """Multi-head self-attention over (batch, T, F), with a residual connection."""

    def __init__(self, dim: int, heads: int, causal: bool = False) -> None:
        super().__init__()
        self.attn = Attention(dim, heads, causal)

    def forward(self, x: Tensor) -> Tensor:
        return x + self.attn(x)


class TransformerBlock(nn.Module):
    """Pre-norm Transformer block: x + attn(LN(x)), then + MLP(LN(·)) with GELU (GPT-2's)."""

    def __init__(self, dim: int, heads: int, inner: int, causal: bool = False) -> None:
        super().__init__()
        self.activation_name = "gelu"
        self.ln1 = nn.LayerNorm(dim)
        self.attn = Attention(dim, heads, causal)
        self.ln2 = nn.LayerNorm(dim)
        self.fc1 = nn.Linear(dim, inner)
        self.fc2 = nn.Linear(inner, dim)

    def forward(self, x: Tensor) -> Tensor:
        x = x + self.attn(self.ln1(x))
        return x + self.fc2(F.gelu(self.fc1(self.ln2(x))))


class Embedding(nn.Embedding):
    """A learned vector per token; reads the one-hot tokens the datasets give (B, T, V)."""

    def forward(self, x: Tensor) -> Tensor:
        return F.embedding(x.argmax(dim=-1), self.weight)               # (B, T, dim)


class Positional(nn.Module):
    """Adds the fixed sine/cosine position code of "Attention is all you need": no weights,
    and any length works, so a model trained on one length can be tried on another."""

    def forward(self, x: Tensor) -> Tensor:
        t, d = x.shape[-2], x.shape[-1]
        pos = torch.arange(t, device=x.device, dtype=x.dtype)[:, None]
        freq = torch.exp(torch.arange(0, d, 2, device=x.device, dtype=x.dtype)
                         * (-math.log(10000.0) / d))
        code = torch.zeros(t, d, device=x.device, dtype=x.dtype)
        code[:, 0::2] = torch.sin(pos * freq)
        code[:, 1::2] = torch.cos(pos * freq)[:, :d // 2]
        return x + code


class LastStep(nn.Module):
    """(B, T, F) -> (B, F): the last step's features."""

    def forward(self, x: Tensor) -> Tensor:
        return x[:, -1]


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
        self.reduce = reduce  # "none" (vectors, or every step), "flatten" (images), "last" step

    def forward(self, x: Tensor) -> Tensor:
        if self.reduce == "flatten":
            x = x.flatten(1)
        elif self.reduce == "last":
            x = x[:, -1]
        return self.act(F.linear(x, self.weight, self.bias))
