"""Weight initialisation from a private generator, so the same seed gives the same weights.

torch's own `reset_parameters` draws from the process-wide RNG, which every session of the
app shares; drawing from a per-trainer `torch.Generator` keeps runs reproducible.
"""
from __future__ import annotations

import math

import torch
from torch import nn


@torch.no_grad()
def init_weights(model: nn.Module, scheme: str, gen: torch.Generator) -> None:
    """'torch': PyTorch's default schemes; 'tfp': TF Playground's U(-0.5, 0.5) weights, 0.1 biases."""
    for module in model.modules():
        if isinstance(module, (nn.Linear, nn.Conv2d)):
            if scheme == "tfp":
                module.weight.uniform_(-0.5, 0.5, generator=gen)
                if module.bias is not None:
                    module.bias.fill_(0.1)
                continue
            # kaiming_uniform(a=√5) as in nn.Linear.reset_parameters: bound = 1/√fan_in
            fan_in = module.weight[0].numel()
            bound = 1 / math.sqrt(fan_in) if fan_in else 0.0
            module.weight.uniform_(-bound, bound, generator=gen)
            if module.bias is not None:
                module.bias.uniform_(-bound, bound, generator=gen)
        elif isinstance(module, (nn.RNN, nn.LSTM, nn.GRU)):
            bound = 1 / math.sqrt(module.hidden_size)
            for p in module.parameters():
                p.uniform_(-bound, bound, generator=gen)
            if isinstance(module, nn.LSTM) and scheme == "torch":
                # forget gates start open (Jozefowicz et al. 2015 use bias 1; 2 keeps
                # sigmoid(2) ≈ 0.88 per step), so the gradient of a 30-step memory does not
                # vanish before training starts (the copy task's long delays)
                h = module.hidden_size
                for name, p in module.named_parameters():
                    if name.startswith("bias_ih"):
                        p[h:2 * h] = 2.0
                    elif name.startswith("bias_hh"):
                        p[h:2 * h] = 0.0
        elif isinstance(module, nn.Embedding):
            module.weight.normal_(0.0, 1.0, generator=gen)      # as nn.Embedding's default
