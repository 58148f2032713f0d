"""A readable page, instead of a bare HTTP error, for a link too long for the server to take.

Why a patch: Streamlit serves the app with uvicorn's h11 protocol (httptools is not
installed), and h11 refuses a request whose head it has not finished reading once more than
16 KB of it are buffered (`h11_max_incomplete_event_size`). uvicorn then answers with a bare
`400 Invalid HTTP request received.` in plain text and closes the connection at once; while
the browser is still sending a long URL that close resets the connection, so the browser shows
its own "This page isn't working" screen. uvicorn's Config has the setting, but Streamlit
builds that Config itself and exposes neither it nor a hook to change the answer, so
`install()` wraps `H11Protocol.send_400_response`: for that one refusal (h11's "head too
large", status hint 431) it sends a short HTML page with a link back to the app, then reads
and discards what the browser still sends before closing, so the page arrives. Every other
400 is uvicorn's own.

When the refusal happens depends on how the request arrives: h11 checks the size only while
the head is incomplete, so a head read in one piece (up to the 256 KB asyncio reads at once,
as a local browser's often is) is accepted, and over a real network, where it arrives in
pieces, about 16 KB is the limit. What gets through is answered by the page itself
(`ui.links`: above `MAX_LINK` characters the lab opens its default and says why).

Limits: only uvicorn's h11 protocol is covered (the httptools one, if ever installed, keeps
uvicorn's answer). The patch is installed when app.py first runs, that is when the first
browser session of a server opens; a refused request before that gets uvicorn's bare 400.
Streamlit runs no project code at server start (config.toml cannot), so it cannot come sooner.
"""
from __future__ import annotations

import asyncio
import functools
import sys
import threading

from engine.spec.fields import MAX_LINK

STATUS = 431                          # h11's own hint: Request Header Fields Too Large
DRAIN_BYTES = 4 * 1024 * 1024         # Chromium sends URLs of at most 2 MB
DRAIN_SECONDS = 10.0
_MARK = "_nn_playground_link_page"    # set on the wrapper: the patch is in place
_LOCK = threading.Lock()


def page_html(base_path: str = "") -> str:
    """The page a browser shows for a refused link; its link opens the app's root."""
    root = "/" + base_path.strip("/") + "/" if base_path.strip("/") else "/"
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Link too long - NN Playground</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40em; margin: 3em auto;
             padding: 0 1em; line-height: 1.5">
<h1>This link is too long to open</h1>
<p>NN Playground opens links of up to {MAX_LINK // 1024} KB, and this one is far longer. Links
made by NN Playground are under 4 KB, so this one was probably damaged.</p>
<p><a href="{root}">Open the playground</a></p>
</body></html>
"""


class _Drain(asyncio.Protocol):
    """Reads and discards what the browser still sends after the page, then closes.

    Closing a socket with unread input resets the connection, and a reset can destroy the
    response before the browser reads it. The browser closes its side once it has read the
    page (the response says `connection: close`); this closes on that, or after
    DRAIN_BYTES or DRAIN_SECONDS. The wrapped protocol still hears `connection_lost`, so
    uvicorn forgets the connection as usual.
    """

    def __init__(self, inner: asyncio.Protocol, transport: asyncio.Transport,
                 loop: asyncio.AbstractEventLoop) -> None:
        self.inner, self.transport, self.left = inner, transport, DRAIN_BYTES
        self.timer = loop.call_later(DRAIN_SECONDS, transport.close)

    def data_received(self, data: bytes) -> None:
        self.left -= len(data)
        if self.left <= 0:
            self.transport.close()

    def eof_received(self) -> bool:
        return False                  # asyncio closes the transport

    def connection_lost(self, exc: Exception | None) -> None:
        self.timer.cancel()
        self.inner.connection_lost(exc)


def _send_page(protocol) -> None:
    """Send the page on an h11 connection whose request head was too large, then drain."""
    import h11
    from streamlit import config

    body = page_html(config.get_option("server.baseUrlPath") or "").encode()
    headers = [(b"content-type", b"text/html; charset=utf-8"),
               (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), (b"connection", b"close")]
    transport = protocol.transport
    for event in (h11.Response(status_code=STATUS, headers=headers,
                               reason=b"Request Header Fields Too Large"),
                  h11.Data(data=body), h11.EndOfMessage()):
        transport.write(protocol.conn.send(event))
    transport.set_protocol(_Drain(protocol, transport, protocol.loop))
    transport.resume_reading()        # no-op unless uvicorn's flow control paused it
    if transport.can_write_eof():
        transport.write_eof()         # after the buffered page is written


def _head_too_large() -> bool:
    """Whether the 400 being sent is h11's "head too large": uvicorn calls send_400_response
    from its `except h11.RemoteProtocolError` block, so that error is the one being handled."""
    import h11

    exc = sys.exc_info()[1]
    return isinstance(exc, h11.RemoteProtocolError) and exc.error_status_hint == STATUS


def install() -> bool:
    """Make uvicorn's h11 protocol answer too-long requests with `page_html` (idempotent,
    thread-safe). False when uvicorn's h11 protocol is not there to patch."""
    try:
        from uvicorn.protocols.http.h11_impl import H11Protocol
    except ImportError:
        return False
    with _LOCK:
        original = H11Protocol.send_400_response
        if getattr(original, _MARK, False):
            return True

        @functools.wraps(original)
        def send_400_response(self, msg: str) -> None:
            if _head_too_large():
                _send_page(self)
            else:
                original(self, msg)

        setattr(send_400_response, _MARK, True)
        H11Protocol.send_400_response = send_400_response
    return True
