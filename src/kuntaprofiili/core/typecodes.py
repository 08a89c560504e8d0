"""The five municipality types' stable codes.

A module of its own (no pydantic) so the CLI can offer ``--type`` without slowing
``kuntaprofiili --help``; model.py re-exports it.
"""

from enum import StrEnum


class MunicipalityType(StrEnum):
    """The five municipality types of the programme; these codes appear in every output."""

    LARGE_CITY = "large_city"
    REGIONAL_TOWN = "regional_town"
    FRAME_MUNICIPALITY = "frame_municipality"
    SMALL_MUNICIPALITY = "small_municipality"
    SWEDISH_BILINGUAL = "swedish_bilingual"
