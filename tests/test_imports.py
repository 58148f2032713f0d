"""The import arrows of DESIGN.md §1, checked in fresh interpreters."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "datasets": ("torch", "streamlit", "plotly", "altair"),
    "viz": ("torch", "streamlit"),
    "engine.snapshot": ("torch", "streamlit", "plotly", "altair"),
    "engine.spec": ("torch", "streamlit", "plotly", "altair"),
    "engine.train": ("streamlit", "plotly", "altair"),
    "engine.inspect.probe": ("streamlit", "plotly", "altair"),
    "engine.cli": ("streamlit", "plotly", "altair"),
    "engine.record.layer_history": ("torch", "streamlit", "plotly", "altair"),
    "engine.inspect.diagnostics": ("torch", "streamlit", "plotly", "altair"),
    "engine.record.timeline": ("streamlit", "plotly", "altair"),
    "engine.record.recorder": ("streamlit", "plotly", "altair"),
    "viz.inside": ("torch", "streamlit"),
}


def loaded_roots(module: str) -> set[str]:
    code = (f"import importlib, sys; importlib.import_module({module!r}); "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_import_arrows(module):
    if not (ROOT / module.replace(".", "/")).exists() and not (
            ROOT / (module.replace(".", "/") + ".py")).exists():
        pytest.skip(f"{module} not written yet")
    leaked = loaded_roots(module) & set(FORBIDDEN[module])
    assert not leaked, f"{module} pulls in {leaked}"


def test_streamlit_only_in_app_pages_ui():
    offenders = [str(p.relative_to(ROOT)) for pkg in ("engine", "viz", "datasets")
                 for p in (ROOT / pkg).rglob("*.py")
                 if "import streamlit" in p.read_text() or "from streamlit" in p.read_text()]
    assert offenders == []
