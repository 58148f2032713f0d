"""Hostile CSV files: each gets a DatasetError with a plain message (or a note), never a crash;
limits come from engine LIMITS."""
import pytest

from datasets import DatasetError
from datasets.csv_table import read_csv_bytes
from engine.spec.limits import LIMITS

GOOD = b"a,b,label\n1,x,yes\n2,y,no\n3,x,yes\n4,y,no\n"


def test_a_good_file_reads_every_cell_as_text():
    df, notes = read_csv_bytes(GOOD, LIMITS)
    assert list(df.columns) == ["a", "b", "label"] and len(df) == 4 and notes == []
    assert df["a"].tolist() == ["1", "2", "3", "4"]


@pytest.mark.parametrize("data, words", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
    (b"PK\x03\x04\x14\x00\x00\x00", "binary"),
    (b"a,b\n1,2\n3,4,5,6\n", "more cells"),
    (("," * 5000 + "\n1\n").encode(), "columns"),
    (b"a,b,c\n", "no data rows"),
    (b"just_one\n1\n2\n", "single column"),
    (b"a,a\n1,2\n", None),         # pandas renames a duplicate: read, not refused
])
def test_hostile_files_get_a_message(data, words):
    if words is None:
        df, _ = read_csv_bytes(data, LIMITS)
        assert len(set(df.columns)) == 2
        return
    with pytest.raises(DatasetError, match=words):
        read_csv_bytes(data, LIMITS)


def test_too_many_rows_and_bytes():
    rows = LIMITS["csv_rows"][1] + 1
    with pytest.raises(DatasetError, match="rows"):
        read_csv_bytes(b"a,b\n" + b"1,2\n" * rows, LIMITS)
    with pytest.raises(DatasetError, match="MB"):
        read_csv_bytes(b"a,b\n" + b"1,2\n" * (LIMITS["csv_bytes"][1] // 4 + 1), LIMITS)


def test_non_utf8_is_read_as_latin1_with_a_note():
    df, notes = read_csv_bytes("ville,y\nBéziers,a\nSète,b\n".encode("latin-1"), LIMITS)
    assert df["ville"].tolist() == ["Béziers", "Sète"] and "Latin-1" in notes[0]


def test_formulas_stay_text_and_semicolons_are_separators():
    df, _ = read_csv_bytes(b"f;y\n=cmd|' /C calc'!A0;a\n=1+1;b\n", LIMITS)
    assert df["f"].tolist() == ["=cmd|' /C calc'!A0", "=1+1"]


def test_all_nan_and_single_class_tables_fail_when_prepared():
    from datasets.table import prepare
    df, _ = read_csv_bytes(b"x,y\n,a\n,b\n,a\n,b\n", LIMITS)
    with pytest.raises(DatasetError, match="No input column"):
        prepare(df, "y", limits=LIMITS)
    df, _ = read_csv_bytes(b"x,y\n1,a\n2,a\n3,a\n4,a\n", LIMITS)
    with pytest.raises(DatasetError, match="single value"):
        prepare(df, "y", limits=LIMITS)
