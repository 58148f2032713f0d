"""Export and import: what a lab page downloads and opens again, and the CLI's `export`.

- `files`: experiment_json, weights_bytes, metrics_csv, data_npz, script_bundle (the downloads)
- `script`: script_text, a standalone PyTorch script that reproduces the Trainer's curve
- `standalone`: the training loop every script carries (copied into it, word for word)
- `opening`: experiment_from_bytes, read_weights, load_weights (untrusted bytes, bounded)
"""
