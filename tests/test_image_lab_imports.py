"""The image lab's modules keep DESIGN.md §1's import arrows (checked in fresh interpreters)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FORBIDDEN = {
    "datasets.upload": ("torch", "streamlit", "plotly", "altair"),
    "datasets.subset": ("torch", "streamlit", "plotly", "altair"),
    "viz.images": ("torch", "streamlit"),
    "engine.spec.presets": ("torch", "streamlit", "plotly", "altair"),
    "engine.inspect.images": ("streamlit", "plotly", "altair"),
}


@pytest.mark.parametrize("module", sorted(FORBIDDEN))
def test_import_arrows(module):
    code = (f"import importlib, sys; importlib.import_module({module!r}); "
            "print(' '.join(sorted({m.split('.')[0] for m in sys.modules})))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    leaked = set(out.stdout.split()) & set(FORBIDDEN[module])
    assert not leaked, f"{module} pulls in {leaked}"
