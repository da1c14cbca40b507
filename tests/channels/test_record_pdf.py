"""The record's PDF, made in the page: a well-formed file (every cross-reference points at its
object), the record's words on it, long records over several pages, and characters outside the
PDF font's encoding printed as "?" rather than breaking it."""

from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

HARNESS = Path(__file__).with_name("record_pdf_harness.js")


def pdf(reference: str, text: str) -> bytes:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    done = subprocess.run(
        [node, str(HARNESS)], input=json.dumps({"reference": reference, "text": text}),
        capture_output=True, text=True, timeout=60, check=True,
    )
    return base64.b64decode(done.stdout)


def well_formed(data: bytes) -> int:
    """Checks the header, the cross-reference table and the trailer; returns the page count."""
    assert data.startswith(b"%PDF-1.4\n") and data.rstrip().endswith(b"%%EOF")
    start = int(re.search(rb"startxref\n(\d+)\n%%EOF", data).group(1))
    assert data[start:].startswith(b"xref\n0 ")
    count = int(re.match(rb"xref\n0 (\d+)\n", data[start:]).group(1))
    entries = re.findall(rb"(\d{10}) 00000 n \n", data[start:])
    assert len(entries) == count - 1
    for number, offset in enumerate(entries, 1):
        assert data[int(offset):].startswith(f"{number} 0 obj\n".encode()), f"object {number} is misplaced"
    for stream in re.finditer(rb"<< /Length (\d+) >>\nstream\n", data):
        end = stream.end() + int(stream.group(1))
        assert data[end:end + 10] == b"\nendstream", "a stream's length is wrong"
    return int(re.search(rb"/Type /Pages /Kids \[[^\]]*\] /Count (\d+)", data).group(1))


def test_the_record_becomes_a_well_formed_pdf_with_its_words():
    text = (
        "Consultation record TA-HKXJ-JBRJ\nPractitioner: Sam Patel (Class teacher)\n"
        "Why: \u201cSuch children\u201d \u2013 a (quoted) line \\ ok"
    )
    data = pdf("TA-HKXJ-JBRJ", text)
    assert well_formed(data) == 1
    assert b"(Consultation record TA-HKXJ-JBRJ) Tj" in data
    assert b"(Practitioner: Sam Patel \\(Class teacher\\)) Tj" in data, "parentheses escaped"
    assert b"\x93Such children\x94 \x96 a \\(quoted\\) line \\\\ ok" in data, "curly quotes and dash in WinAnsi"
    assert b"/Title (Consultation record TA-HKXJ-JBRJ)" in data


def test_a_long_record_runs_over_pages_and_no_line_runs_off_one():
    text = "\n".join(f"line {n}: " + "word " * 40 for n in range(80)) + "\nhttps://example.org/" + "x" * 300
    data = pdf("TA-HKXJ-JBRJ", text)
    assert well_formed(data) > 2
    lines = re.findall(rb"\(((?:[^()\\]|\\.)*)\) Tj", data)
    assert max(len(line) for line in lines) <= 100


def test_characters_outside_the_font_print_as_a_question_mark():
    data = pdf("TA-HKXJ-JBRJ", "Arabic \u0645\u0631\u062d\u0628\u0627 and an emoji \U0001F600 and \u00a3 kept")
    well_formed(data)
    assert b"(Arabic ????? and an emoji ?? and \xa3 kept) Tj" in data
