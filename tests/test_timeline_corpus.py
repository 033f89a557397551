"""Public postmortems' timelines, written the way their authors wrote the times, give the durations computed
by hand from the source (tests/data/timelines/*.json: each file names its sources and shows the arithmetic)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.analysis.timeline import check_timeline

CORPUS = sorted((Path(__file__).parent / "data" / "timelines").glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return case


def test_the_corpus_is_there_and_cites_its_sources() -> None:
    assert len(CORPUS) >= 15
    for path in CORPUS:
        case = load(path)
        assert case["source"] and all(url.startswith("http") for url in case["source"]), path.name
        assert case["expected"], path.name


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_a_public_timeline_gives_the_hand_computed_durations(path: Path) -> None:
    case = load(path)
    args = case["args"]
    review = dt.date.fromisoformat(args["review_date"]) if args.get("review_date") else None
    result = check_timeline(args["timeline"], args.get("timezone"), args["language"], review_date=review)
    got = result.model_dump()
    for key, want in case["expected"].items():
        if key in ("start", "end"):
            assert got[key] == dt.datetime.fromisoformat(want), key
        else:
            assert got[key] == want, key
    # every event read: none refused, and only the findings the source's wording calls for
    assert len(result.events) == len(args["timeline"])
    assert sorted({f.code for f in result.findings}) == sorted(case["expected_findings"])
    # durations from a time written as approximate say so, and only those
    approximate = sorted(d.key for d in result.durations if d.approximate)
    assert approximate == sorted(case.get("expected_approximate", [])), approximate
