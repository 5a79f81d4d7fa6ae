"""The parts of a batch's report sheets are rendered side by side (JPS_SHEET_PROCESSES, one per
core by default): the same PDFs, byte for byte, as one after another, in the same order."""

import hashlib
import io
import os

import pytest
from pypdf import PdfReader

from benchmarks.bench_jps_sheets import BATCH, items
from jps_reporting.documents import render_report_sheet_parts
from kokumin_nenkin.pdf import pdf_processes


@pytest.fixture
def reproducible(monkeypatch):
    # The embedded font's subset carries a "modified" time (fontTools): fixed here so two
    # renderings can be compared byte for byte (the stored outputs keep their own SHA-256).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1764633600")


def digests(processes: int, n: int = 3, per_part: int = 1) -> list[str]:
    return [
        hashlib.sha256(pdf).hexdigest()
        for pdf in render_report_sheet_parts(
            items(n), batch=BATCH, per_part=per_part, processes=processes
        )
    ]


def test_two_processes_give_the_same_bytes_as_one(reproducible):
    one = digests(1)
    two = digests(2)
    assert len(one) == 3  # one sheet per part
    assert two == one


def test_the_parts_come_back_in_receipt_number_order(reproducible):
    parts = list(render_report_sheet_parts(items(3), batch=BATCH, per_part=1, processes=2))
    numbers = []
    for pdf in parts:
        text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)
        numbers += [i.receipt_number for i in items(3) if i.receipt_number in text]
    assert numbers == sorted(i.receipt_number for i in items(3))


def test_one_process_per_core_unless_the_setting_says_otherwise(settings):
    settings.PDF_PROCESSES = 0
    assert pdf_processes() == (os.cpu_count() or 1)
    settings.PDF_PROCESSES = 3
    assert pdf_processes() == 3
    assert pdf_processes(1) == 1
