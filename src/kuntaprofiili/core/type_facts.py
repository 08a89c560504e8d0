"""The classifier's reasons as data: a message key and its values, worded per language later."""

from __future__ import annotations

from dataclasses import dataclass

from kuntaprofiili.core.typecodes import MunicipalityType

FactValue = str | int | float | bool | None


@dataclass(frozen=True, slots=True)
class Fact:
    """One fact behind a type, or one note: ``key`` names the message in classify.toml."""

    key: str
    values: tuple[tuple[str, FactValue], ...] = ()

    @staticmethod
    def of(key: str, **values: FactValue) -> Fact:
        """A fact with its values given as keywords."""
        return Fact(key, tuple(values.items()))

    def get(self, name: str) -> FactValue:
        """One value, None when the fact has no such value."""
        return dict(self.values).get(name)


@dataclass(frozen=True, slots=True)
class TypeReason:
    """Why a type is held (or, among the rejected, why a near candidate is not)."""

    type: MunicipalityType
    facts: tuple[Fact, ...]
