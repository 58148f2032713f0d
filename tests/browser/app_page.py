"""Waiting for a page of the app in headless Chromium (shared by the browser tests)."""

CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


def wait_for_app(page) -> None:
    """The page's websocket is up: Streamlit can run the script and answer widgets."""
    page.wait_for_selector(CONNECTED, state="attached", timeout=30000)


def start_job(scope, button) -> None:
    """Click a background job's button and see the job start: a lab hides the button while
    its job runs or shows its result. A click that lands while the page is still redrawing
    can miss (seen once in CI, never here): the test then clicks again, as a student would,
    and says what `scope` (the panel) showed if that fails too."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import expect

    for attempt in range(2):
        try:
            button.click(timeout=30000)
        except PlaywrightTimeout:
            if attempt and button.count() == 0:      # the first click's run hid it meanwhile
                return
            raise
        try:
            expect(button).to_be_hidden(timeout=30000)
            return
        except AssertionError:
            if attempt:
                raise AssertionError(f"the job's button started nothing in two clicks; the "
                                     f"panel read: {scope.inner_text()[-600:]!r}") from None
