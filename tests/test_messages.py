"""Outside text is never Markdown: links, images and HTML from a link show as literal text.

Streamlit renders every message body as Markdown, so `ui.messages` escapes what it shows; the
rule below keeps every other module from passing anything but its own literal text to a
message element (issue #10, class 3).
"""
import ast
import re
from pathlib import Path

import pytest

from ui.messages import ZERO_WIDTH, literal

ROOT = Path(__file__).resolve().parent.parent
MESSAGE_CALLS = {"error", "warning", "info", "success", "toast", "exception"}
PUNCTUATION = re.compile(r"[!-/:-@\[-`{-~]")
HOSTILE = [
    "[Log in again](https://evil.example/login)",
    "![t](https://evil.example/t.png)",
    "<img src=x onerror=alert(1)> <b>bold</b>",
    "visit https://evil.example or www.evil.example",
    ":red[alarm] :material/home: $x^2$ **bold** `code` # heading",
    "a\\](b) \\[c] back\\slash",
    "mail me: a.b@evil.example, WWW.EVIL.EXAMPLE, ftp://evil.example",
]


def _python_files():
    for folder in ("ui", "labs"):
        yield from (ROOT / folder).rglob("*.py")
    yield ROOT / "app.py"


def _is_own_text(node: ast.AST) -> bool:
    """A literal string, or an f-string whose every part is literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return True
    return isinstance(node, ast.JoinedStr) and all(
        isinstance(v, ast.Constant) for v in node.values)


@pytest.mark.parametrize("path", list(_python_files()), ids=lambda p: p.name)
def test_message_elements_only_ever_get_their_own_literal_text(path):
    if path.name == "messages.py":
        return
    bad = []
    for node in ast.walk(ast.parse(path.read_text())):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in MESSAGE_CALLS and node.args
                and not _is_own_text(node.args[0])):
            bad.append(f"{path.name}:{node.lineno} {ast.unparse(node)[:80]}")
    assert not bad, "use ui.messages.show_error/show_warning/show_info: " + "; ".join(bad)


@pytest.mark.parametrize("text", HOSTILE)
def test_literal_leaves_no_markdown_syntax_unescaped(text):
    escaped, i, shown = literal(text), 0, []
    while i < len(escaped):               # read it as CommonMark reads backslash escapes
        if escaped[i] == "\\":
            assert PUNCTUATION.match(escaped[i + 1])
            shown.append(escaped[i + 1])
            i += 2
        else:
            assert not PUNCTUATION.match(escaped[i]), f"unescaped {escaped[i]!r} in {escaped!r}"
            shown.append(escaped[i])
            i += 1
    seen = "".join(shown)
    assert seen.replace(ZERO_WIDTH, "") == text     # the reader sees exactly the text ...
    assert not re.search(r"://|www\.|@\w", seen, re.IGNORECASE)   # ... and GFM links none of it
