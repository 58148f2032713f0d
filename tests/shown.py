"""What a reader sees of a message: ui.messages escapes outside text with backslashes, which
Markdown removes on display (AppTest hands tests the Markdown source)."""
import re


def shown(markdown: str) -> str:
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "")
