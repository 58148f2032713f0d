"""PyTorch side of the playground: specs, model building, training and probing.

This file imports nothing, so `engine.snapshot` and `engine.spec` stay importable without torch.
"""
