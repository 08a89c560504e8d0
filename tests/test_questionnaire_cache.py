"""The cache of the validated bundled questionnaire: used only when nothing has changed."""

from __future__ import annotations

import os
import pickle
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import kuntaprofiili
from helpers import MINI
from kuntaprofiili.core.model import Questionnaire
from kuntaprofiili.errors import QuestionnaireError
from kuntaprofiili.files import questionnaire_cache, questionnaire_file
from kuntaprofiili.files.questionnaire_cache import CACHE_FILE, cache_dir, cache_key, read_cached
from kuntaprofiili.files.questionnaire_file import load_questionnaire, load_questionnaire_or_default
from kuntaprofiili.files.resources import default_questionnaire


@pytest.fixture
def bundled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the mini questionnaire standing in for the bundled one."""
    path = tmp_path / "bundled.yaml"
    shutil.copyfile(MINI, path)
    monkeypatch.setattr(questionnaire_file, "default_questionnaire", lambda: path)
    return path


def _no_parsing(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make reading the YAML fail, so that only the cache can give a questionnaire."""

    def refuse(*_args: object) -> Questionnaire:
        raise AssertionError("the YAML was parsed and validated again")

    monkeypatch.setattr(questionnaire_file, "parse_questionnaire", refuse)


def _cache_file() -> Path:
    return cache_dir() / CACHE_FILE


def test_the_second_run_takes_the_validated_questionnaire_from_the_cache(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_questionnaire_or_default(None)
    assert first == load_questionnaire(bundled)
    assert _cache_file().is_file()
    assert stat.S_IMODE(_cache_file().stat().st_mode) == 0o600
    _no_parsing(monkeypatch)
    assert load_questionnaire_or_default(None) == first


def test_the_real_bundled_questionnaire_comes_back_equal_from_the_cache() -> None:
    validated = load_questionnaire(default_questionnaire())
    load_questionnaire_or_default(None)  # writes the cache
    key = cache_key(default_questionnaire().read_text(encoding="utf-8").encode("utf-8"))
    assert read_cached(key) == validated


def test_a_changed_yaml_file_is_read_again(bundled: Path) -> None:
    load_questionnaire_or_default(None)
    text = bundled.read_text(encoding="utf-8")
    assert '\nversion: "1"\n' in text
    bundled.write_text(text.replace('\nversion: "1"\n', '\nversion: "9"\n'), encoding="utf-8")
    changed = load_questionnaire_or_default(None)
    assert changed.version == "9"
    assert changed == load_questionnaire(bundled)


def test_an_invalid_yaml_file_is_reported_even_after_a_valid_one_was_cached(
    bundled: Path,
) -> None:
    load_questionnaire_or_default(None)
    bundled.write_text("schema_version: 1\nid: broken\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError):
        load_questionnaire_or_default(None)


def test_another_package_version_never_trusts_the_cache(
    bundled: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_questionnaire_or_default(None)
    old_key = _cache_file().read_bytes().partition(b"\n")[0]
    monkeypatch.setattr(kuntaprofiili, "__version__", "99.0.0", raising=False)
    new_key = cache_key(bundled.read_text(encoding="utf-8").encode("utf-8"))
    assert new_key != old_key
    assert read_cached(new_key) is None
    assert load_questionnaire_or_default(None) == load_questionnaire(bundled)
    assert _cache_file().read_bytes().startswith(new_key + b"\n")  # written again


def test_changed_code_never_trusts_the_cache(monkeypatch: pytest.MonkeyPatch) -> None:
    key = cache_key(b"questionnaire")
    monkeypatch.setattr(questionnaire_cache, "_code_stamp", lambda: "another build")
    assert cache_key(b"questionnaire") != key


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: data.partition(b"\n")[0] + b"\nnot a pickle at all",
        lambda data: data.partition(b"\n")[0] + b"\n" + pickle.dumps({"id": "not a model"}),
        lambda _: b"",
        lambda _: b"\x00" * 100,
    ],
    ids=["truncated", "garbage", "other object", "empty", "zeros"],
)
def test_a_damaged_cache_is_silently_rebuilt(
    bundled: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    validated = load_questionnaire(bundled)
    load_questionnaire_or_default(None)
    path = _cache_file()
    path.write_bytes(damage(path.read_bytes()))  # type: ignore[operator]
    assert load_questionnaire_or_default(None) == validated
    _no_parsing(monkeypatch)  # the rebuilt cache is good again
    assert load_questionnaire_or_default(None) == validated


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file owners and modes are POSIX")
@pytest.mark.usefixtures("bundled")
def test_a_cache_file_others_may_write_is_not_unpickled() -> None:
    load_questionnaire_or_default(None)
    path = _cache_file()
    key = path.read_bytes().partition(b"\n")[0]
    assert read_cached(key) is not None
    path.chmod(0o666)
    assert read_cached(key) is None


def test_an_unwritable_cache_folder_is_no_error(bundled: Path) -> None:
    cache_dir().parent.mkdir(parents=True, exist_ok=True)
    cache_dir().write_text("a file where the folder should be", encoding="utf-8")
    assert load_questionnaire_or_default(None) == load_questionnaire(bundled)
    assert load_questionnaire_or_default(None) == load_questionnaire(bundled)


@pytest.mark.usefixtures("bundled")
def test_the_cache_is_written_whole_without_temporary_files_left() -> None:
    load_questionnaire_or_default(None)
    assert sorted(p.name for p in cache_dir().iterdir()) == [CACHE_FILE]


def test_a_questionnaire_given_by_path_is_validated_and_not_cached(
    bundled: Path, tmp_path: Path
) -> None:
    mine = tmp_path / "mine.yaml"
    shutil.copyfile(bundled, mine)
    assert load_questionnaire_or_default(mine) == load_questionnaire(bundled)
    assert not _cache_file().exists()
    mine.write_text("schema_version: 1\nid: broken\n", encoding="utf-8")
    with pytest.raises(QuestionnaireError):
        load_questionnaire_or_default(mine)


def test_first_question_from_the_cache_loads_no_yaml_and_no_help_formatting(
    tmp_path: Path,
) -> None:
    code = (
        "import sys; from kuntaprofiili.cli import app\n"
        "try:\n    app(['assess', '-m', 'Espoo', '--lang', 'en'])\n"
        "except SystemExit:\n    pass\n"
        "print()\n"
        "late = ('yaml', 'typer.rich_utils', 'rich.markdown')\n"
        "print(sorted(m for m in late if m in sys.modules))"
    )
    env = {**os.environ, "KUNTAPROFIILI_HOME": str(tmp_path)}
    runs = [
        subprocess.run(
            [sys.executable, "-c", code], input="", capture_output=True, text=True, env=env
        )
        for _ in range(2)
    ]
    for done in runs:
        assert "question 1" in done.stdout, done.stdout + done.stderr
    assert runs[0].stdout.strip().splitlines()[-1] == "['yaml']"  # the cache is built
    assert runs[1].stdout.strip().splitlines()[-1] == "[]"
    assert (tmp_path / "cache" / CACHE_FILE).is_file()
