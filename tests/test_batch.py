"""Batch: one engine with assess, every bad cell reported, outputs that Excel opens safely."""

from __future__ import annotations

import hashlib
import json
import random
import shutil
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.core.advice import suggest_measures
from kuntaprofiili.core.answers import AnswerValue, coerce_answer
from kuntaprofiili.core.classify import classify
from kuntaprofiili.core.model import Item, Questionnaire
from kuntaprofiili.core.municipality import find_municipality
from kuntaprofiili.core.profile import profile_from_answers
from kuntaprofiili.core.scoring import band_of, row_scores, score
from kuntaprofiili.errors import AnswerError, ExitCode
from kuntaprofiili.files.content_file import load_content
from kuntaprofiili.files.municipality_file import load_municipalities
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.sheets.context import BatchContext, BatchOutcome
from kuntaprofiili.sheets.places import find_place, place_index
from kuntaprofiili.sheets.read import Sheet, cell_text, detect_encoding, detect_separator
from kuntaprofiili.sheets.results import bands, peer_ranks
from kuntaprofiili.sheets.run import score_sheet

FIXTURES = Path(__file__).parent / "fixtures"
MINI = FIXTURES / "mini.yaml"
PLACES = load_municipalities()
runner = CliRunner()


def make_sheet(header: Sequence[str], rows: Sequence[Sequence[str]]) -> Sheet:
    """A sheet as tabular.read_sheet gives it: text cells, positional columns."""
    frame = pd.DataFrame([list(r) for r in rows], columns=range(len(header)), dtype=str)
    return Sheet(tuple(header), frame, "<test>")


def expected_row(items: Sequence[Item], cells: Sequence[str]) -> dict[str, AnswerValue] | None:
    """What assess --answers would read from the row; None if a cell is invalid."""
    answers: dict[str, AnswerValue] = {}
    for item, cell in zip(items, cells, strict=True):
        if not cell.strip():
            continue  # an empty cell is an answer not given
        try:
            answers[item.id] = coerce_answer(item, cell)
        except AnswerError:
            return None
    return answers


def assert_same_as_single(
    q: Questionnaire,
    context: BatchContext,
    outcome: BatchOutcome,
    names: Sequence[str],
    items: Sequence[Item],
    rows: Sequence[Sequence[str]],
) -> int:
    """Every valid row scores, classifies and advises exactly as one assessment would."""
    rejected = {p.row for p in outcome.problems if p.rejects}
    scored = list(outcome.results["row"])
    checked = 0
    for number, (name, cells) in enumerate(zip(names, rows, strict=True), start=2):
        answers = expected_row(items, cells)
        assert (answers is None) == (number in rejected), (number, cells)
        if answers is None:
            continue
        k = scored.index(number)
        single = score(q, answers)
        assert row_scores(q, outcome.table, k) == single
        place = find_municipality(name, PLACES)
        classification = classify(profile_from_answers(answers, place))
        types = classification.types
        assert outcome.types[k] == types
        if context.content is not None:
            aland = classification.profile is not None and classification.profile.is_aland
            wanted = suggest_measures(context.content, q, answers, types, context.measures, aland)
            assert [m[0] for m in outcome.measures[k]] == [s.measure.id for s in wanted]
            assert [list(m[4]) for m in outcome.measures[k]] == [
                [i for i, _ in sorted(s.triggered_by, key=lambda t: s.measure.items.index(t[0]))]
                for s in wanted
            ]
        checked += 1
    return checked


# -- one engine: batch equals a single assessment, row by row ---------------------------


def _cells(item: Item) -> st.SearchStrategy[str]:
    unknown = st.sampled_from(["", " ", "en tiedä", "EN TIEDÄ", "vet ej", "don't know", "?"])
    junk = st.sampled_from(["maybe", "7", "1e3", "inf", "nan", "12,3,4", "--5"])
    if item.indicator is not None:
        low, high = item.indicator.min, item.indicator.max
        numbers = st.floats(low - 10, high + 10, allow_nan=False).map(lambda x: round(x, 2))
        written = st.one_of(
            numbers.map(str),
            numbers.map(lambda x: str(x).replace(".", ",")),
            st.integers(int(low), int(high)).map(lambda n: f"{n:,}".replace(",", "\u00a0")),
            st.integers(int(low), int(high)).map(lambda n: f" {n} %"),
        )
        return st.one_of(written, written, unknown, junk)
    names = [c.code for c in item.choices]
    names += [c.label.get(lang) for c in item.choices for lang in ("fi", "sv", "en")]
    names += [n.upper() for n in names]
    return st.one_of(st.sampled_from(names), st.sampled_from(names), unknown, junk)


@st.composite
def mini_rows(draw: st.DrawFn, q: Questionnaire) -> tuple[list[str], list[list[str]]]:
    names = draw(
        st.lists(
            st.sampled_from([m.name_fi for m in PLACES[:60]]), min_size=1, max_size=12, unique=True
        )
    )
    rows = [[draw(_cells(item)) for item in q.items] for _ in names]
    return names, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_batch_scores_equal_single_assessment(data: st.DataObject) -> None:
    q = load_questionnaire(MINI)
    context = BatchContext(q, PLACES, load_content(), 5)
    names, rows = data.draw(mini_rows(q))
    header = ["municipality", *[i.id for i in q.items]]
    outcome = score_sheet(
        make_sheet(header, [[n, *r] for n, r in zip(names, rows, strict=True)]), context, "en"
    )
    assert_same_as_single(q, context, outcome, names, q.items, rows)


def random_answers(q: Questionnaire, rng: random.Random) -> list[str]:
    """A plausible row for the real questionnaire: codes, labels, numbers, gaps."""
    cells = []
    for item in q.items:
        roll = rng.random()
        if roll < 0.08:
            cells.append("")
        elif roll < 0.14:
            cells.append("en tiedä" if item.dont_know else "")
        elif item.indicator is not None:
            value = rng.uniform(
                item.indicator.min,
                min(item.indicator.max, 10 * (item.indicator.optimum or 100) + 1),
            )
            cells.append(f"{value:.1f}".replace(".", ","))
        else:
            choice = rng.choice(item.choices)
            cells.append(rng.choice([choice.code, choice.label.fi, choice.label.sv]))
    return cells


def test_real_questionnaire_rows_equal_single_assessment() -> None:
    """The vectorised ranking of measures agrees with advice.suggest_measures."""
    q = load_questionnaire(default_questionnaire())
    context = BatchContext(q, PLACES, load_content(), 5)
    rng = random.Random(7)
    names = [m.name_fi for m in PLACES]
    rows = [random_answers(q, rng) for _ in names]
    header = ["municipality", *[i.id for i in q.items]]
    outcome = score_sheet(
        make_sheet(header, [[n, *r] for n, r in zip(names, rows, strict=True)]), context, "fi"
    )
    assert assert_same_as_single(q, context, outcome, names, q.items, rows) == len(names)


def test_blank_profile_comes_from_reference_data_and_written_fact_wins(mini: Questionnaire) -> None:
    context = BatchContext(mini, PLACES, None, 0)
    rows = [["Kemi", ""], ["kemi", "60 000"], ["Vantaa", "en tiedä"]]
    outcome = score_sheet(
        make_sheet(
            ["municipality", "year", "population"],
            [[r[0], str(2020 + y), r[1]] for y, r in enumerate(rows)],
        ),
        context,
        "fi",
    )
    assert [t[0].value for t in outcome.types] == ["regional_town", "large_city"]
    assert [p.row for p in outcome.problems if p.rejects] == [
        4
    ]  # population allows no "don't know"


# -- validation ---------------------------------------------------------------------------


def test_every_problem_is_reported_with_excel_row_numbers(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app,
        ["batch", str(FIXTURES / "batch_errors.csv"), "-o", str(out), "-q", str(MINI), "-l", "en"],
    )
    assert result.exit_code == ExitCode.ROWS_REJECTED
    errors = pd.read_csv(tmp_path / "out.errors.csv", dtype=str, keep_default_na=False)
    found = {
        (int(r), c, v)
        for r, c, v in zip(errors["row"], errors["column"], errors["value"], strict=True)
    }
    assert {
        (1, "colour", "colour"),
        (3, "climate_plan", "perhaps"),
        (3, "co2_per_capita", "250"),
        (5, "municipality", "Helsinki"),
        (6, "municipality", "Atlantis"),
        (8, "year", "20x4"),
        (9, "population", "en tiedä"),
        (10, "municipality", ""),
    } <= found
    assert "the same municipality (and year) as row 2" in set(errors["problem"])
    assert list(pd.read_csv(out)["row"]) == [2, 7]  # Utopia: unknown, scored on its own facts
    assert "perhaps" in result.stderr and "Atlantis" in result.stderr


@pytest.mark.parametrize("first_row_long", [True, False], ids=["first-row", "later-row"])
def test_row_with_more_cells_than_columns_is_rejected(tmp_path: Path, first_row_long: bool) -> None:
    """Extra cells are a row problem, never dropped unseen; pandas' warning stays inside."""
    long_row = "Oulu;5000;ei;kyllä;12"
    rows = ["Kemi;;kyllä", "Pori;;ei;;", '"Lahti";"7000";"yes"']
    rows.insert(0 if first_row_long else 2, long_row)
    source = tmp_path / "in.csv"
    text = "municipality;population;climate_plan\n" + "\n".join(rows) + "\n"
    source.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = runner.invoke(
            app, ["batch", str(source), "-o", str(out), "-q", str(MINI), "-l", "en"]
        )
    assert result.exit_code == ExitCode.ROWS_REJECTED, result.stderr
    assert not [w for w in caught if issubclass(w.category, pd.errors.ParserWarning)]
    assert "Warning" not in result.stderr
    errors = pd.read_csv(tmp_path / "out.errors.csv", dtype=str, keep_default_na=False)
    long_at = 2 if first_row_long else 4
    assert errors[errors["row"] != "1"].to_dict("records") == [
        {
            "row": str(long_at),
            "column": "",
            "value": "kyllä;12",
            "problem": "more cells than columns",
            "expected": "at most 3 cells, one under each header; "
            "a value containing the separator in quotes",
            "severity": "error: row rejected",
        }
    ]
    scored = pd.read_csv(out)
    assert sorted(scored["row"]) == sorted({2, 3, 4, 5} - {long_at})  # "Pori;;ei;;" passes


def test_strict_writes_no_results(tmp_path: Path) -> None:
    out = tmp_path / "out.xlsx"
    args = [
        "batch",
        str(FIXTURES / "batch_errors.csv"),
        "-o",
        str(out),
        "-q",
        str(MINI),
        "--strict",
    ]
    result = runner.invoke(app, args)
    assert result.exit_code == ExitCode.ERROR
    assert not out.exists()
    assert (tmp_path / "out.errors.csv").exists()


def test_excel_fi_csv_scores_with_exit_0_and_input_untouched(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    shutil.copy(FIXTURES / "batch_excel_fi.csv", source)
    before = hashlib.sha256(source.read_bytes()).hexdigest()
    out = tmp_path / "out.csv"
    result = runner.invoke(
        app, ["batch", str(source), "-o", str(out), "-q", str(MINI), "--excel-fi"]
    )
    assert result.exit_code == ExitCode.OK, result.stderr
    assert hashlib.sha256(source.read_bytes()).hexdigest() == before
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert raw.decode("utf-8-sig").startswith("Rivi;Kunta;Kuntanumero;")  # headers for people
    frame = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig", skiprows=1)
    # codes in Statistics Finland's form, which no spreadsheet turns into a number
    assert list(frame["municipality_code"]) == ["KU091", "KU049", "KU049", "KU235", "KU297"]
    assert frame["overall"].dtype == float
    assert "Kuntia" in result.stdout  # the summary table, in Finnish


def test_windows_1252_csv_is_read(tmp_path: Path) -> None:
    out = tmp_path / "out.json"
    result = runner.invoke(
        app, ["batch", str(FIXTURES / "batch_cp1252.csv"), "-o", str(out), "-q", str(MINI)]
    )
    assert result.exit_code == ExitCode.OK, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert [r["municipality"] for r in data["results"]] == [
        "Hämeenlinna",
        "Jyväskylä",
        "Mäntsälä",
        "Pedersören kunta",
    ]
    assert data["results"][3]["types"] == ["swedish_bilingual"]  # in no size network
    assert {"id", "title"} <= set(data["results"][0]["measures"][0])
    all_row = next(r for r in data["summary"] if r["group"] == "all")
    assert all_row["type"] == "all" and data["rows_rejected"] == 0
    further = [r for r in data["summary"] if r["group"] == "further"]
    counted: dict[str, int] = {}
    for record in data["results"]:
        for kind in record["types"][1:]:
            counted[kind] = counted.get(kind, 0) + 1
    assert {r["type"]: r["count"] for r in further} == counted


def test_batch_equals_assess_answers(tmp_path: Path) -> None:
    """The CLI route: a sheet row and the same answers given to assess --answers."""
    source = FIXTURES / "batch_excel_fi.csv"
    out = tmp_path / "out.json"
    runner.invoke(app, ["batch", str(source), "-o", str(out), "-q", str(MINI), "--measures", "5"])
    batch_rows = json.loads(out.read_text(encoding="utf-8"))["results"]
    sheet = pd.read_csv(source, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    for k, row in sheet.iterrows():
        answers = {
            key: value
            for key, value in row.items()
            if key not in ("municipality", "year") and value
        }
        path = tmp_path / f"a{k}.yaml"
        path.write_text(
            yaml.safe_dump({"questionnaire": {"id": "mini"}, "answers": answers}), encoding="utf-8"
        )
        single = tmp_path / f"a{k}.json"
        args = [
            "assess",
            "--answers",
            str(path),
            "-m",
            row["municipality"],
            "-q",
            str(MINI),
            "--json",
            str(single),
        ]
        assert runner.invoke(app, args).exit_code == 0
        expected = json.loads(single.read_text(encoding="utf-8"))
        got = batch_rows[int(str(k))]
        for dimension, value in expected["scores"].items():
            assert got[f"{dimension}_score"] == value["score"]
            assert got[f"{dimension}_coverage"] == value["coverage"]
        assert got["overall"] == expected["overall"]
        assert got["types"] == expected["types"]["all"]
        assert [m["id"] for m in got["measures"]] == [m["id"] for m in expected["measures"]]


def test_xlsx_output_has_results_and_summary_and_neutralised_text(tmp_path: Path) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        'municipality;population;climate_plan\n=HYPERLINK("x");5000;kyllä\nOulu;;ei\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.xlsx"
    result = runner.invoke(app, ["batch", str(source), "-o", str(out), "-q", str(MINI), "-l", "sv"])
    assert result.exit_code == ExitCode.OK, result.stderr
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Resultat", "Sammanfattning"]
    sheet = book["Resultat"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Rad", "Kommun", "Kommunnummer")  # for people, then the ids
    assert rows[1][:3] == ("row", "municipality", "municipality_code")
    # formula-like text is a string cell with the value unchanged, never run
    assert rows[2][1] == '=HYPERLINK("x")' and sheet["B3"].data_type == "s"
    assert rows[3][1] == "Uleåborg" and rows[3][0] == 3
    assert rows[3][2] == "KU564" and sheet["C4"].data_type == "s"
    assert sheet.freeze_panes == "C3" and sheet.auto_filter.ref.startswith("A2:")
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 9
    # fitted to one page wide (1 is OOXML's default, so a writer may leave it out), any tall
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None and fit.fitToPage
    assert sheet.page_setup.fitToWidth in (None, 1) and sheet.page_setup.fitToHeight == 0
    assert sheet.column_dimensions["B"].width >= len("municipality")
    summary = list(book["Sammanfattning"].iter_rows(values_only=True))
    assert summary[1][:5] == ("type", "group", "count", "scored", "unscored")
    assert summary[0][1] == "Grupp"  # no id left as a header for people
    assert all(isinstance(h, str) and "_" not in h for h in rows[0] + summary[0])
    all_row = next(r for r in summary if r[1] == "alla rader")  # group ids as words
    assert all_row[0] == "Alla"  # type names for people
    assert all_row[2] == 2 and int(str(all_row[3])) + int(str(all_row[4])) == 2


def test_xlsx_template_round_trip_numbers_rows_as_excel(tmp_path: Path) -> None:
    template = tmp_path / "t.xlsx"
    assert runner.invoke(app, ["template", "-o", str(template), "-q", str(MINI)]).exit_code == 0
    book = openpyxl.load_workbook(template)
    sheet = book.worksheets[0]
    header = [c.value for c in sheet[1]]
    rows: dict[str, dict[str, str | float]] = {
        "Lahti": {"climate_plan": "kyllä", "co2_per_capita": 4.5},
        "Pori": {"climate_plan": "kanske"},
    }
    for number, (name, answers) in enumerate(rows.items(), start=3):
        sheet.cell(number, 1, name)
        for key, value in answers.items():
            sheet.cell(number, header.index(key) + 1, value)
    filled = tmp_path / "filled.xlsx"
    book.save(filled)
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["batch", str(filled), "-o", str(out), "-q", str(MINI)])
    assert result.exit_code == ExitCode.ROWS_REJECTED
    errors = pd.read_csv(tmp_path / "out.errors.csv", dtype=str, keep_default_na=False)
    assert list(errors["row"]) == ["4"] and list(errors["value"]) == ["kanske"]
    assert list(pd.read_csv(out)["row"]) == [3]


def test_refuses_to_overwrite_and_to_write_over_the_input(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("keep me", encoding="utf-8")
    args = ["batch", str(FIXTURES / "batch_excel_fi.csv"), "-o", str(out), "-q", str(MINI)]
    result = runner.invoke(app, args)
    assert result.exit_code == ExitCode.ERROR and "--force" in result.stderr
    assert out.read_text(encoding="utf-8") == "keep me"
    source = tmp_path / "in.csv"
    shutil.copy(FIXTURES / "batch_excel_fi.csv", source)
    result = runner.invoke(
        app, ["batch", str(source), "-o", str(source), "-q", str(MINI), "--force"]
    )
    assert result.exit_code == ExitCode.ERROR
    assert source.read_bytes() == (FIXTURES / "batch_excel_fi.csv").read_bytes()


@pytest.mark.parametrize(
    ("name", "content", "key"),
    [
        ("in.ods", b"x", "ods"),
        ("in.csv", b"", "empty"),
        ("in.csv", b"kunta_x;population\nHelsinki;1\n", "municipality"),
        ("in.xlsx", b"not a zip", "Excel"),
    ],
)
def test_unreadable_sheets_fail_with_a_message(
    tmp_path: Path, name: str, content: bytes, key: str
) -> None:
    source = tmp_path / name
    source.write_bytes(content)
    result = runner.invoke(
        app, ["batch", str(source), "-o", str(tmp_path / "o.csv"), "-q", str(MINI), "-l", "en"]
    )
    assert result.exit_code == ExitCode.ERROR
    assert key in result.stderr
    assert not (tmp_path / "o.csv").exists()


def test_missing_output_option_is_a_usage_error() -> None:
    assert (
        runner.invoke(app, ["batch", str(FIXTURES / "batch_excel_fi.csv")]).exit_code
        == ExitCode.USAGE
    )


# -- small pure pieces --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "separator"),
    [
        ("municipality;year;a", ";"),
        ("municipality,year", ","),
        ("municipality\tyear", "\t"),
        ("municipality", ","),
        ('"a;b",c,d', ","),
    ],
)
def test_detect_separator(line: str, separator: str) -> None:
    assert detect_separator(line) == separator


@pytest.mark.parametrize(
    ("sample", "encoding"),
    [
        (b"\xef\xbb\xbfkunta", "utf-8-sig"),
        ("kyllä".encode(), "utf-8"),
        ("kyllä".encode("cp1252"), "cp1252"),
        (b"\xff\xfek\x00", "utf-16"),
    ],
)
def test_detect_encoding(sample: bytes, encoding: str) -> None:
    assert detect_encoding(sample) == encoding


@pytest.mark.parametrize(
    ("value", "text"),
    [(None, ""), (True, "yes"), (12.0, "12"), (12.5, "12.5"), (7, "7"), ("kyllä", "kyllä")],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


def test_place_lookup_matches_find_municipality() -> None:
    index = place_index(PLACES)
    queries = [
        q
        for m in PLACES[:80]
        for q in (m.code, m.code.lstrip("0"), m.name_fi.upper(), m.name_sv, m.name_en)
    ]
    queries += ["Helsingfors", "helsinky", "0091", "", "  espoo  ", "999"]
    for query in queries:
        found = find_municipality(query, PLACES)
        at = find_place(index, query)
        assert (PLACES[at] if at is not None else None) == found, query


@given(st.lists(st.one_of(st.floats(0, 100), st.just(float("nan"))), min_size=1, max_size=30))
def test_bands_equal_band_of(scores: list[float]) -> None:
    expected = [band_of(s) for s in scores]
    assert [b if b is None else str(b) for b in bands(np.array(scores))] == [
        None if e is None else e.value for e in expected
    ]


def test_peer_ranks() -> None:
    types = pd.Series(["a", "a", "b", "a", "b"])
    ranks = peer_ranks(np.array([50.0, 70.0, 60.0, np.nan, 60.0]), types)
    assert list(ranks["rank_overall"].astype(object)) == [4, 1, 2, pd.NA, 2]
    assert list(ranks["rank_in_type"].astype(object)) == [2, 1, 1, pd.NA, 1]
    assert list(ranks["percentile_in_type"].fillna(-1)) == [50.0, 100.0, 100.0, -1, 100.0]
