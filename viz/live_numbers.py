"""A live view's numbers (label, value, help) and an optional bar, as one block of HTML.

Why not `st.metric` and `st.progress`: every element a live frame sends costs the browser a
React re-render of the page (measured on the GAN lab: four metrics, a progress bar, two
captions and a container took about 30 ms of Chromium per frame, at five frames a second, on
the same two cores as the training). One `st.html` block is one element, and it needs no
markdown parsing. The help texts become tooltips (`title`). The style sheet (`CSS`) goes
once, with the component that shows the block (ui.views.gan_canvas), not with every frame.
"""
from __future__ import annotations

import math
from html import escape
from typing import Sequence

CSS = """
.nnpg-nums { display: grid; grid-template-columns: 1fr 1fr; gap: 0.4rem 1rem; }
.nnpg-num .lab { font-size: 0.875rem; color: rgba(49, 51, 63, 0.75); cursor: help; }
.nnpg-num .val { font-size: 1.9rem; line-height: 1.25; font-variant-numeric: tabular-nums; }
.nnpg-bar { margin-top: 0.6rem; font-size: 0.875rem; }
.nnpg-bar .track { height: 0.5rem; border-radius: 0.25rem; background: #e6e9ef;
                   margin-top: 0.25rem; overflow: hidden; }
.nnpg-bar .fill { height: 100%; background: #ff4b4b; }
.nnpg-note { font-size: 0.875rem; color: rgba(49, 51, 63, 0.6); }
.nnpg-figs { display: flex; gap: 1rem; align-items: flex-start; }
.nnpg-figs > .nnpg-fig { flex: 1 1 0; min-width: 0; }
.nnpg-figs > .nnpg-fig:first-child { flex-grow: 1.25; }
.nnpg-fig { margin: 0 0 0.75rem 0; }
.nnpg-fig img { display: block; max-width: 100%; image-rendering: pixelated; }
.nnpg-fig figcaption { font-size: 0.8rem; color: rgba(49, 51, 63, 0.6); max-width: 24rem; }
"""


def value_text(value: float | None) -> str:
    """A loss or score with three decimals, or a dash while there is none (NaN, None)."""
    return "–" if value is None or not math.isfinite(value) else f"{value:.3f}"


def numbers_html(items: Sequence[tuple[str, str, str]],
                 bar: tuple[float, str] | None = None) -> str:
    """A two-column grid of (label, value, help), then `bar` = (share 0..1, its text)."""
    cells = "".join(f'<div class="nnpg-num"><div class="lab" title="{escape(tip)}">'
                    f'{escape(label)}</div><div class="val">{escape(value)}</div></div>'
                    for label, value, tip in items)
    html = f'<div class="nnpg-nums">{cells}</div>'
    if bar is not None:
        share, text = bar
        width = min(max(float(share), 0.0), 1.0) * 100 if share == share else 0.0
        html += (f'<div class="nnpg-bar">{escape(text)}<div class="track" role="progressbar" '
                 f'aria-valuenow="{width:.0f}" aria-valuemin="0" aria-valuemax="100">'
                 f'<div class="fill" style="width:{width:.1f}%"></div></div></div>')
    return html
