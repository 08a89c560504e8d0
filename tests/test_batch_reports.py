"""``batch --reports DIR``: one HTML report per scored row, with the batch's own numbers."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.municipality import find_municipality
from kuntaprofiili.errors import ExitCode
from kuntaprofiili.files.drafts import slug
from kuntaprofiili.files.municipality_file import load_municipalities
from kuntaprofiili.i18n import message

EXAMPLE = Path(__file__).parent.parent / "examples" / "kunnat-2026.csv"


def test_one_report_per_row_with_the_batch_scores(tmp_path: Path) -> None:
    sheet = tmp_path / "kunnat.csv"
    shutil.copy(EXAMPLE, sheet)
    out, folder = tmp_path / "out.csv", tmp_path / "reports"
    result = CliRunner().invoke(
        app, ["batch", str(sheet), "-o", str(out), "--reports", str(folder), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    files = sorted(p.name for p in folder.iterdir())
    assert len(files) == len(rows) == 8
    assert "forssa-2026.html" in files and "maarianhamina-2026.html" in files
    for row in rows:
        place = find_municipality(row["municipality_code"], load_municipalities())
        assert place is not None
        html = (folder / f"{slug(place.name('en'))}-2026.html").read_text(encoding="utf-8")
        assert place.name("en") in html
        for dimension in ("ecological", "social", "economic", "technological"):
            assert f"{float(row[f'{dimension}_score']):.1f}" in html
        assert message(f"type.{row['primary_type']}", "en") in html


def test_existing_report_is_not_overwritten(tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    kept = folder / "forssa-2026.html"
    kept.write_bytes(b"mine")
    result = CliRunner().invoke(
        app, ["batch", str(EXAMPLE), "-o", str(tmp_path / "o.csv"), "--reports", str(folder)]
    )
    assert result.exit_code == ExitCode.ERROR
    assert kept.read_bytes() == b"mine"
    assert sorted(p.name for p in folder.iterdir()) == ["forssa-2026.html"]  # none half-done
