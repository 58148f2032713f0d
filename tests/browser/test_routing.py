"""Every lab path opens its own page in a fresh browser tab, with no "Page not found" dialog.

The app gets a server of its own that no browser has seen yet: the first sessions of a fresh
server are the ones a `pages/` folder beside app.py used to send down Streamlit's legacy
multipage path (PagesManager.uses_pages_directory), which showed the dialog. The first round
opens every path at once, before any session has finished its first run.
"""
import re
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

pytestmark = pytest.mark.browser

ROUNDS = 10                  # each path opens in this many fresh contexts
BATCH = 3                    # tabs open at once (a 2-core box is fastest at about 3)
CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"
PLAYGROUND = ".st-key-pg_play"                    # the 2D page's Play toggle
IMAGE_LAB = "[data-testid='stMain'] :is(h1, h2, h3, h4):has-text('Image lab')"
ABOUT = "[data-testid='stMain'] h1:has-text('NN Playground')"
LESSONS = "[data-testid='stMain'] h1:has-text('Lessons')"
ANY_PAGE = ", ".join((PLAYGROUND, IMAGE_LAB, ABOUT, LESSONS))
# path -> (what the page shows, the path it ends on, a query the page must keep). Each round
# opens every path; odd rounds add the query, so each path opens 5 times bare, 5 with a query.
CASES = {
    "/images": (IMAGE_LAB, "/images", {"ds": "shapes"}),
    "/": (PLAYGROUND, "/", {"ds": "spiral", "net": "dense:4:tanh"}),
    "/about": (ABOUT, "/about", {"tab": "x"}),
    "/lessons": (LESSONS, "/lessons", {"done": "one-neuron"}),
    "/playground": (PLAYGROUND, "/", {"ds": "xor"}),
    "/image_lab": (IMAGE_LAB, "/images", {"ds": "shapes"}),
    "/home": (ABOUT, "/about", {"tab": "x"}),
}


def _open(browser, url):
    context = browser.new_context(viewport={"width": 1000, "height": 700})
    page = context.new_page()
    page.goto(url, wait_until="commit")
    return context, page


def _appeared(page, path, asked, problems) -> bool:
    """Wait for some page's content; True when it is this path's page."""
    try:
        page.wait_for_selector(CONNECTED, state="attached", timeout=30000)
        page.wait_for_selector(ANY_PAGE, timeout=30000)
    except Exception:                                          # noqa: BLE001 (reported below)
        problems.append(f"{asked}: no page appeared (ended on {page.url})")
        return False
    if not page.locator(CASES[path][0]).count():
        problems.append(f"{asked}: opened the wrong page (ended on {page.url})")
        return False
    return True


def _check(page, path, asked, with_query, problems):
    _, end_path, query = CASES[path]
    dialogs = page.locator("[role='dialog']").filter(has_text=re.compile("Page not found"))
    if dialogs.count():
        problems.append(f"{asked}: 'Page not found' dialog")
    url = urlsplit(page.url)
    if url.path != end_path:
        problems.append(f"{asked}: ended on {url.path}, not {end_path}")
    kept = {k: v[-1] for k, v in parse_qs(url.query).items()}
    if with_query and any(kept.get(k) != v for k, v in query.items()):
        problems.append(f"{asked}: lost its query (address {url.path}?{url.query})")


def test_every_path_opens_its_page_without_a_dialog(fresh_server, browser):
    problems: list[str] = []
    for round_ in range(ROUNDS):
        with_query = bool(round_ % 2)
        asked = [path + (f"?{urlencode(CASES[path][2])}" if with_query else "") for path in CASES]
        # A few tabs at a time, each in a fresh context (no cookies, a new session); the
        # first round opens every path at once on a server no browser has opened yet.
        batch = len(CASES) if round_ == 0 else BATCH
        for start in range(0, len(CASES), batch):
            group = [(path, ask, *_open(browser, fresh_server + ask))
                     for path, ask in list(zip(CASES, asked))[start:start + batch]]
            shown = [_appeared(page, path, ask, problems) for path, ask, _, page in group]
            group[-1][3].wait_for_timeout(150)       # a dialog sent with the page has drawn
            for (path, ask, context, page), ok in zip(group, shown):
                if ok:
                    _check(page, path, ask, with_query, problems)
                context.close()
        assert not problems, f"round {round_ + 1}:\n" + "\n".join(problems)
    assert not problems, "\n".join(sorted(set(problems)))
