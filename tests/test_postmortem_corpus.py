"""Public postmortems rendered as a user would review them (tests/data/timelines/*.json with a ``review``): the
timeline of the case plus its impact and SLO figures; every figure the report states is checked against the
hand computation in the case's notes, and a figure that cannot be read is reported alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.report.render import render_report

CASES = [
    path
    for path in sorted((Path(__file__).parent / "data" / "timelines").glob("*.json"))
    if "review" in json.loads(path.read_text(encoding="utf-8"))
]


def document(case: dict[str, Any]) -> dict[str, Any]:
    args = case["args"]
    doc: dict[str, Any] = dict(case["review"]["document"])
    doc |= {"timeline": args["timeline"], "language": args["language"], "review_date": args["review_date"]}
    if args.get("timezone"):
        doc["timezone"] = args["timezone"]
    return doc


def test_there_are_reviews_with_impact_figures() -> None:
    assert len(CASES) >= 4


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_a_public_postmortem_states_the_hand_computed_figures(path: Path) -> None:
    case = json.loads(path.read_text(encoding="utf-8"))
    doc = document(case)
    result = render_report(doc, depth="standard", language=doc["language"])
    for text in case["review"]["expected_text"]:
        assert text in result.content, text
    assert result.findings.error == case["review"]["expected_errors"]
    assert result.failed_sections == []
    timeline = result.timeline
    assert timeline is not None
    for key, want in case["expected"].items():
        if key.endswith("_minutes"):
            assert getattr(timeline, key) == want, key
