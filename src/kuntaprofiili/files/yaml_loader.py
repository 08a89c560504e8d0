"""The safe YAML loaders of every file the tool reads: no alias bombs, no huge integers.

An alias is a reference, so ``&a [*a, *a, ...]`` nested a few levels deep is a tiny file
that expands to billions of values (an alias bomb) in anything that walks it. Answers
files and drafts never need one: with :class:`NoAliasLoader` the first node built a
second time, which is what an alias is, ends the parse. Questionnaires and content may
share a block with an alias; :class:`BoundedAliasLoader` counts the values each reuse
stands for, and past MAX_EXPANDED_NODES the parse ends. libyaml's parser is used when it
is installed; construction, where these checks live, is Python in both cases.
"""

from __future__ import annotations

from typing import Any

import yaml

# Integers longer than this are no statistic: Python refuses 4,300 digits, and float()
# overflows past 308.
MAX_INT_DIGITS = 30
# A questionnaire has a few thousand values.
MAX_EXPANDED_NODES = 200_000

_Base: type[Any] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
        """An integer of at most MAX_INT_DIGITS digits."""
        digits = sum(c.isdigit() for c in str(node.value))
        if digits > MAX_INT_DIGITS:
            raise _refuse(f"a number of {digits} digits is too long", node)
        return int(super().construct_yaml_int(node))


NoAliasLoader.add_constructor("tag:yaml.org,2002:int", NoAliasLoader.construct_yaml_int)


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
