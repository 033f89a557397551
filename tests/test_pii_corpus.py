"""Personal data as people really write it is masked, and the look-alikes they also write are not."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.analysis.compliance import find_pii, mask_text
from fupan_mcp.domain.compliance import RosterEntry

CORPUS = Path(__file__).parent / "data" / "pii_corpus.jsonl"
CASES: list[dict[str, Any]] = [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line]


def _roster(case: dict[str, Any]) -> list[RosterEntry]:
    return [RosterEntry.model_validate(entry) for entry in case.get("roster", [])]


@pytest.mark.parametrize("case", [c for c in CASES if c["kind"]], ids=lambda c: c["text"])
def test_real_forms_are_masked(case: dict[str, Any]) -> None:
    spans = find_pii(case["text"], _roster(case))
    assert [span.kind for span in spans] == [case["kind"]]
    masked, _ = mask_text(case["text"], _roster(case))
    assert case["masked"] in masked


@pytest.mark.parametrize("case", [c for c in CASES if not c["kind"]], ids=lambda c: c["text"])
def test_look_alikes_are_left_alone(case: dict[str, Any]) -> None:
    assert find_pii(case["text"], _roster(case)) == []


def test_the_corpus_holds_both_sides() -> None:
    kinds = {case["kind"] for case in CASES}
    assert kinds >= {"landline", "mobile", "resident_id", "passport", "bank_card", "email", "name", None}


def test_a_long_text_dense_with_near_misses_is_one_pass() -> None:
    """Many failed candidates (Luhn-invalid runs) and real numbers side by side are all found once."""
    text = "卡号 4111111111111112,手机 13800138000;" * 2000
    spans = find_pii(text)
    assert len(spans) == 2000
    assert {span.kind for span in spans} == {"mobile"}
