"""Changes a review states with both figures, recomputed (materials.stated_changes, audit_review).

Hand-computed: 2.1% → 2.8% is +0.7 pp, +33.3% (anything from 27.9% to 39.0% for figures that round to the
written ones); 180 → 201.6 is +12%; 5.0% → 4.2% is -16% (-0.8 pp); 28% → 25% is -3 pp, -10.7%."""

from __future__ import annotations

import pytest

from fupan_mcp.materials.api import audit_review
from fupan_mcp.materials.stated_changes import stated_changes


@pytest.mark.parametrize(
    ("sentence", "verdict", "relative", "points"),
    [
        ("转化率从2.1%提升到2.8%，提升了33%。", "agrees", 1 / 3, 0.7),
        ("转化率从2.1%提升到2.8%，提升了0.7个百分点。", "agrees", 1 / 3, 0.7),
        ("转化率从2.1%提升到2.8%，提升了0.7%。", "change_unit", 1 / 3, 0.7),
        ("转化率从2.1%提升到2.8%，提升了50%。", "change_mismatch", 1 / 3, 0.7),
        ("客单价同比增长12%，由180元提升至201.6元。", "agrees", 0.12, None),
        ("客单价同比增长15%，由180元提升至201.6元。", "change_mismatch", 0.12, None),
        ("复购率下降3个百分点，从28%降至25%。", "agrees", -3 / 28, -3.0),
        ("复购率从28%提升至25%，提升了3个百分点。", "change_direction", -3 / 28, -3.0),
        ("复购率从28%提升至25%。", "change_direction", -3 / 28, -3.0),
        ("库存周转天数由45天缩短到38天。", "agrees", -7 / 45, None),
        ("GMV从1000万增长到1500万，增长了40%。", "change_mismatch", 0.5, None),
        ("整体预约转化率从12.4%提升到23.1%（+86%）。", "agrees", 23.1 / 12.4 - 1, 10.7),
        ("Churn fell from 5.0% to 4.2%, a 16% reduction.", "agrees", -0.16, -0.8),
        ("Churn fell from 5.0% to 4.2%, a 26% reduction.", "change_mismatch", -0.16, -0.8),
        ("Conversion rose 33% from 2.1% to 2.8%.", "agrees", 1 / 3, 0.7),
        ("Conversion went from 2.1% to 2.8% (+0.7%).", "change_unit", 1 / 3, 0.7),
        ("Conversion went from 2.1% to 2.8% (+0.7pp).", "agrees", 1 / 3, 0.7),
        ("p99 latency dropped from 300ms to 420ms.", "change_direction", 0.4, None),
        ("Latency went from 400 ms to 300 ms, down 25%.", "agrees", -0.25, None),
    ],
)
def test_a_stated_change_is_checked_against_its_two_figures(
    sentence: str, verdict: str, relative: float, points: float | None
) -> None:
    [change] = stated_changes(sentence)
    assert change.verdict == verdict
    assert change.relative == pytest.approx(relative)
    if points is None:
        assert change.points is None
    else:
        assert change.points == pytest.approx(points)


@pytest.mark.parametrize(
    "sentence",
    [
        "MAU grew from 1.2M to 1.5M, a 20% increase.",  # 1.15M..1.25M to 1.45M..1.55M: 16%..35% fits 20%
        "转化率从2.1%提升到2.8%，目标提升30%。",  # the 30% is a target, not the change
        "NPS from 30 to 38, up 8 points.",  # points of a score: nothing to mix up
        "版本从2.1升级到2.3。",  # no change word of a figure
    ],
)
def test_what_the_written_figures_allow_or_what_is_no_stated_change_is_not_called_wrong(sentence: str) -> None:
    assert all(change.verdict == "agrees" for change in stated_changes(sentence))


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh", ("0.7 个百分点", "33.3%", "按两端数据复算为 12%", "方向与数据相反")),
        ("en", ("0.7 percentage points", "33.3%", "the two figures give 12%", "other way round")),
    ],
)
def test_audit_review_reports_each_wrong_change_where_it_is(language: str, words: tuple[str, ...]) -> None:
    text = (
        "## 成果\n"
        "- 转化率从2.1%提升到2.8%，提升了0.7%。\n"
        "- 客单价同比增长15%，由180元提升至201.6元。\n"
        "- 复购率从28%提升至25%。\n"
        "- 新客占比从30%提升到36%，提升了20%。\n"
    )
    result = audit_review(text.encode(), "markdown", language)  # type: ignore[arg-type]
    assert [c.verdict for c in result.changes] == ["change_unit", "change_mismatch", "change_direction", "agrees"]
    assert [c.location for c in result.changes] == ["line 2", "line 3", "line 4", "line 5"]
    found = {f.code: f for f in result.findings if f.code.startswith("change_")}
    assert (found["change_unit"].severity, found["change_mismatch"].severity) == ("warning", "error")
    assert found["change_direction"].severity == "error"
    messages = " ".join(f.message for f in found.values())
    assert all(word in messages for word in words)


@pytest.mark.anyio
async def test_stated_changes_through_the_client() -> None:
    from mcp import Client

    from fupan_mcp.app import create_server

    text = "## 成果\n- 转化率从2.1%提升到2.8%，提升了0.7%。\n"
    async with Client(create_server()) as client:
        result = await client.call_tool("audit_review", {"content": text, "format": "markdown"})
    assert not result.is_error and result.structured_content is not None
    [change] = result.structured_content["changes"]
    assert (change["start"], change["end"], change["stated"], change["verdict"]) == (
        "2.1%",
        "2.8%",
        "0.7%",
        "change_unit",
    )
    assert change["relative"] == pytest.approx(1 / 3, abs=1e-6) and change["points"] == pytest.approx(0.7)
    assert "复算了 0 项目标/实际表述、1 项变化" in result.content[0].text


@pytest.mark.parametrize("language", ["zh", "en"])
def test_a_table_of_before_after_and_change_is_checked_row_by_row(language: str) -> None:
    """The funnel table of a public A/B 复盘 (hao.ren8.com/990.html), one figure changed: 23.1 / 12.4 = +86.3%,
    written +68%. 92 / 85 = +8.2%, 78 / 49 = +59.2%, 68 / 35 = +94.3%; 1.2% → 0.9% is -0.3 pp (-25%)."""
    text = (
        "## 效果对比\n\n"
        "| 指标 | 旧版本(95%用户) | 新版本(5%用户) | 提升 |\n|---|---|---|---|\n"
        "| 参与→进入预约 | 85% | 92% | +8% |\n"
        "| 填写车牌→选择套餐 | 49% | 78% | +59% |\n"
        "| 选择套餐→提交 | 35% | 68% | +94% |\n"
        "| 整体预约转化率 | 12.4% | 23.1% | +68% |\n\n"
        "| Metric | Before | After | Change |\n|---|---|---|---|\n"
        "| Handle time | 2.8h | 1.7h | -39% |\n"
        "| Complaint rate | 1.2% | 0.9% | -0.3% |\n"
        "| Tickets | 120 | 90 | n/a |\n"
    )
    result = audit_review(text.encode(), "markdown", language)  # type: ignore[arg-type]
    assert [c.verdict for c in result.changes] == ["agrees"] * 3 + ["change_mismatch", "agrees", "change_unit"]
    assert result.changes[3].relative == pytest.approx(23.1 / 12.4 - 1, abs=1e-6)
    assert result.changes[3].location.endswith("row 5")
    assert result.changes[4].relative == pytest.approx(-1.1 / 2.8, abs=1e-6)
    assert not [m for m in result.metrics if m.location.startswith("table")]  # no target: nothing to judge
    [unread] = [u for u in result.unreadable if u.location.endswith("row 4") and "Tickets" in (u.excerpt or "")]
    assert unread.code == "figure_unreadable"
    assert not [u for u in result.unreadable if u.code == "table_unread"]
