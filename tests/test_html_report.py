"""The HTML report: valid, self-contained, escaped, in three languages, with its appendix."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from markupsafe import escape
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.answers import AnswerSet, AnswerValue
from kuntaprofiili.core.assessment import Assessment, build_assessment
from kuntaprofiili.core.content import Content
from kuntaprofiili.core.model import Dimension, MunicipalityType, Questionnaire
from kuntaprofiili.core.numbers import format_number
from kuntaprofiili.errors import OutputFileError
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.i18n import message
from kuntaprofiili.views.charts import RADAR_CENTRE, RADAR_RADIUS, radar_points
from kuntaprofiili.views.html_report import (
    PeerMedians,
    appendix_context,
    peer_medians,
    render_html,
    write_html_report,
)

FIXTURES = Path(__file__).parent / "fixtures"
MINI = str(FIXTURES / "mini.yaml")
VOID = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)
URL = re.compile(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", re.IGNORECASE)


class HtmlChecker(HTMLParser):
    """Well-formedness for a report: tags closed and nested, ids unique, no URLs."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.problems: list[str] = []
        self.ids: Counter[str] = Counter()
        self.tags: Counter[str] = Counter()
        self.html_lang: str | None = None
        self.charset = False
        self.title = ""

    def _attributes(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        values = dict(attrs)
        if "id" in values:
            self.ids[str(values["id"])] += 1
        if tag == "html":
            self.html_lang = values.get("lang")
        if tag == "meta" and "charset" in values and self.stack[-1:] == ["head"]:
            self.charset = True
        for name, value in attrs:
            if value and URL.search(value):
                self.problems.append(f"<{tag} {name}> refers to {value}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._attributes(tag, attrs)
        if tag not in VOID and "svg" not in self.stack:
            self.problems.append(f"<{tag}/> self-closed outside SVG")

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            self.problems.append(f"</{tag}> closes a void element")
        elif not self.stack or self.stack[-1] != tag:
            self.problems.append(
                f"</{tag}> does not close <{self.stack[-1] if self.stack else '-'}>"
            )
        else:
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack[-1:] == ["title"]:
            self.title += data


def check_html(text: str) -> list[str]:
    """Every problem found; an empty list for a valid self-contained report."""
    checker = HtmlChecker()
    checker.feed(text)
    checker.close()
    problems = list(checker.problems)
    problems += [f"<{tag}> never closed" for tag in checker.stack]
    problems += [f"id {i!r} used {n} times" for i, n in checker.ids.items() if n > 1]
    if not text.startswith("<!DOCTYPE html>"):
        problems.append("no <!DOCTYPE html> first")
    if checker.tags["html"] != 1 or checker.tags["head"] != 1 or checker.tags["body"] != 1:
        problems.append("not exactly one html, head and body")
    if not checker.html_lang:
        problems.append("<html> has no lang")
    if not checker.charset:
        problems.append("<head> has no <meta charset>")
    if not checker.title.strip():
        problems.append("no <title>")
    for resource in ("script", "link", "img", "iframe", "object"):
        if checker.tags[resource]:
            problems.append(f"<{resource}> present: the report must not load anything")
    if URL.search(text) or "url(" in text:
        problems.append("a URL in the document: the report must make no request")
    return problems


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def make_assessment(
    mini: Questionnaire, answers: dict[str, AnswerValue], content: Content, name: str = "Testilä"
) -> Assessment:
    answer_set = AnswerSet(
        "mini", "1", answers, municipality=name, timestamp="2025-03-01T10:00:00+02:00"
    )
    return build_assessment(mini, answer_set, content)


@pytest.fixture
def assessment(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue], content: Content
) -> Assessment:
    return make_assessment(mini, mini_answers, content)


PEERS = PeerMedians(
    MunicipalityType.REGIONAL_TOWN,
    3,
    {
        Dimension.ECOLOGICAL: 60.0,
        Dimension.SOCIAL: 40.0,
        Dimension.ECONOMIC: 50.0,
        Dimension.TECHNOLOGICAL: 80.0,
    },
)


# -- the radar --------------------------------------------------------------------------


def test_radar_points_reach_the_outer_ring_at_100() -> None:
    cx, cy = RADAR_CENTRE
    r = RADAR_RADIUS
    points = radar_points([100.0, 100.0, 50.0, 0.0])
    assert points[0] == pytest.approx((cx, cy - r))  # ecological points up
    assert points[1] == pytest.approx((cx + r, cy))  # social to the right
    assert points[2] == pytest.approx((cx, cy + r / 2))  # economic down, half way
    assert points[3] == pytest.approx((cx, cy))  # 0 is the centre


def test_radar_clamps_and_treats_no_score_as_centre() -> None:
    cx, cy = RADAR_CENTRE
    points = radar_points([None, 150.0, -5.0, 25.0])
    assert points[0] == pytest.approx((cx, cy))  # no score: the centre
    assert points[1] == pytest.approx((cx + RADAR_RADIUS, cy))  # clamped to 100
    assert points[2] == pytest.approx((cx, cy))  # clamped to 0
    x, _ = radar_points([0.0, 0.0, 0.0, 25.0])[3]
    assert x == pytest.approx(cx - RADAR_RADIUS / 4)  # technological to the left


# -- the document -----------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_valid_in_each_language_with_its_own_headings(
    assessment: Assessment, content: Content, lang: str
) -> None:
    html = render_html(assessment, content, lang, PEERS, generated="2025-03-02")
    assert check_html(html) == []
    assert f'<html lang="{lang}">' in html
    for key in (
        "report.scores",
        "html.heading_type",
        "report.measures",
        "whatif.heading",
        "html.heading_appendix",
    ):
        assert f">{message(key, lang)}</h2>" in html
    assert message("report.title", lang, name="Testilä") in html
    primary = message(f"type.{assessment.classification.primary}", lang)
    assert escape(message("programme.heading", lang, type=primary)) in html


def test_script_in_a_name_is_shown_not_run(
    mini: Questionnaire, mini_answers: dict[str, AnswerValue], content: Content
) -> None:
    evil = make_assessment(mini, mini_answers, content, name="<script>alert(1)</script>")
    html = render_html(evil, content, "fi")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert check_html(html) == []


def test_chart_bands_and_coverage(assessment: Assessment, content: Content) -> None:
    html = render_html(assessment, content, "en")
    assert '<svg id="radar"' in html and 'class="radar-municipality"' in html
    assert html.count('class="bar"') == 4
    assert 'class="band band-yellow">yellow</span>' in html  # technological 25.0
    assert "100 %" in html  # coverage
    assert 'class="radar-peers"' not in html


def test_peers_median_is_a_second_outline(assessment: Assessment, content: Content) -> None:
    html = render_html(assessment, content, "en", PEERS)
    assert html.count('class="radar-peers"') == 1
    assert html.count('class="bar-peer"') == 4
    assert "Median of regional town (3 municipalities)" in html


def test_peer_medians_of_the_same_type() -> None:
    rows: list[dict[str, object]] = [
        {"primary_type": "small_municipality", "ecological_score": "40,0", "social_score": 10},
        {"primary_type": "small_municipality", "ecological_score": 60.0, "social_score": ""},
        {"primary_type": "small_municipality", "ecological_score": "80", "social_score": None},
        {"primary_type": "large_city", "ecological_score": 99.0, "social_score": 99.0},
    ]
    medians = peer_medians(rows, MunicipalityType.SMALL_MUNICIPALITY)
    assert medians.count == 3
    assert medians.scores[Dimension.ECOLOGICAL] == pytest.approx(60.0)
    assert medians.scores[Dimension.SOCIAL] == pytest.approx(10.0)
    assert medians.scores[Dimension.ECONOMIC] is None


def test_appendix_lists_bounds_weights_and_sources(
    assessment: Assessment, content: Content, mini: Questionnaire
) -> None:
    html = render_html(assessment, content, "en")
    appendix = html.split('<section id="methodology"', 1)[1]
    for item in mini.scored_items():
        row = appendix.split(f'<tr id="method-{item.id}">', 1)[1].split("</tr>", 1)[0]
        assert f'<td class="num">{item.weight:g}</td>' in row
        ind = item.indicator
        if ind is not None:
            assert ind.lower_bound is not None and ind.optimum is not None  # a scored item
            low, best = format_number(ind.lower_bound, "en"), format_number(ind.optimum, "en")
            assert f"{low} → 0, {best} → 100" in row
            assert ind.source is not None and ind.source.get("en") in row
    assert "under 67 %" in appendix  # the coverage rule
    assert "red under 25, yellow 25–75, green from 75" in appendix


def test_lift_section_names_a_measure(mini: Questionnaire, content: Content) -> None:
    # technological (0 + 50) / 2 = 25 is the weakest; everything else is green
    answers: dict[str, AnswerValue] = {
        **dict.fromkeys(("climate_plan", "welfare_report", "budget_balanced"), "yes"),
        "population": 12000,
        "plan_monitored": "4",
        "co2_per_capita": 7,
        "participation": "many",
        "loan_per_capita": 1000,
        "digital_roadmap": "no",
        "broadband_share": 55,
    }
    html = render_html(make_assessment(mini, answers, content), content, "en")
    section = html.split('<section id="lift">', 1)[1].split("</section>", 1)[0]
    assert "“Digital roadmap?” no →" in section
    assert "Measure: " in section


def test_write_refuses_to_overwrite(
    assessment: Assessment, content: Content, tmp_path: Path
) -> None:
    dest = tmp_path / "r.html"
    write_html_report(assessment, content, "fi", dest)
    assert check_html(dest.read_text(encoding="utf-8")) == []
    with pytest.raises(OutputFileError):
        write_html_report(assessment, content, "fi", dest)
    write_html_report(assessment, content, "sv", dest, force=True)
    assert '<html lang="sv">' in dest.read_text(encoding="utf-8")


# -- the commands ---------------------------------------------------------------------


@pytest.fixture
def answers_file(tmp_path: Path, mini_answers: dict[str, AnswerValue]) -> Path:
    path = tmp_path / "answers.yaml"
    data = {
        "municipality": "Testilä",
        "questionnaire": {"id": "mini", "version": "1"},
        "timestamp": "2025-03-01T10:00:00+02:00",
        "answers": mini_answers,
    }
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_report_command_from_answers(answers_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = CliRunner().invoke(
        app, ["report", str(answers_file), "-q", MINI, "-o", str(out), "--lang", "en"]
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert check_html(html) == []
    assert "Sustainability profile: Testilä" in html
    again = CliRunner().invoke(app, ["report", str(answers_file), "-q", MINI, "-o", str(out)])
    assert again.exit_code == 1
    assert "--force" in again.stderr


@pytest.mark.parametrize("count", [1, 2])
def test_report_command_from_result_json_with_peers(
    answers_file: Path, tmp_path: Path, count: int
) -> None:
    result_json = tmp_path / "result.json"
    made = CliRunner().invoke(
        app, ["assess", "-q", MINI, "--answers", str(answers_file), "--json", str(result_json)]
    )
    assert made.exit_code == 0, made.output
    primary = json.loads(result_json.read_text(encoding="utf-8"))["types"]["primary"]
    peers = tmp_path / "batch.csv"
    peers.write_text(
        "municipality;primary_type;ecological_score;social_score;economic_score;technological_score\n"
        + "".join(f"{name};{primary};50,0;40,0;60,0;70,0\n" for name in ("A", "B")[:count]),
        encoding="utf-8",
    )
    out = tmp_path / "report.html"
    args = [
        "report",
        str(result_json),
        "-q",
        MINI,
        "-o",
        str(out),
        "--peers",
        str(peers),
        "--lang",
        "sv",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert check_html(html) == []
    assert 'class="radar-peers"' in html
    # one peer is not a median: the legend says it is the only one
    assert ("(2 kommuner)" if count == 2 else "Den enda kommunen av typen") in html
    assert "(1 kommuner)" not in html


@pytest.mark.parametrize("nested", [False, True])
def test_peers_from_json(answers_file: Path, tmp_path: Path, nested: bool) -> None:
    def record(primary: str, score: float) -> dict[str, object]:
        if nested:  # assess --json results
            scores = {d.value: {"score": score} for d in Dimension}
            return {"types": {"primary": primary}, "scores": scores}
        return {"primary_type": primary, **{f"{d}_score": score for d in Dimension}}  # batch

    typical = MunicipalityType.REGIONAL_TOWN.value  # the mini answers: 12,000 inhabitants
    records = [record(typical, 40.0), record(typical, 60.0), record("large_city", 99.0)]
    peers = tmp_path / "batch.json"
    peers.write_text(json.dumps(records if nested else {"results": records}), encoding="utf-8")
    out = tmp_path / "report.html"
    args = ["report", str(answers_file), "-q", MINI, "-o", str(out), "--peers", str(peers)]
    result = CliRunner().invoke(app, [*args, "--lang", "en"])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "(2 municipalities)" in html


def test_report_without_output_prints_the_terminal_report(answers_file: Path) -> None:
    result = CliRunner().invoke(app, ["report", str(answers_file), "-q", MINI, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "Sustainability profile: Testilä" in result.stdout
    assert "What would lift the score" in result.stdout


def test_report_rejects_a_file_without_answers(tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.json"
    wrong.write_text('{"rows": []}', encoding="utf-8")
    result = CliRunner().invoke(app, ["report", str(wrong), "-q", MINI, "--lang", "en"])
    assert result.exit_code == 1
    assert "nor a result JSON" in result.stderr


def test_whatif_command(answers_file: Path) -> None:
    result = CliRunner().invoke(app, ["whatif", str(answers_file), "-q", MINI, "--lang", "en"])
    assert result.exit_code == 0, result.output
    assert "What would lift the score" in result.stdout
    assert "The weakest dimension is technological: 25.0 (yellow)" in result.stdout


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_appendix_names_each_statistic_in_the_report_language(lang: str) -> None:
    questionnaire = load_questionnaire(default_questionnaire())
    rows = {
        row["id"]: row
        for table in appendix_context(questionnaire, lang)["tables"]
        for row in table["rows"]
    }
    ind = questionnaire.item("child_poverty_rate").indicator
    assert ind is not None and ind.source and ind.statistic and ind.table
    row = rows["child_poverty_rate"]
    assert row["source"] == ind.source.get(lang)
    assert ind.statistic.get(lang) in row["statistic"] and ind.table.get(lang) in row["statistic"]
    assert (
        message("questionnaire.statistic", lang, statistic="", table="", year=2024).split(":")[0]
        in row["statistic"]
    )
    if lang != "fi":
        assert ind.statistic.get("fi") not in row["statistic"]
