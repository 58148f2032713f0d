"""Snapshot -> Streamlit elements: every lab's views, the inside panel, the timeline."""
