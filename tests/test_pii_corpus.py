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
    assert [span.kind for span in spans] == [case["kind"]] * case.get("count", 1)
    masked, _ = mask_text(case["text"], _roster(case))
    if "masked" in case:
        assert case["masked"] in masked


@pytest.mark.parametrize("case", [c for c in CASES if not c["kind"]], ids=lambda c: c["text"])
def test_look_alikes_are_left_alone(case: dict[str, Any]) -> None:
    assert find_pii(case["text"], _roster(case)) == []


def test_the_corpus_holds_both_sides() -> None:
    kinds = {case["kind"] for case in CASES}
    assert kinds >= {"landline", "mobile", "phone", "resident_id", "passport", "bank_card", "email", "name", None}
    assert len(CASES) >= 200
    assert sum(1 for case in CASES if case["kind"] is None) >= 80  # the look-alikes a mask would turn into misreads


def test_every_entry_says_where_it_comes_from() -> None:
    assert [case["text"] for case in CASES if not case.get("source")] == []
    assert len({case["text"] for case in CASES}) == len(CASES)


def test_no_masked_form_is_found_again() -> None:
    """Masking twice changes nothing: a mask (138****8000, +1 (***) ***-0132) is never read as a new number."""
    for case in CASES:
        roster = _roster(case)
        masked, _ = mask_text(case["text"], roster)
        assert [span.kind for span in find_pii(masked, roster) if span.kind != "name"] == [], case["text"]


def test_every_kind_has_a_label_in_the_texts() -> None:
    """The tool's text and the audit material name each kind of personal data (a landline hit once raised KeyError)."""
    from typing import get_args

    from fupan_mcp.analysis.compliance import check_compliance
    from fupan_mcp.domain.compliance import PiiKind
    from fupan_mcp.materials.strings import TEXT as MATERIAL_TEXT
    from fupan_mcp.report.strings import TEXT as REPORT_TEXT
    from fupan_mcp.report.tool_text import compliance_text

    for kind in get_args(PiiKind):
        for table in (REPORT_TEXT, MATERIAL_TEXT):
            assert {"zh", "en"} <= set(table[f"pii.{kind}"]), kind
    text = "座机 010-62345678,护照号 G12345678,London +44 20 7946 0958"
    for language in ("zh", "en"):
        rendered = compliance_text(check_compliance(text, language=language))
        assert "****5678" in rendered and "G****5678" in rendered and "0958" in rendered


def test_a_long_text_dense_with_near_misses_is_one_pass() -> None:
    """Many failed candidates (Luhn-invalid runs) and real numbers side by side are all found once."""
    text = "卡号 4111111111111112,手机 13800138000;" * 2000
    spans = find_pii(text)
    assert len(spans) == 2000
    assert {span.kind for span in spans} == {"mobile"}


def test_every_identifier_word_passes_the_quick_pre_test() -> None:
    """The set test that spares most numbers the identifier regex never skips a word the regex knows."""
    import re

    from fupan_mcp.analysis import compliance

    source = compliance._IDENTIFIER_WORD.pattern
    connectors = {"no", "number", "id", "of", "was", "is", "reached", "hit"}  # only after a word of the list
    connectors |= {"达到", "超过", "突破", "增至", "降至", "升至"}
    words = {w for w in re.findall(r"[A-Za-z]{2,}|[\u4e00-\u9fff]{2,}", source) if w not in connectors}
    assert len(words) > 60
    for word in words:
        assert not compliance._IDENTIFIER_FIRSTS.isdisjoint(word.lower()), word
