"""The HTML report in a real browser: headless Chromium draws it and prints it on A4.

Chromium comes from Debian's package (``apt-get install chromium``; .ci/run installs it).
Without it the tests are skipped with a reason that says so, and fail when
KUNTAPROFIILI_REQUIRE_TOOLS=1 (as in CI): see ``helpers.require_program``. The screenshot
is decoded with the standard library only.
"""

from __future__ import annotations

import re
import struct
import subprocess
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers import require_program
from kuntaprofiili.core.answers import AnswerSet, AnswerValue
from kuntaprofiili.core.assessment import build_assessment
from kuntaprofiili.core.model import Dimension, Questionnaire
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.views.html_report import PeerMedians, render_html

WINDOW = (1200, 1600)
A4_POINTS = (595.28, 841.89)
TIMEOUT = 180


def run_chromium(tmp_path: Path, page: Path, *args: str) -> None:
    command = [
        require_program("chromium", "chromium-browser"),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        *args,
        page.as_uri(),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr[-2000:]


# -- PNG decoding (zlib + the five PNG filters) -------------------------------------------


@dataclass(frozen=True, slots=True)
class Image:
    """8-bit RGB pixels, row by row."""

    width: int
    height: int
    rows: list[bytes]  # width * 3 bytes each

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        r, g, b = self.rows[y][3 * x : 3 * x + 3]
        return r, g, b

    def pixels(self) -> Iterator[tuple[int, int, int]]:
        for y in range(self.height):
            for x in range(self.width):
                yield self.pixel(x, y)


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        yield kind, data[position + 8 : position + 8 + length]
        position += 12 + length


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(kind: int, line: bytearray, previous: bytes, step: int) -> bytearray:
    for i in range(len(line)):
        left = line[i - step] if i >= step else 0
        up = previous[i]
        corner = previous[i - step] if i >= step else 0
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (left + up) // 2) & 0xFF
        elif kind == 4:
            line[i] = (line[i] + _paeth(left, up, corner)) & 0xFF
    return line


def decode_png(data: bytes) -> Image:
    """An 8-bit RGB or RGBA, non-interlaced PNG (what Chromium writes) as RGB rows."""
    chunks = list(_chunks(data))
    header = next(body for kind, body in chunks if kind == b"IHDR")
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    step = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * step
    previous = bytes(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        line = _unfilter(raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, step)
        previous = bytes(line)
        rows.append(
            bytes(line) if step == 3 else bytes(b for i, b in enumerate(line) if i % 4 != 3)
        )
    return Image(width, height, rows)


# -- the report -------------------------------------------------------------------------


@pytest.fixture
def report_html(mini: Questionnaire, mini_answers: dict[str, AnswerValue]) -> str:
    content = load_content()
    answer_set = AnswerSet(
        "mini", "1", mini_answers, municipality="Testilä", timestamp="2025-03-01"
    )
    assessment = build_assessment(mini, answer_set, content)
    peers = PeerMedians(assessment.classification.primary, 5, dict.fromkeys(Dimension, 60.0))
    return render_html(assessment, content, "fi", peers, generated="2025-03-02")


def _screenshot(tmp_path: Path, html: str, name: str) -> Image:
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / f"{name}.png"
    run_chromium(tmp_path, page, f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}")
    return decode_png(shot.read_bytes())


def _is_background(rgb: tuple[int, int, int]) -> bool:
    return min(rgb) >= 245


def _drawn_by(tmp_path: Path, shot: Image, without_html: str) -> list[tuple[int, int]]:
    """The visible pixels of ``shot`` that differ from the page rendered without a part:
    whatever differs is that part."""
    without = _screenshot(tmp_path, without_html, "without")
    return [
        (x, y)
        for y in range(shot.height)
        for x in range(shot.width)
        if shot.pixel(x, y) != without.pixel(x, y) and not _is_background(shot.pixel(x, y))
    ]


def _pdf_of(tmp_path: Path, html: str, name: str) -> tuple[bytes, list[tuple[bytes, bytes]]]:
    """The page printed by chromium, and each of its pages' (width, height) in points."""
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    pdf = tmp_path / f"{name}.pdf"
    run_chromium(tmp_path, page, f"--print-to-pdf={pdf}", "--no-pdf-header-footer")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    boxes = re.findall(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", data)
    assert boxes, "no page size in the PDF"
    return data, boxes


def test_screenshot_is_not_blank_and_shows_the_chart(tmp_path: Path, report_html: str) -> None:
    shot = _screenshot(tmp_path, report_html, "report")
    assert (shot.width, shot.height) == WINDOW
    ink = sum(1 for rgb in shot.pixels() if not _is_background(rgb))
    assert ink > 0.03 * shot.width * shot.height, f"only {ink} non-background pixels: a blank page?"
    # The same page with an empty SVG of the same size in place of the radar: whatever
    # differs is the chart, and it has to be a sizeable, visible drawing.
    blank_chart = re.sub(
        r'(<svg id="radar"[^>]*>).*?</svg>', r"\1</svg>", report_html, count=1, flags=re.DOTALL
    )
    assert blank_chart != report_html
    changed = _drawn_by(tmp_path, shot, blank_chart)
    assert len(changed) > 20_000, f"the radar chart drew only {len(changed)} pixels"
    xs, ys = [x for x, _ in changed], [y for _, y in changed]
    assert max(xs) - min(xs) > 200 and max(ys) - min(ys) > 200  # a chart, not a speck
    colours = {shot.pixel(x, y) for x, y in changed[::7]}
    assert len(colours) > 10  # zones, outlines and labels, not one flat colour


def test_prints_on_a4(tmp_path: Path, report_html: str) -> None:
    data, boxes = _pdf_of(tmp_path, report_html, "report")
    for width, height in boxes:
        assert float(width) == pytest.approx(A4_POINTS[0], abs=2)
        assert float(height) == pytest.approx(A4_POINTS[1], abs=2)
    pages = len(re.findall(rb"/Type\s*/Page(?!s)", data))
    assert pages >= 2  # the methodology appendix starts on a page of its own


# -- the robustness report ----------------------------------------------------------------


@pytest.fixture(scope="module")
def robustness_html() -> str:
    from kuntaprofiili.core.robustness import analyse
    from kuntaprofiili.core.scoring import score_columns
    from kuntaprofiili.files.questionnaire_file import load_questionnaire
    from kuntaprofiili.files.resources import default_questionnaire
    from kuntaprofiili.views.robustness_html import render_robustness_html
    from test_robustness import random_columns

    questionnaire = load_questionnaire(default_questionnaire())
    table = score_columns(questionnaire, random_columns(questionnaire, 40, seed=1))
    result = analyse(questionnaire, table, runs=60, seed=1)
    names = [f"Kunta {k}" for k in range(len(result.rows))]
    return render_robustness_html(result, names, questionnaire, "fi", 1, "2026-01-31")


def test_robustness_page_draws_its_rank_bars(tmp_path: Path, robustness_html: str) -> None:
    shot = _screenshot(tmp_path, robustness_html, "robustness")
    ink = sum(1 for rgb in shot.pixels() if not _is_background(rgb))
    assert ink > 0.03 * shot.width * shot.height, f"only {ink} non-background pixels: a blank page?"
    # The same page with every rank bar emptied: whatever differs is the bars.
    blank = re.sub(
        r'(<svg class="rank-bar"[^>]*>).*?</svg>', r"\1</svg>", robustness_html, flags=re.DOTALL
    )
    assert blank != robustness_html
    changed = _drawn_by(tmp_path, shot, blank)
    assert len(changed) > 5_000, f"the rank bars drew only {len(changed)} pixels"
    xs, ys = [x for x, _ in changed], [y for _, y in changed]
    assert max(xs) - min(xs) > 150 and max(ys) - min(ys) > 300  # many bars, across the scale


def test_robustness_page_prints_on_a4(tmp_path: Path, robustness_html: str) -> None:
    _, boxes = _pdf_of(tmp_path, robustness_html, "robustness")
    assert all(float(w) == pytest.approx(A4_POINTS[0], abs=2) for w, _ in boxes), "not A4"
