"""Issue 10 end to end: the programme in the reports, JSON with provenance and
triggers, a plausible what-if within a council term, and Åland."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.model import MunicipalityType
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.i18n import LANGS, message

ROOT = Path(__file__).parent.parent
CASES = Path(__file__).parent / "fixtures" / "cases"
FORSSA = ROOT / "examples" / "forssa-2026.yaml"
runner = CliRunner()
Q = load_questionnaire(default_questionnaire())
CONTENT = load_content()


def _run(*args: str) -> str:
    result = runner.invoke(app, list(args), env={"COLUMNS": "80", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_numeric_indicator_states_a_term_change_with_a_rationale() -> None:
    for item in Q.scored_items():
        if item.numeric:
            ind = item.indicator
            assert ind is not None and ind.term_change is not None, item.id
            assert ind.term_change_rationale is not None, item.id
            assert ind.lower_bound is not None and ind.optimum is not None
            assert ind.term_change < abs(ind.optimum - ind.lower_bound), item.id


@pytest.mark.parametrize("lang", LANGS)
def test_terminal_report_shows_challenges_and_opportunities_of_each_type(lang: str) -> None:
    out = _run("report", str(CASES / "raasepori.yaml"), "--lang", lang)
    for t in (MunicipalityType.REGIONAL_TOWN, MunicipalityType.SWEDISH_BILINGUAL):
        tc = CONTENT.type_content(t)
        flat = " ".join(out.split())
        assert message("programme.heading", lang, type=message(f"type.{t}", lang)) in flat
        assert " ".join(tc.challenges[0].get(lang).split()) in flat
        assert " ".join(tc.opportunities[0].get(lang).split()) in flat
    assert all(len(line) <= 80 for line in out.splitlines())


def test_full_shows_every_line_and_compact_says_how_many_more() -> None:
    compact = " ".join(_run("report", str(CASES / "hyrynsalmi.yaml"), "--lang", "en").split())
    full = " ".join(
        _run("report", str(CASES / "hyrynsalmi.yaml"), "--lang", "en", "--full").split()
    )
    tc = CONTENT.type_content(MunicipalityType.SMALL_MUNICIPALITY)
    last = " ".join(tc.challenges[-1].get("en").split())
    assert last not in compact and "--full" in compact
    assert last in full


def test_html_report_has_everything(tmp_path: Path) -> None:
    out = tmp_path / "r.html"
    _run("report", str(CASES / "raasepori.yaml"), "-o", str(out), "--lang", "fi")
    html = out.read_text(encoding="utf-8")
    for t in (MunicipalityType.REGIONAL_TOWN, MunicipalityType.SWEDISH_BILINGUAL):
        tc = CONTENT.type_content(t)
        for text in (*tc.challenges, *tc.opportunities, *tc.municipal_measures, *tc.state_measures):
            assert text.get("fi").replace("'", "&#39;").replace('"', "&#34;") in html
    assert "Lähde:" in html


def test_assess_json_carries_provenance_triggers_items_and_plan(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    _run("assess", "--answers", str(CASES / "hyrynsalmi.yaml"), "--json", str(out), "--lang", "en")
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["measures"]
    for m in data["measures"]:
        assert m["source"]["kind"] in ("programme", "practice") and m["source"]["text"]
        assert m["triggered_by"]
        for item in m["triggered_by"]:
            assert data["items"][item]["score"] is None or data["items"][item]["score"] < 75
    assert data["items"]["digital_roadmap"] == {"answer": "no", "score": 0.0}
    assert data["whatif"]["outcome"] in ("lifted", "out_of_reach")
    assert data["whatif"]["changes"]


def test_batch_json_carries_provenance_and_triggers(tmp_path: Path) -> None:
    sheet = tmp_path / "in.csv"
    import yaml

    answers = yaml.safe_load((CASES / "hyrynsalmi.yaml").read_text(encoding="utf-8"))["answers"]
    keys = list(answers)
    sheet.write_text(
        "municipality,"
        + ",".join(keys)
        + "\nHyrynsalmi,"
        + ",".join(str(answers[k]) for k in keys)
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    result = runner.invoke(app, ["batch", str(sheet), "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text(encoding="utf-8"))["results"][0]
    assert record["measures"]
    for m in record["measures"]:
        assert m["source"]["kind"] in ("programme", "practice") and m["triggered_by"]


def test_readme_example_whatif_gives_a_plan(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    out = _run("whatif", str(FORSSA), "--lang", "en", "--json", str(plan))
    data = json.loads(plan.read_text(encoding="utf-8"))
    assert data["changes"], out
    assert data["outcome"] == "lifted" or data["second_term"]
    assert "Measure:" in out
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    shown = "\n".join(line.rstrip() for line in out.strip("\n").splitlines())
    assert shown in readme  # the README shows this very output, whole


def test_whatif_stays_within_a_council_term() -> None:
    """Espoo's loan stock of 12 345 €/resident cannot fall to a few thousand in one term."""
    from kuntaprofiili.cli.report import load_questionnaire as load
    from kuntaprofiili.cli.report import read_input, rebuild
    from kuntaprofiili.core.whatif import lift_of

    for case in sorted(CASES.glob("*.yaml")) + [FORSSA]:
        result = rebuild(read_input(case, load(None)), CONTENT)
        lift = lift_of(result, CONTENT)
        for change in lift.changes:
            item = Q.item(change.item_id)
            assert change.item_id in change.measure.items[:2]
            if item.numeric and change.before is not None:
                assert item.indicator is not None and item.indicator.term_change is not None
                moved = abs(float(change.after) - float(change.before))
                assert moved <= item.indicator.term_change + 1e-9, (case.name, change)


def test_aland_report_says_why_and_names_its_framework() -> None:
    out = " ".join(_run("report", str(CASES / "jomala.yaml"), "--lang", "sv").split())
    assert "kommunallagen för Åland" in out and "Ålands landskapsregering" in out
    for m in CONTENT.measures:
        if m.mainland_only and m.suits((MunicipalityType.SWEDISH_BILINGUAL,)):
            assert " ".join(m.title.get("sv").split()) in out  # named as left out
    assert "ÅHS" in out  # the welfare report question's note
