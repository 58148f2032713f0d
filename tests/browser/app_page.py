"""Waiting for a page of the app in headless Chromium (shared by the browser tests)."""

CONNECTED = "[data-testid='stApp'][data-test-connection-state='CONNECTED']"


def wait_for_app(page) -> None:
    """The page's websocket is up: Streamlit can run the script and answer widgets."""
    page.wait_for_selector(CONNECTED, state="attached", timeout=30000)
