"""Every bound an experiment must respect, in one table.

A hosted demo takes experiments from URLs, so nothing here may be left open-ended: a link must
not be able to ask for a billion parameters. The bounds are far above TensorFlow Playground's
6 layers × 8 neurons, but small enough for a 2-core server shared by a class.
"""
from __future__ import annotations

from types import MappingProxyType

# name -> (lowest, highest) allowed value, inclusive.
LIMITS = MappingProxyType({
    # data
    "n_samples": (10, 70_000),
    "noise": (0.0, 0.8),          # TFP's noise/100; its URL accepts up to 0.8
    "train_ratio": (0.1, 0.9),
    "seed": (0, 2**31 - 1),
    "n_classes": (2, 5),
    "seq_len": (0, 64),           # sequence length; 0 = the dataset's own default
    "delay": (0, 100),            # blank steps of the copy task (total length 2·len + delay)
    "horizon": (1, 20),           # values a forecast predicts
    "drawn_points": (4, 200),     # the "draw" set: points a student's drawing (and link) holds
    # the data lab's tables (an upload, the synthetic loan table)
    "csv_bytes": (0, 5_000_000),  # an uploaded CSV file's size
    "csv_rows": (4, 20_000),      # data rows
    "csv_columns": (2, 200),      # columns, target included (before one-hot encoding)
    "categories": (2, 50),        # different values a text column may have to be one-hot encoded
    "table_inputs": (1, 500),     # input columns after one-hot encoding (the network's input)
    "minority_share": (0.02, 0.5),  # loan table: group B's share of the rows
    "label_bias": (0.0, 1.0),     # loan table: share of group B's approvals recorded as denied
    # model
    "layers": (0, 32),            # number of layers in the stack
    "units": (1, 1024),           # dense width, recurrent hidden size, residual inner width
    "channels": (1, 256),         # conv output channels
    "kernel": (1, 11),            # conv kernel and pooling window
    "stride": (1, 4),
    "padding": (0, 5),
    "rate": (0.0, 0.95),          # dropout probability
    "heads": (1, 16),             # attention heads
    "bidirectional": (0, 1),      # recurrent layers: 1 = also read the sequence backwards
    "causal": (0, 1),             # attention: 1 = a step sees only itself and the past
    "params": (0, 2_000_000),     # total trainable parameters, head included
    # what one step really costs (engine.model.cost): a 2-core box runs a 1-billion
    # multiply-add batch (forward, backward ≈ 2× more) in ~0.1–0.2 s on one thread, so Pause
    # stays prompt; 256 MB of activations per session lets a class share a few GB.
    "step_macs": (0, 1_000_000_000),   # multiply-adds of one training batch's forward pass
    "step_memory": (0, 256),           # MB of activations: a training batch or the largest probe
    # a small batch does not make a heavy network cheap: the 256-example probe and each epoch's
    # scoring still push hundreds of examples through it between two frames
    "example_macs": (0, 8_000_000),    # multiply-adds of one example's forward pass
    # training
    "lr": (1e-6, 10.0),
    "momentum": (0.0, 0.999),
    "batch_size": (1, 1024),
    "l1": (0.0, 10.0),
    "l2": (0.0, 10.0),
    "epochs": (0, 1_000_000),     # 0 = no limit
    "patience": (0, 100_000),     # early stop after this many epochs without progress; 0 = off
    "step_size": (1, 100_000),    # epochs between halvings of the step schedule
    # data augmentation (image sets; engine/train/augment.py)
    "aug_shift": (0.0, 0.25),     # largest shift, a share of the image's side
    "aug_rotate": (0.0, 45.0),    # largest rotation, degrees either way
    "aug_scale": (0.0, 0.3),      # largest zoom in or out, a share of the size
    "aug_flip": (0, 1),           # 1 = mirror half the images left to right
    "aug_noise": (0.0, 0.5),      # standard deviation of the pixel noise
    "aug_cutout": (0.0, 0.5),     # side of the blanked square, a share of the image's side
})
