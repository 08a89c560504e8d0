"""The safe YAML loaders of every file the tool reads: no alias bombs, no huge integers.

An alias is a reference, so ``&a [*a, *a, ...]`` nested a few levels deep is a tiny file
that expands to billions of values (an alias bomb) in anything that walks it. Answers
files and drafts never need one: with :class:`NoAliasLoader` the first node built a
second time, which is what an alias is, ends the parse. Questionnaires and content may
share a block with an alias; :class:`BoundedAliasLoader` counts the values each reuse
stands for, and past MAX_EXPANDED_NODES the parse ends. libyaml's parser is used when it
is installed; construction, where these checks live, is Python in both cases.

Numbers are written in decimal only, as in a sheet (``core.numbers.parse_number``):
YAML 1.1 would read ``0x10`` as 16, ``0b11`` as 3, ``1_000`` as 1000 and ``1:30`` as 90,
which a sheet refuses, so such a scalar stays text and gets the usual "not a number".
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# Integers longer than this are no statistic: Python refuses 4,300 digits, and float()
# overflows past 308.
MAX_INT_DIGITS = 30
# A questionnaire has a few thousand values.
MAX_EXPANDED_NODES = 200_000

_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_DECIMAL_INT = re.compile(r"^[-+]?[0-9]+$")
# Exponents stay: a draft written by yaml.safe_dump holds 1e16 as "1.0e+16".
_DECIMAL_FLOAT = re.compile(
    r"""^(?:[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?
    |[-+]?\.(?:inf|Inf|INF)
    |\.(?:nan|NaN|NAN))$""",
    re.X,
)


def _decimal_only(loader: type[Any]) -> None:
    """Replace YAML 1.1's int and float resolvers (hex, octal, binary, ``_``, base 60) on
    ``loader`` with decimal ones."""
    loader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in entries if tag not in (_INT, _FLOAT)]
        for first, entries in loader.yaml_implicit_resolvers.items()
    }
    loader.add_implicit_resolver(_INT, _DECIMAL_INT, list("-+0123456789"))
    loader.add_implicit_resolver(_FLOAT, _DECIMAL_FLOAT, list("-+0123456789."))


def _refuse(problem: str, node: Any) -> yaml.constructor.ConstructorError:
    return yaml.constructor.ConstructorError(None, None, problem, node.start_mark)


def _children(node: Any) -> list[Any]:
    """The nodes directly below ``node`` (keys and values of a mapping)."""
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


class NoAliasLoader(_Base):  # type: ignore[misc]
    """The safe loader that refuses aliases, merge keys and over-long integers."""

    def construct_object(self, node: Any, deep: bool = False) -> Any:
        """Build ``node``, refusing a node built before (an alias)."""
        if node in self.recursive_objects:
            raise _refuse("an alias refers to itself", node)
        if node in self.constructed_objects:
            self.reused(node)
        return super().construct_object(node, deep)

    def reused(self, node: Any) -> None:
        """An alias to ``node`` was met."""
        raise _refuse("aliases (*name) are not allowed", node)

    def flatten_mapping(self, node: Any) -> None:
        """Refuse ``<<`` merge keys: they copy whole mappings, and nothing here needs them."""
        if any(key.tag == "tag:yaml.org,2002:merge" for key, _ in node.value):
            raise _refuse("merge keys (<<) are not allowed", node)
        super().flatten_mapping(node)

    def construct_yaml_int(self, node: Any) -> int:
        """A decimal integer of at most MAX_INT_DIGITS digits ('012' is 12, not octal)."""
        text = str(node.value)
        digits = sum(c.isdigit() for c in text)
        if digits > MAX_INT_DIGITS:
            raise _refuse(f"a number of {digits} digits is too long", node)
        if not _DECIMAL_INT.match(text):  # only an explicit !!int tag gets here
            raise _refuse(f"{text!r} is not a decimal integer", node)
        return int(text)

    def construct_yaml_float(self, node: Any) -> float:
        """A decimal number, also under an explicit !!float tag."""
        text = str(node.value)
        if not (_DECIMAL_FLOAT.match(text) or _DECIMAL_INT.match(text)):
            raise _refuse(f"{text!r} is not a decimal number", node)
        return float(super().construct_yaml_float(node))


NoAliasLoader.add_constructor(_INT, NoAliasLoader.construct_yaml_int)
NoAliasLoader.add_constructor(_FLOAT, NoAliasLoader.construct_yaml_float)
_decimal_only(NoAliasLoader)


class BoundedAliasLoader(NoAliasLoader):
    """Aliases allowed while everything they stand for stays under MAX_EXPANDED_NODES."""

    def reused(self, node: Any) -> None:
        """Count the values the alias stands for."""
        state = self.__dict__
        state["expanded"] = state.get("expanded", 0) + self._size(
            node, state.setdefault("sizes", {})
        )
        if state["expanded"] > MAX_EXPANDED_NODES:
            raise _refuse("aliases expand to too many values", node)

    def _size(self, node: Any, sizes: dict[int, int]) -> int:
        """How many values ``node`` stands for, each alias below it counted in full."""
        if id(node) not in sizes:
            sizes[id(node)] = MAX_EXPANDED_NODES + 1  # met again while counting: a cycle
            total = 1 + sum(self._size(child, sizes) for child in _children(node))
            sizes[id(node)] = min(total, MAX_EXPANDED_NODES + 1)
        return sizes[id(node)]
