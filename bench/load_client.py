"""One simulated student for bench/load.py: a browser tab reduced to its websocket.

It speaks Streamlit's own protocol with the installed `streamlit.proto` messages, as the
browser's frontend does: the page over HTTP first (so a load balancer's cookies are kept), then
`/_stcore/stream` with those cookies; a BackMsg `rerun_script` (query string, page hash, widget
states) for the first run and for every click; for every `auto_rerun` ForwardMsg a timer that
asks for that fragment's rerun at its interval (the browser's setInterval), dropped when a full
run starts or the server sends `stop_auto_rerun`. What it reads from the ForwardMsgs is what a
student sees: the epoch on the status line, the live painter's frames, errors.
"""
from __future__ import annotations

import asyncio
import re
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookies import SimpleCookie

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

PLAY_KEY = "pg_play"                       # the Play toggle's user key (ui/live.py: lab.key)
PAINTER = "nnpg_live_painter"              # the live frame's component (ui/views/painter.py)
STATUS = re.compile(r"(\*\*Training\*\*|Paused) · \*\*Epoch ([\d,]+)\*\*")   # ui/views/run.py
REPLICA_COOKIE = "nnpg_replica"           # deploy/nginx.conf's sticky-routing cookie
FULL = "server is full"                    # the session cap's page (ui/full_server.py)
SHARING = "Sharing the server with"        # the live view's note under load (ui/live.py)


@dataclass
class Record:
    """What one session saw, with times in seconds of time.monotonic()."""
    name: str
    opened: float = 0.0
    first_frame: float | None = None
    played: float | None = None
    frames: list[float] = field(default_factory=list)
    epochs: list[tuple[float, int, bool]] = field(default_factory=list)   # (t, epoch, training)
    errors: list[str] = field(default_factory=list)
    pause_ms: float | None = None
    pause_stopped: bool | None = None
    replica: str | None = None               # behind nginx: the replica its cookie names
    turned_away: bool = False                # the server was full: its friendly page
    note: str | None = None                  # the last "sharing the server" note shown
    full_runs: int = 0                       # whole-page runs (the first, clicks, st.rerun)
    asked_runs: int = 0                      # ... of which this client asked for (not timers)


class Student:
    """A browser tab reduced to its websocket: Streamlit's BackMsg/ForwardMsg conversation."""

    def __init__(self, name: str, url: str, query: str) -> None:
        self.base, self.query = url.rstrip("/"), query
        self.rec = Record(name)
        self.cookies: dict[str, str] = {}
        self.page_hash = ""
        self.play_id: str | None = None
        self.widgets: dict[str, WidgetState] = {}
        self.timers: dict[str, asyncio.Task] = {}
        self.ws = None
        self.loaded = asyncio.Event()        # a full script run finished
        self.status_seen = asyncio.Event()   # a new status line arrived (epoch, state)
        self.closing = False

    # --- connection ---
    async def open(self) -> None:
        """Load the page as a browser would (nginx sets its routing cookie there), then open
        the stream with those cookies and ask for the first run."""
        self.rec.opened = time.monotonic()
        await asyncio.to_thread(self._get_page)
        ws_url = self.base.replace("http", "ws", 1) + "/_stcore/stream"
        headers = {"Origin": self.base}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.ws = await connect(ws_url, subprotocols=["streamlit"], additional_headers=headers,
                                max_size=None, open_timeout=60, ping_interval=None,
                                user_agent_header="nnpg-load-bench")
        self._keep_cookies(self.ws.response.headers.get_all("Set-Cookie"))
        self.rec.replica = self.cookies.get(REPLICA_COOKIE)
        await self.rerun()

    def _get_page(self) -> None:
        req = urllib.request.Request(f"{self.base}/?{self.query}")
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
            self._keep_cookies(resp.headers.get_all("Set-Cookie") or [])

    def _keep_cookies(self, headers: list[str]) -> None:
        for header in headers:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value

    async def close(self) -> None:
        self.closing = True
        for task in self.timers.values():
            task.cancel()
        if self.ws is not None:
            await self.ws.close()

    # --- what the browser sends ---
    async def rerun(self, fragment_id: str = "") -> None:
        msg = BackMsg()
        state = msg.rerun_script
        state.query_string = self.query
        state.page_script_hash = self.page_hash
        state.widget_states.widgets.extend(self.widgets.values())
        if fragment_id:
            state.fragment_id = fragment_id
            state.is_auto_rerun = True
        else:
            self.rec.asked_runs += 1
        try:
            await self.ws.send(msg.SerializeToString())
        except ConnectionClosed:
            pass                             # the receive loop reports the disconnect

    async def set_play(self, on: bool) -> None:
        """Click the Play toggle: a full rerun carrying its new value."""
        self.widgets[self.play_id] = WidgetState(id=self.play_id, bool_value=on)
        await self.rerun()

    async def _auto_rerun(self, fragment_id: str, interval: float) -> None:
        """The browser's setInterval for a `run_every` fragment."""
        while True:
            await asyncio.sleep(interval)
            await self.rerun(fragment_id)

    # --- what the server sends ---
    async def listen(self) -> None:
        try:
            async for data in self.ws:
                msg = ForwardMsg()
                msg.ParseFromString(data)
                self._handle(msg)
        except ConnectionClosed:
            pass
        except Exception as exc:              # a message this client cannot read: say so
            self.rec.errors.append(f"client: {type(exc).__name__}: {exc}"[:200])
            return
        if not self.closing:
            self.rec.errors.append("disconnected")

    def _handle(self, msg: ForwardMsg) -> None:
        kind = msg.WhichOneof("type")
        if kind == "new_session":
            self.page_hash = msg.new_session.page_script_hash
            if not msg.metadata.run.fragment_ids:      # a full run: the browser drops its
                self.rec.full_runs += 1
                for task in self.timers.values():      # fragment timers; the run re-arms them
                    task.cancel()
                self.timers.clear()
        elif kind == "auto_rerun":
            fid = msg.auto_rerun.fragment_id
            if fid in self.timers:
                self.timers[fid].cancel()
            self.timers[fid] = asyncio.ensure_future(
                self._auto_rerun(fid, msg.auto_rerun.interval))
        elif kind == "stop_auto_rerun":
            for fid in msg.stop_auto_rerun.fragment_ids:
                task = self.timers.pop(fid, None)
                if task:
                    task.cancel()
        elif kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string   # the app rewrites its link
        elif kind == "script_finished":
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.loaded.set()
        elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
            self._element(msg.delta.new_element)
        elif kind == "page_not_found":
            self.rec.errors.append("page not found")

    def _element(self, el) -> None:
        kind, now = el.WhichOneof("type"), time.monotonic()
        if kind == "heading" and FULL in el.heading.body:
            self.rec.turned_away = True
        elif kind == "markdown":
            m = STATUS.search(el.markdown.body)
            if SHARING in el.markdown.body:
                self.rec.note = el.markdown.body.split(":material/groups:")[-1].strip()
            if m:
                self.rec.epochs.append((now, int(m.group(2).replace(",", "")),
                                        m.group(1) != "Paused"))
                self.status_seen.set()
        elif kind == "bidi_component" and PAINTER in el.bidi_component.component_name:
            self.rec.frames.append(now)
            if self.rec.first_frame is None:
                self.rec.first_frame = now
        elif kind == "checkbox" and PLAY_KEY in el.checkbox.id and self.play_id is None:
            self.play_id = el.checkbox.id
        if kind in ("checkbox", "number_input", "slider"):
            self._keep_widget(getattr(el, kind))
        elif kind == "exception":
            self.rec.errors.append(f"exception: {el.exception.type}: {el.exception.message}"[:200])
        elif kind == "alert" and el.alert.format == el.alert.ERROR:
            self.rec.errors.append(f"error shown: {el.alert.body}"[:200])

    def _keep_widget(self, w) -> None:
        """The browser sends every widget's value with every rerun (its own or the one the
        server set); so does this, for the widgets whose wire type is plain: toggles and
        checkboxes, number inputs and numeric sliders. Select boxes, select sliders and
        multiselects (sent as formatted option strings) are left to the server's memory."""
        if w.id in self.widgets and not w.set_value:
            return
        if w.DESCRIPTOR.name == "Slider" and w.type == w.SELECT_SLIDER:
            return
        value = w.value if w.set_value else w.default
        if w.DESCRIPTOR.name == "Checkbox":
            self.widgets[w.id] = WidgetState(id=w.id, bool_value=value)
        elif w.DESCRIPTOR.name == "Slider":
            state = WidgetState(id=w.id)
            state.double_array_value.data.extend(value)
            self.widgets[w.id] = state
        elif w.set_value or w.HasField("default"):
            self.widgets[w.id] = WidgetState(id=w.id, double_value=value)

    # --- a student's visit ---
    async def arrive(self, load_timeout: float) -> None:
        """Open the page, wait for it to load, press Play."""
        try:
            await self.open()
        except (OSError, asyncio.TimeoutError, ConnectionClosed) as exc:
            self.rec.errors.append(f"could not connect: {exc}"[:200])
            return
        asyncio.ensure_future(self.listen())
        try:
            await asyncio.wait_for(self.loaded.wait(), load_timeout)
        except asyncio.TimeoutError:
            self.rec.errors.append(f"page not loaded in {load_timeout:.0f} s")
            return
        if self.play_id is None:
            self.rec.errors.append("turned away: the server is full" if self.rec.turned_away
                                   else "no Play toggle on the page")
            return
        await self.set_play(True)
        self.rec.played = time.monotonic()

    async def pause(self, check_after: float, timeout: float = 30) -> None:
        """Press Pause; time until a status line says Paused; later, check the epoch held."""
        if self.play_id is None or self.ws is None:
            return
        t0 = time.monotonic()
        await self.set_play(False)
        paused = await self._status_since(t0, timeout, paused=True)
        if paused is None:
            self.rec.errors.append(f"Pause not shown in {timeout:.0f} s")
            return
        self.rec.pause_ms = (paused[0] - t0) * 1000
        await asyncio.sleep(check_after)
        t1 = time.monotonic()
        await self.rerun()                    # as any click would: a full rerun, still paused
        later = await self._status_since(t1, timeout)
        if later is None:
            self.rec.errors.append("no status line after Pause")
            return
        self.rec.pause_stopped = later[1] == paused[1]

    async def _status_since(self, t0: float, timeout: float, paused: bool = False):
        """The first status line (time, epoch, training) shown after `t0` (a paused one if
        `paused`), or None after `timeout` seconds."""
        deadline = t0 + timeout
        while True:
            shown = [e for e in self.rec.epochs if e[0] > t0 and not (paused and e[2])]
            if shown:
                return shown[0]
            self.status_seen.clear()
            try:
                await asyncio.wait_for(self.status_seen.wait(), deadline - time.monotonic())
            except asyncio.TimeoutError:
                return None
