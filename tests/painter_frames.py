"""The 2D painter's frames as a test reads them: JSON bytes, with the still parts (colour
tables, points, input maps) that the server sends only when the browser lacks them."""
import json


def painter_frame(at, key: str = "pg_painter") -> dict:
    """The painter's latest frame with its still parts: like a remounted painter, ask for them
    again (the server then sends them with the next frame)."""
    if f"{key}__still" in at.session_state:
        del at.session_state[f"{key}__still"]
    at.run()
    frame = json.loads(at.get("bidi_component")[0].proto.bytes)
    return {**frame.pop("still"), **frame}
