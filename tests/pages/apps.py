"""Opening a lab in AppTest with a link's query (shared by the page tests)."""
from streamlit.testing.v1 import AppTest

IMAGE_LAB = "labs/image_lab.py"


def open_2d(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.query_params.update(params)
    return at.run()


def open_images(app_path, **params):
    at = AppTest.from_file(app_path, default_timeout=90)
    at.query_params.update(params)
    at.run()                      # switch after a first run (see test_image_lab.open_lab)
    at.query_params.update(params)
    return at.switch_page(IMAGE_LAB).run()


def address(at) -> dict[str, str]:
    """The page's address as {key: value} (AppTest keeps a value or a list of them)."""
    return {k: v[-1] if isinstance(v, list) else v for k, v in at.query_params.items()}


def play_pair_until(at, prefix: str, reached, seconds: float = 30):
    """Play compare mode (`prefix`: the pair session's, e.g. "pgc") until `reached(pair)` or
    `seconds` pass, one frame per run as the browser asks for them, then Pause."""
    import time

    at.toggle(key=f"{prefix}_play").set_value(True).run()
    deadline = time.time() + seconds
    while not reached(at.session_state[f"{prefix}_trainer"]) and time.time() < deadline:
        time.sleep(0.1)
        at.run()
    at.toggle(key=f"{prefix}_play").set_value(False).run()
    return at.session_state[f"{prefix}_trainer"]
