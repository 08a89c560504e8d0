"""`data update` and `data show` against a local HTTP server serving recorded responses."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from typer.testing import CliRunner

from kuntaprofiili.cli import app
from kuntaprofiili.files.municipality_file import load_municipalities
from kuntaprofiili.files.questionnaire_file import load_questionnaire
from kuntaprofiili.files.resources import default_questionnaire
from kuntaprofiili.opendata import http as http_module
from kuntaprofiili.opendata import syke
from opendata_server import SOTKANET_ROOT, STATFIN_ROOT, TABLE, json_response, point_at, serve_all

FETCHED = {
    "population",
    "ghg_per_capita",
    "ghg_reduction_2005",
    "unemployment_rate",
    "neet_share",
    "morbidity_index",
    "annual_margin_per_capita",
    "loan_per_capita",
    "employment_rate",
    "population_change_5y",
}


@pytest.fixture(autouse=True)
def _quick_retries(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(http_module, "SERVER_ERROR_BACKOFF", 0.0)


def run(*args: str) -> Any:
    return CliRunner().invoke(app, ["data", *args, "--lang", "en"])


def flat(text: str) -> str:
    """Terminal text without the line breaks rich adds."""
    return " ".join(text.split())


def cache(home: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((home / "opendata.json").read_text(encoding="utf-8"))
    return data


def test_update_fills_every_mapped_indicator_with_source_and_year(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    result = run("update")
    assert result.exit_code == 0, result.stderr
    helsinki = cache(_isolated_home)["values"]["091"]
    assert set(helsinki) == FETCHED
    for value in helsinki.values():
        assert {"value", "provider", "source", "year", "fetched", "attribution"} <= set(value)
    assert helsinki["population"]["value"] == 635181
    assert helsinki["population"]["year"] == 2016
    assert helsinki["population"]["attribution"] == "Lähde: Tilastokeskus"
    assert helsinki["population_change_5y"]["value"] == pytest.approx(5.1, abs=0.01)
    assert helsinki["morbidity_index"]["year"] == 2024  # range.end of the indicator metadata
    assert helsinki["morbidity_index"]["attribution"] == "Lähde: THL, Sotkanet.fi"
    # SYKE: HINKU rows only; 2022: 100 + 200 + 150 + 10 kt, 2005: 300 + 500 + 200 kt
    assert helsinki["ghg_per_capita"]["value"] == pytest.approx(460_000 / 635181, abs=0.01)
    assert helsinki["ghg_per_capita"]["year"] == 2022
    assert helsinki["ghg_reduction_2005"]["value"] == pytest.approx(54.0)
    assert "Suomen ympäristökeskus" in helsinki["ghg_reduction_2005"]["attribution"]
    assert "progress" not in cache(_isolated_home)
    # the Sotkanet fixture holds 5 municipalities, so the others miss two values, and say so
    assert "Missing (THL/Sotkanet)" in flat(result.stderr)


def test_one_municipality_and_show(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    result = run("update", "--municipality", "Espoo")
    assert result.exit_code == 0, result.stderr
    assert set(cache(_isolated_home)["values"]) == {"049"}
    syke_calls = [r for r, _ in httpserver.log if "Tulokset_taso_5" in r.path]
    assert [r.path for r in syke_calls] == ["/syke/Tulokset_taso_5/kunta_49.csv"]
    shown = CliRunner().invoke(app, ["data", "show", "-m", "Espoo", "--lang", "fi"])
    assert shown.exit_code == 0, shown.stderr
    assert "Lähde: Tilastokeskus" in shown.stdout and "274\u00a0583" in shown.stdout
    assert "0 päivää sitten" in shown.stdout


def test_show_without_a_cache_says_how_to_get_one() -> None:
    result = run("show")
    assert result.exit_code == 1
    assert "kuntaprofiili data update" in flat(result.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_offline_is_a_clear_message_and_exit_1(monkeypatch: pytest.MonkeyPatch) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    for name in ("STATFIN", "SOTKANET", "SYKE"):
        monkeypatch.setenv(f"KUNTAPROFIILI_{name}_URL", dead)
    result = CliRunner().invoke(app, ["data", "update", "-m", "Espoo", "--lang", "sv"])
    assert result.exit_code == 1
    assert "Det gick inte att ansluta till servern 127.0.0.1" in flat(result.stderr)
    assert "Ingenting kunde hämtas" in flat(result.stderr)
    assert (
        "Traceback" not in flat(result.stderr)
        and result.exception is None
        or isinstance(result.exception, SystemExit)
    )


def test_one_provider_failing_keeps_the_others(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    httpserver.expect_request(f"{SOTKANET_ROOT}/regions").respond_with_data("boom", status=500)
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    result = run("update", "-m", "Helsinki")
    assert result.exit_code == 0, result.stderr
    assert "has a fault (HTTP 500)" in flat(result.stderr)
    assert "Missing (THL/Sotkanet)" in flat(result.stderr)
    values = cache(_isolated_home)["values"]["091"]
    assert {"population", "ghg_per_capita"} <= set(values)
    assert not {"morbidity_index", "neet_share"} & set(values)
    regions_calls = [r for r, _ in httpserver.log if r.path.endswith("/regions")]
    assert len(regions_calls) == 3  # retried, then given up


def test_429_waits_for_retry_after_and_then_succeeds(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    waits: list[float] = []
    monkeypatch.setattr(http_module, "pause", waits.append)
    table = f"{STATFIN_ROOT}/{TABLE}"
    httpserver.expect_oneshot_request(table, method="POST").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    result = run("update", "-m", "Helsinki")
    assert result.exit_code == 0, result.stderr
    assert 7.0 in waits
    assert cache(_isolated_home)["values"]["091"]["population"]["value"] == 635181


def test_429_for_too_long_is_a_message(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    httpserver.expect_request(f"{STATFIN_ROOT}/{TABLE}", method="GET").respond_with_data(
        "", status=429, headers={"Retry-After": "3600"}
    )
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    result = run("update", "-m", "Helsinki")
    assert "asked us to wait because of too many requests (HTTP 429, about 3600 s)" in flat(
        result.stderr
    )
    assert "morbidity_index" in cache(_isolated_home)["values"]["091"]
    assert "progress" in cache(_isolated_home)  # the next update resumes


def test_malformed_json_is_a_message(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    httpserver.expect_request(f"{STATFIN_ROOT}/{TABLE}", method="POST").respond_with_data(
        '{"class": "dataset", "id": [', content_type="application/json"
    )
    httpserver.expect_request(f"{SOTKANET_ROOT}/json").respond_with_response(
        json_response({"not": "a list"})
    )
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    result = run("update", "-m", "Helsinki")
    assert result.exit_code == 0, result.stderr
    assert result.stderr.count("was not in the expected format") == 2
    assert "Traceback" not in flat(result.stderr)
    assert set(cache(_isolated_home)["values"]["091"]) == {"ghg_reduction_2005"}


def test_interrupted_update_resumes_where_it_stopped(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    real = syke.fetch_municipality
    calls: list[str] = []

    def stop_after_40(http: Any, base: str, code: str) -> dict[str, float]:
        calls.append(code)
        if len(calls) > 40:
            raise KeyboardInterrupt
        return real(http, base, code)

    monkeypatch.setattr(syke, "fetch_municipality", stop_after_40)
    first = run("update")
    assert first.exit_code == 130
    assert "resumes where it stopped" in flat(first.stderr)
    saved = cache(_isolated_home)
    assert len([k for k in saved["progress"]["done"] if k.startswith("syke:")]) == 40
    monkeypatch.setattr(syke, "fetch_municipality", real)
    httpserver.clear_log()
    second = run("update")
    assert second.exit_code == 0, second.stderr
    assert "Resuming the interrupted update" in flat(second.stderr)
    paths = [r.path for r, _ in httpserver.log]
    assert not any(STATFIN_ROOT in p or SOTKANET_ROOT in p for p in paths)
    assert len(paths) == len(load_municipalities()) - 40
    assert "progress" not in cache(_isolated_home)
    assert len(cache(_isolated_home)["values"]) == len(load_municipalities())


@pytest.mark.skipif(
    os.environ.get("KUNTAPROFIILI_LIVE") != "1",
    reason="talks to the real Statistics Finland, THL and SYKE APIs; set KUNTAPROFIILI_LIVE=1",
)
def test_live_update_of_one_municipality(_isolated_home: Path) -> None:
    result = run("update", "-m", "Espoo")
    assert result.exit_code == 0, result.stderr
    values = cache(_isolated_home)["values"]["049"]
    q = load_questionnaire(default_questionnaire())
    assert set(values) == {i.id for i in q.items if i.fetch is not None}


def test_assess_offers_the_fetched_values_with_source_and_year(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch, _isolated_home: Path
) -> None:
    serve_all(httpserver)
    point_at(httpserver, monkeypatch)
    assert run("update", "-m", "Espoo").exit_code == 0
    result = CliRunner().invoke(app, ["assess", "-m", "Espoo", "--lang", "fi"], input="\n")
    assert "[274\u00a0583\u00a0asukasta] Tilastokeskus 2016 >" in result.stdout
    draft = next((_isolated_home / "drafts").glob("*.draft.yaml"))
    assert "population: 274583" in draft.read_text(encoding="utf-8")


def test_assess_without_a_cache_says_once_how_to_get_one() -> None:
    result = CliRunner().invoke(app, ["assess", "-m", "Espoo", "--lang", "en"], input="\n")
    assert flat(result.stderr).count("There is no cache yet") == 1


def test_provenance_marks_fetched_and_typed_values() -> None:
    from kuntaprofiili.core.answers import AnswerSet
    from kuntaprofiili.opendata.cache import CachedValue
    from kuntaprofiili.opendata.prefill import provenance

    q = load_questionnaire(default_questionnaire())
    ghg = CachedValue(4.1, "syke", "Tulokset_taso_5", 2023, "2026-06-20", "SYKE")
    pop = CachedValue(300000.0, "statfin", "x.px", 2025, "2026-06-20", "Lähde: Tilastokeskus")
    answers: dict[str, float | str] = {
        "ghg_per_capita": 4.1,
        "population": 299000.0,
        "climate_plan": "yes",
    }
    record = provenance(q, answers, {"ghg_per_capita": ghg, "population": pop})
    assert record["ghg_per_capita"]["origin"] == "fetched"
    assert record["ghg_per_capita"]["year"] == 2023
    assert record["population"] == {"origin": "typed"}
    assert "climate_plan" not in record
    saved = AnswerSet(q.id, q.version, answers, "Espoo", provenance=record).to_mapping()
    assert saved["provenance"]["ghg_per_capita"]["provider"] == "syke"
