"""Values several test modules share (imported as ``helpers``; pytest puts tests/ on the path)."""

from __future__ import annotations

from typing import Any

# A full set of valid answers to tests/fixtures/mini.yaml.
MINI_ANSWERS: dict[str, Any] = {
    "population": 12000,
    "climate_plan": "yes",
    "plan_monitored": "4",
    "co2_per_capita": 7.0,
    "welfare_report": "partly",
    "participation": "some",
    "loan_per_capita": 4500,
    "budget_balanced": "yes",
    "digital_roadmap": "no",
    "broadband_share": 55,
}
