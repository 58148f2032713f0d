"""Looking inside a model: probes to numpy snapshots (one per lab) and diagnostics."""
