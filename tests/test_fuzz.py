"""Fuzzing the readers and importers (hypothesis): whatever the bytes, the result is data or one InputError —
never another exception, never a hang."""

from __future__ import annotations

import io
import random
import tempfile
import time
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import SAMPLE_CSV, SAMPLE_XLSX
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import ReportData, import_report, load, validate
from generator.exceptions import InputError
from generator.format import schema
from generator.format.cells import parse_date, parse_figure
from generator.format.schema import Kind

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
GOOD_XLSX = SAMPLE_XLSX.read_bytes()
GOOD_CSV = SAMPLE_CSV.read_bytes()


@contextmanager
def file_with(content: bytes, name: str) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        yield path


def data_or_refusal(read: Callable[[Path], ReportData], content: bytes, name: str) -> None:
    """`read` gives data (which validate() then checks) or one InputError of one line, within seconds."""
    start = time.monotonic()
    with file_with(content, name) as path:
        try:
            data = read(path)
        except InputError as err:
            assert str(err) and "\n" not in str(err)
        else:
            validate(data).to_dict()
    assert time.monotonic() - start < 10


def read_or_refuse(content: bytes, name: str) -> None:
    data_or_refusal(load, content, name)


@FUZZ
@given(st.binary(max_size=4096))
def test_any_bytes_as_a_csv(content):
    read_or_refuse(content, "x.csv")


@FUZZ
@given(st.lists(st.tuples(st.sampled_from([*schema.all_keys(), "", "key", "x.y"]), st.text(max_size=40)), max_size=30))
def test_any_keys_and_values_in_a_csv(rows):
    lines = ["key,value"] + [f'{key},"{value.replace(chr(34), chr(34) * 2)}"' for key, value in rows]
    read_or_refuse("\n".join(lines).encode("utf-8"), "x.csv")


@FUZZ
@given(st.binary(max_size=2048))
def test_any_bytes_as_a_workbook(content):
    read_or_refuse(content, "x.xlsx")


def _mutated(seed: int, part_only: bool) -> bytes:
    """The sample workbook with a few bytes changed: in its zip as stored, or inside one inflated part."""
    rng = random.Random(seed)
    if not part_only:
        data = bytearray(GOOD_XLSX)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(GOOD_XLSX)) as source, zipfile.ZipFile(out, "w") as target:
        victim = rng.choice(source.namelist())
        for info in source.infolist():
            content = bytearray(source.read(info))
            if info.filename == victim and content:
                for _ in range(rng.randint(1, 6)):
                    content[rng.randrange(len(content))] = rng.choice(b'<>"/=&\x00 9ax')
            target.writestr(info, bytes(content))
    return out.getvalue()


@FUZZ
@given(st.integers(0, 2**32), st.booleans())
def test_a_workbook_with_damaged_bytes(seed, part_only):
    read_or_refuse(_mutated(seed, part_only), "x.xlsx")


@FUZZ
@given(st.integers(0, 2**32))
def test_a_csv_with_damaged_bytes(seed):
    rng = random.Random(seed)
    data = bytearray(GOOD_CSV)
    for _ in range(rng.randint(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    read_or_refuse(bytes(data), "x.csv")


def import_or_refuse(content: bytes, name: str) -> None:
    data_or_refusal(lambda path: import_report(path).to_data(), content, name)


SEED_TEXT = (Path(__file__).parent / "fixtures" / "mengzhou-2023-pasted.txt").read_text(encoding="utf-8")
PIECES = st.sampled_from(
    SEED_TEXT.splitlines()
    + [
        "<p>",
        "</p>",
        "<table>",
        "<tr>",
        "<td>",
        "</td>",
        "</table>",
        "<div>",
        "<br>",
        "{{",
        "{%",
        "\t",
        "一、",
        "（七）总计",
    ]
)


@FUZZ
@given(st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=80))
def test_any_text_as_a_pasted_report(parts):
    import_or_refuse("\n".join(parts).encode("utf-8"), "x.txt")


@FUZZ
@given(st.lists(st.one_of(PIECES, st.text(max_size=30)), max_size=80))
def test_any_markup_as_a_web_page(parts):
    import_or_refuse("".join(parts).encode("utf-8"), "x.html")


@FUZZ
@given(st.binary(max_size=2048))
def test_any_bytes_as_a_word_report(content):
    import_or_refuse(content, "x.docx")


@FUZZ
@given(st.one_of(st.text(max_size=30), st.floats(allow_nan=True), st.integers(), st.none(), st.booleans()))
def test_any_cell_value_is_a_figure_or_a_problem(value):
    for kind in Kind:
        parsed = parse_figure(value, kind)
        assert (parsed.value is None) != (parsed.problem == "")
        if parsed.value is not None:
            assert parsed.value.is_finite() if hasattr(parsed.value, "is_finite") else True
    parse_date(value)
