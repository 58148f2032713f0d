"""What a run keeps of its past: per-layer history and rewind checkpoints (trainer events)."""
