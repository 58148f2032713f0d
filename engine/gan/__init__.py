"""The generative lab's engine: a 2D GAN's spec, losses, trainer and metrics (no streamlit)."""
