"""A CSV file from a browser upload (or a path, for the CLI), read into a DataFrame safely.

The bytes are untrusted. Before pandas sees them: the size, a NUL byte (a binary file), the
text encoding (UTF-8, else Latin-1 with a note) and the header's column count (so a file with
a million columns is refused before it is parsed). pandas then parses with its C reader, every
cell as text (nothing is evaluated: `=cmd|...` stays a string), and ragged rows, too many rows
or a table with no data rows get a message. Limits come from the caller (engine LIMITS).
"""
from __future__ import annotations

import io
from typing import Mapping

import pandas as pd

from .base import DatasetError


def decode(data: bytes, limits: Mapping[str, tuple]) -> tuple[str, list[str]]:
    """The file's text and notes; DatasetError for empty, oversized or binary files."""
    max_bytes = int(limits["csv_bytes"][1])
    if len(data) > max_bytes:
        raise DatasetError(f"The file is {len(data) / 1e6:.1f} MB; the limit is "
                           f"{max_bytes / 1e6:.0f} MB. Use fewer rows or columns.")
    if not data.strip():
        raise DatasetError("The file is empty. Choose a CSV file with a header row and data.")
    if b"\x00" in data[:65536]:
        raise DatasetError("This looks like a binary file (a spreadsheet, a picture, an "
                           "archive), not CSV text. Save the table as CSV and upload that.")
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError:
        return data.decode("latin-1"), [
            "The file is not UTF-8 text; it was read as Latin-1 (Western European). If "
            "letters look wrong, save the file as UTF-8 CSV."]


def _separator(header: str) -> str:
    """Comma, or semicolon / tab where the header holds more of those (European exports)."""
    return max((",", ";", "\t"), key=header.count)


def read_csv_bytes(data: bytes, limits: Mapping[str, tuple]) -> tuple[pd.DataFrame, list[str]]:
    """The table in `data` (cells as text, blanks as missing) and notes about its reading."""
    text, notes = decode(data, limits)
    header = text.lstrip("\ufeff").split("\n", 1)[0]
    sep = _separator(header)
    max_cols = int(limits["csv_columns"][1])
    if header.count(sep) + 1 > max_cols:
        raise DatasetError(f"The header names {header.count(sep) + 1:,} columns; the limit is "
                           f"{max_cols}. Keep the columns you need and upload again.")
    max_rows = int(limits["csv_rows"][1])
    try:
        df = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, nrows=max_rows + 1,
                         engine="c", on_bad_lines="error", skipinitialspace=True)
    except pd.errors.EmptyDataError:
        raise DatasetError("The file has no header row: it needs column names, then data.")
    except pd.errors.ParserError as exc:
        raise DatasetError(f"Some rows have more cells than the header has columns "
                           f"({_short(exc)}). Check the file's separators and quotes.") from None
    except (ValueError, MemoryError, OverflowError) as exc:
        raise DatasetError(f"The file could not be read as CSV: {_short(exc)}") from None
    if len(df) > max_rows:
        raise DatasetError(f"The table has more than {max_rows:,} rows, the limit here. "
                           "Upload a sample of it.")
    if df.empty:
        raise DatasetError("The file has a header but no data rows.")
    if df.shape[1] < 2:
        raise DatasetError("The table has a single column: it needs a column to predict and "
                           "at least one to predict it from. Is the separator a comma?")
    df.columns = [str(c).strip() or f"column {i + 1}" for i, c in enumerate(df.columns)]
    if len(set(df.columns)) < len(df.columns):
        raise DatasetError("Two columns have the same name; give each a name of its own.")
    return df, notes


def _short(exc: Exception) -> str:
    return " ".join(str(exc).split())[:160]
