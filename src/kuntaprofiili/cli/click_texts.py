"""Typer's and click's own words (Usage, Options, error sentences) in the session's language.

Typer 0.29 ships its own copy of click whose sentences are English f-strings, so gettext
cannot reach them. Instead the few places that print them are wrapped here once, and
every English text is looked up in messages/click/texts.toml: whole texts by equality,
sentences with parts (an option name, a file name) by regular expression.

The language is the session's as far as it is known before the command runs: ``--lang``
on the command line, else KUNTAPROFIILI_LANG, else the locale, else Finnish.

typer's ``rich_utils`` (which imports rich.markdown, markdown-it and pygments) is needed
only to print help or an error, so it is patched when typer imports it, not before:
``assess`` reaches its first question without it.
"""

from __future__ import annotations

import re
import sys
import tomllib
from collections.abc import Callable, Sequence
from functools import cache
from types import ModuleType
from typing import Any

from kuntaprofiili.i18n import LANGS, MESSAGES, default_lang

Texts = dict[str, dict[str, str]]
Patterns = tuple[tuple[re.Pattern[str], dict[str, str]], ...]


def argv_lang(argv: Sequence[str]) -> str | None:
    """The value of ``--lang``/``-l`` on a command line, if it names a language."""
    for number, arg in enumerate(argv):
        value = None
        if arg in ("--lang", "-l") and number + 1 < len(argv):
            value = argv[number + 1]
        elif arg.startswith("--lang="):
            value = arg.removeprefix("--lang=")
        elif arg.startswith("-l") and len(arg) == 4:
            value = arg[2:]
        if value is not None and value.strip().lower() in LANGS:
            return value.strip().lower()
    return None


_ARGS: list[list[str]] = []  # the arguments of the command being run (tests run many)


def command_line_lang() -> str:
    """The session's language as far as the command line and the environment tell."""
    args = _ARGS[-1] if _ARGS else sys.argv[1:]
    return argv_lang(args) or default_lang()


@cache
def _catalogue() -> tuple[Texts, Patterns]:
    text = (MESSAGES / "click" / "texts.toml").read_text(encoding="utf-8")
    data = tomllib.loads(text)
    plain = {entry["en"]: entry for entry in data.get("text", [])}
    patterns = tuple((re.compile(e["en"], re.DOTALL), e) for e in data.get("pattern", []))
    return plain, patterns


def catalogue_entries() -> list[dict[str, str]]:
    """Every entry (for the test that each has fi, sv and en)."""
    plain, patterns = _catalogue()
    return [*plain.values(), *(entry for _regex, entry in patterns)]


def translate(text: str, lang: str | None = None) -> str:
    """``text`` (typer's or click's English) in ``lang``; unknown text comes back as is."""
    lang = lang or command_line_lang()
    if lang == "en" or not text:
        return text
    plain, patterns = _catalogue()
    if text in plain:
        return plain[text][lang]
    for regex, entry in patterns:
        found = regex.fullmatch(text.strip())
        if found:
            parts = {k: translate(v, lang) if v else "" for k, v in found.groupdict().items()}
            return entry[lang].format(**parts).strip()
    return text


_RICH_CONSTANTS = {
    "DEPRECATED_STRING": "(deprecated) ",
    "DEFAULT_STRING": "[default: {}]",
    "ENVVAR_STRING": "[env var: {}]",
    "REQUIRED_LONG_STRING": "[required]",
    "ARGUMENTS_PANEL_TITLE": "Arguments",
    "OPTIONS_PANEL_TITLE": "Options",
    "COMMANDS_PANEL_TITLE": "Commands",
    "ERRORS_PANEL_TITLE": "Error",
    "ABORTED_TEXT": "Aborted.",
    "RICH_HELP": "Try [blue]'{command_path} {help_option}'[/] for help.",
}


def _set_rich_constants() -> None:
    from typer import rich_utils

    lang = command_line_lang()
    for name, english in _RICH_CONSTANTS.items():
        setattr(rich_utils, name, translate(english, lang))


def _before(function: Callable[..., Any], step: Callable[[], None]) -> Callable[..., Any]:
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        step()
        return function(*args, **kwargs)

    wrapped.__wrapped__ = function  # type: ignore[attr-defined]
    return wrapped


_installed = False


def install() -> None:
    """Wrap typer's printing of help and errors once per process."""
    global _installed
    if _installed:
        return
    _installed = True
    from typer import core
    from typer._click import formatting

    setattr(core, "_", translate)  # noqa: B010 - typer's own gettext calls
    original_main = core._main

    def main(self: Any, *, args: Sequence[str] | None = None, **kwargs: Any) -> Any:
        _ARGS.append(list(sys.argv[1:] if args is None else args))
        try:
            return original_main(self, args=args, **kwargs)
        finally:
            _ARGS.pop()

    core._main = main
    when_imported("typer.rich_utils", _localize_rich_utils)
    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        for english in ("[OPTIONS]", "COMMAND [ARGS]..."):
            args = args.replace(english, translate(english))
        original_usage(self, prog, args, translate("Usage: ") if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    for kind in (core.TyperOption, core.TyperArgument):
        _localize_metavar(kind)


def _localize_rich_utils(module: ModuleType) -> None:
    """Wrap the functions of typer's rich_utils that print help and errors."""
    rich_utils: Any = module
    original_help = rich_utils.rich_format_help

    def format_help(*, obj: Any, ctx: Any, markup_mode: Any) -> Any:
        _set_rich_constants()
        option = obj.get_help_option(ctx)
        if option is not None:  # translated here, not when parsing: a run reads no catalogue
            option.help = translate("Show this message and exit.")
        return original_help(obj=obj, ctx=ctx, markup_mode=markup_mode)

    rich_utils.rich_format_help = format_help
    rich_utils.rich_abort_error = _before(rich_utils.rich_abort_error, _set_rich_constants)
    original_error = rich_utils.rich_format_error

    def format_error(error: Any) -> None:
        _set_rich_constants()
        english = error.format_message
        error.format_message = lambda: translate(english())
        original_error(error)

    rich_utils.rich_format_error = format_error


def when_imported(name: str, patch: Callable[[ModuleType], None]) -> None:
    """Apply ``patch`` to module ``name`` now if it is imported, else as soon as it is."""
    module = sys.modules.get(name)
    if module is not None:
        patch(module)
    else:
        sys.meta_path.insert(0, _PatchOnImport(name, patch))


class _PatchOnImport:
    """An import hook for one module: the usual finders find and load it, then ``patch``
    runs on it; the hook removes itself on first use."""

    def __init__(self, name: str, patch: Callable[[ModuleType], None]) -> None:
        self.name, self.patch = name, patch

    def find_spec(self, fullname: str, _path: object, _target: object = None) -> Any:
        """The usual spec of the module, with a loader that patches it after loading."""
        if fullname != self.name:
            return None
        from importlib.util import find_spec

        sys.meta_path.remove(self)
        spec = find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _PatchingLoader(spec.loader, self.patch)  # type: ignore[assignment]
        return spec


class _PatchingLoader:
    """A module's own loader, with ``patch`` run once the module has been executed."""

    def __init__(self, loader: Any, patch: Callable[[ModuleType], None]) -> None:
        self._loader, self._patch = loader, patch

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)  # get_source and the like, for tracebacks

    def create_module(self, spec: Any) -> ModuleType | None:
        """The module object, as the loader makes it."""
        return self._loader.create_module(spec)  # type: ignore[no-any-return]

    def exec_module(self, module: ModuleType) -> None:
        """Run the module's code, then patch it."""
        self._loader.exec_module(module)
        self._patch(module)


def _localize_metavar(kind: type) -> None:
    original = kind.display_type_rich  # type: ignore[attr-defined]

    def display_type_rich(self: Any, ctx: Any) -> str | None:
        option = getattr(self, "param_type_name", "") == "option"
        if option and getattr(self, "metavar", None) and not getattr(self, "is_flag", False):
            return f"<{self.metavar}>"  # a metavar of ours, already in the session's language
        shown = original(self, ctx)
        if shown is None or shown == "<bool>":  # a flag takes no value
            return None
        return translate(shown) or None

    kind.display_type_rich = display_type_rich  # type: ignore[attr-defined]
