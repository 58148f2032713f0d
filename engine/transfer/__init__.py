"""Transfer learning (issue #15): a source conv net trained once on digits 5–9, fine-tuned by
each session on a few digits 0–4 and compared with the same net trained from scratch."""
