"""Links far longer than any the app makes (issue #10): the size check, the readable page for
links the HTTP server refuses, and both labs opening their default with one plain note."""
import asyncio

import pytest
from streamlit.testing.v1 import AppTest

from engine.spec import Experiment, ModelSpec, layers_from_text
from engine.spec.fields import MAX_LINK
from engine.spec.presets import preset_experiment
from ui import http_limits, query_limits
from ui.controls.playground import HIDABLE, TFP_DEFAULT
from ui.links import link_size, too_long_note
from tests.shown import shown

JUNK = "<b>*x*</b>" * 1_000          # 10,000 characters that markdown would render


def test_link_size_counts_the_query_string():
    assert link_size({}) == 0
    assert link_size({"ds": ["spiral"], "net": ["dense:4:tanh"]}) == len("ds=spiral&net=dense:4:tanh&")
    assert link_size({"a": ["1", "22"]}) == len("a=1&a=22&")


def test_only_links_over_the_limit_get_a_note():
    assert MAX_LINK == 8_192
    assert too_long_note(0) is None and too_long_note(MAX_LINK) is None
    note = too_long_note(MAX_LINK + 1)
    assert "9 KB long" in note and "default experiment" in note
    assert "1024 KB long" in too_long_note(1024 * 1024)
    # links the app makes are far under the limit: 32 wide conv layers, every control hidden
    stack = layers_from_text(",".join(["conv2d:256:11:4:5:leaky_relu"] * 32))
    query = Experiment(TFP_DEFAULT.data, ModelSpec(stack), TFP_DEFAULT.train).to_query()
    query |= {"hide": ",".join(HIDABLE), "view": "png", "ntr": "9600"}
    assert link_size({k: [v] for k, v in query.items()}) < 3 * 1024


def test_refusal_page_is_plain_html_with_a_way_back():
    page = http_limits.page_html()
    assert "This link is too long to open" in page and 'href="/"' in page
    assert f"{MAX_LINK // 1024} KB" in page
    assert 'href="/nn/"' in http_limits.page_html("/nn/")


def test_install_patches_h11_once():
    from uvicorn.protocols.http.h11_impl import H11Protocol

    assert http_limits.install() and http_limits.install()
    patched = H11Protocol.send_400_response
    assert getattr(patched, http_limits._MARK)
    assert patched.__wrapped__.__module__ == "uvicorn.protocols.http.h11_impl"
    assert not getattr(patched.__wrapped__, http_limits._MARK, False)


class _Transport(asyncio.Transport):
    def __init__(self):
        super().__init__()
        self.out, self.closed, self.eof, self.protocol = b"", False, False, None

    def write(self, data): self.out += data
    def close(self): self.closed = True
    def is_closing(self): return self.closed
    def can_write_eof(self): return True
    def write_eof(self): self.eof = True
    def set_protocol(self, protocol): self.protocol = protocol
    def resume_reading(self): pass
    def get_extra_info(self, name, default=None): return default


@pytest.mark.parametrize("size, status", [(1 << 20, b"431"), (100, b"400")])
def test_h11_answers_a_huge_head_with_the_page_and_other_errors_as_before(size, status):
    """uvicorn's own protocol, fed a request head `size` bytes long (or a malformed one)."""
    from uvicorn.config import Config
    from uvicorn.protocols.http.h11_impl import H11Protocol
    from uvicorn.server import ServerState

    http_limits.install()
    loop = asyncio.new_event_loop()
    try:
        config = Config(app=lambda *a: None, http="h11")
        protocol = H11Protocol(config, ServerState(), {}, _loop=loop)
        transport = _Transport()
        protocol.connection_made(transport)
        head = (b"GET /?ds=" + b"x" * size + b" HTTP/1.1\r\nHost: a\r\n") if size > 1000 \
            else b"NOT HTTP AT ALL\r\n\r\n"
        protocol.data_received(head)
        assert transport.out.startswith(b"HTTP/1.1 " + status)
        if status == b"431":
            assert b"text/html" in transport.out and b"too long to open" in transport.out
            assert transport.eof and not transport.closed      # drains before it closes
            drain = transport.protocol
            drain.data_received(b"x" * 1000)                   # the rest of the URL
            drain.eof_received()
            drain.connection_lost(None)
            assert protocol not in protocol.connections
        else:
            assert transport.out.endswith(b"Invalid HTTP request received.") and transport.closed
    finally:
        loop.close()


def _notes(at):
    return [shown(w.value) for w in at.warning]


def test_playground_ignores_an_oversized_link_and_says_so(app_path):
    at = AppTest.from_file(app_path, default_timeout=60)
    at.query_params.update({"ds": "spiral", "net": "dense:8:tanh", "junk": JUNK})
    at.run()
    assert not at.exception and not at.error
    notes = _notes(at)
    assert len(notes) == 1 and "This link is 10 KB long" in notes[0]
    assert "<b>" not in notes[0] and "*x*" not in notes[0]           # no part of the link
    exp = at.session_state["pg_trainer"].experiment
    assert exp.data == TFP_DEFAULT.data and exp.model == TFP_DEFAULT.model
    assert "junk" not in at.query_params and at.query_params["ds"] in ("circle", ["circle"])


def test_image_lab_ignores_an_oversized_link_and_says_so(app_path):
    at = AppTest.from_file(app_path, default_timeout=60)
    params = {"ds": "shapes", "ntr": "100", "junk": JUNK}
    at.query_params.update(params)
    at.run()                          # as tests/pages/test_image_lab.py opens the lab
    at.query_params.update(params)
    at.switch_page("labs/image_lab.py").run()
    assert not at.exception and not at.error
    notes = _notes(at)
    assert len(notes) == 1 and "This link is 10 KB long" in notes[0]
    exp = at.session_state["il_trainer"].experiment
    assert exp.data.dataset == preset_experiment().data.dataset == "digits"
    assert exp.model == preset_experiment().model


def test_a_query_streamlit_drops_whole_becomes_one_marker_field():
    from streamlit.runtime.state.query_params import sanitize_query_string

    mark = query_limits.marking(sanitize_query_string)
    many = "&".join(f"k{i}=1" for i in range(1500))
    assert mark(many) == f"{query_limits.DROPPED_KEY}=1500"
    assert mark("ds=spiral&lr=0.1") == "ds=spiral&lr=0.1" and mark("") == ""


def test_install_wraps_streamlits_sanitizer_once():
    from streamlit.runtime import app_session

    assert query_limits.install() and query_limits.install()
    wrapped = app_session.sanitize_query_string
    assert query_limits.install() and app_session.sanitize_query_string is wrapped
    assert wrapped("a&" * 1200).startswith(query_limits.DROPPED_KEY)


def test_the_labs_say_a_link_was_dropped_for_its_fields(app_path):
    at = AppTest.from_file(app_path, default_timeout=60)
    at.query_params.update({query_limits.DROPPED_KEY: "1500"})
    at.run()
    assert not at.exception
    notes = _notes(at)
    assert len(notes) == 1 and "has 1,500 fields" in notes[0]
    assert at.session_state["pg_trainer"].experiment.model == TFP_DEFAULT.model
    assert query_limits.DROPPED_KEY not in at.query_params
