"""Shared test fixtures."""
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture
def app_path() -> str:
    """Absolute path of the app entry point, for AppTest.from_file."""
    return APP
