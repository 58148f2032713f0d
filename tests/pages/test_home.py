"""AppTest of the entry point: it starts, routes, and shows what a visitor can do."""
from streamlit.testing.v1 import AppTest


def test_app_starts_and_shows_welcome(app_path):
    at = AppTest.from_file(app_path, default_timeout=60).run()
    at.switch_page("labs/home.py").run()
    assert not at.exception
    assert any("NN Playground" in t.value for t in at.title)
    text = " ".join(m.value for m in at.markdown)
    assert "What you can do here" in " ".join(h.value for h in at.subheader)
    assert "Play" in text
