"""build_kpi_tree on driver trees as people write them (tests/data/kpi_trees/*.json).

Each file holds a public `source` (the formula and, where the page gives them, the figures), a `note`
with the hand computation, the call, and the expectations: values ("id.period.field"), consistency
verdicts ("id.period": true / false / null for "to verify"), flags per node, finding codes that must
or must not appear, and for two-period trees the decomposition (total change, contributions, residual).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

from fupan_mcp.analysis.kpi_tree import build_kpi_tree
from fupan_mcp.domain.kpi import KpiTreeResult

CORPUS = sorted((Path(__file__).parent / "data" / "kpi_trees").glob("*.json"))


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _close(got: float | None, want: float) -> bool:
    return got is not None and math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-7)


def test_corpus_is_sourced() -> None:
    assert len(CORPUS) >= 15
    for path in CORPUS:
        case = _load(path)
        assert str(case["source"]).startswith("http"), path.name
        assert case["note"] and case["expect"], path.name


@pytest.mark.parametrize("path", CORPUS, ids=[p.stem for p in CORPUS])
def test_corpus_tree(path: Path) -> None:
    case = _load(path)
    result = build_kpi_tree(**case["call"])
    _check(result, case["expect"])


def _check(result: KpiTreeResult, expect: dict[str, Any]) -> None:
    by_id = {e.id: e for e in result.evaluations}
    for key, want in expect.get("values", {}).items():
        node_id, period, field = key.split(".")
        got = getattr(getattr(by_id[node_id], period), field)
        assert _close(got, want), f"{key}: {got} != {want}"
    for key, want in expect.get("consistent", {}).items():
        node_id, period = key.split(".")
        assert getattr(by_id[node_id], period).consistent is want, key
    for node_id, flags in expect.get("flags", {}).items():
        assert set(flags) <= set(by_id[node_id].flags), (node_id, by_id[node_id].flags)
    codes = {f.code for f in result.findings}
    assert set(expect.get("codes", [])) <= codes, codes
    assert not set(expect.get("no_codes", [])) & codes, [f.message for f in result.findings]
    for code, words in expect.get("message_mentions", {}).items():
        messages = " ".join(f.message for f in result.findings if f.code == code)
        assert all(word in messages for word in words), messages
    if "total_change" in expect:
        decomposition = result.decomposition
        assert decomposition is not None
        assert _close(decomposition.total_change, expect["total_change"])
        got = {c.id: c.value for c in decomposition.contributions}
        for node_id, want in expect.get("contributions", {}).items():
            assert _close(got.get(node_id), want), (node_id, got)
        if "residual" in expect:
            assert _close(decomposition.residual, expect["residual"]), decomposition.residual
