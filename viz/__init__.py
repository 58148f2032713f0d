"""Drawing: numpy in, image or figure out. No torch, no streamlit; functions return, never show."""
