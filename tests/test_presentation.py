"""The presentation wing: tool text and report from the same blocks, action urgency, string tables."""

from __future__ import annotations

import datetime as dt

from fupan_mcp.domain.actions import ActionCheck, ActionChecklist, ActionItem
from fupan_mcp.report.sections import urgency_order


def _check(index: int, overdue: bool | None) -> ActionCheck:
    box = ActionChecklist(verb=True, owner=True, due=True, metric=True, addresses=True)
    return ActionCheck(index=index, action="x", checklist=box, score=5, overdue=overdue)


def test_most_urgent_orders_by_status_overdue_priority_then_due() -> None:
    day = dt.date(2025, 6, 1)
    items = [
        ActionItem(action="完成 A", status="done", priority="P0", due=day),  # 0: done, never urgent
        ActionItem(action="推进 B", status="in_progress", priority="P0", due=day),  # 1
        ActionItem(action="启动 C", status="open", priority="P2", due=day),  # 2
        ActionItem(action="启动 D", status="open", priority="P1", due=dt.date(2025, 7, 1)),  # 3
        ActionItem(action="启动 E", status="open", priority="P1", due=dt.date(2025, 6, 15)),  # 4
        ActionItem(action="启动 F", status="open", priority="P3", due=day),  # 5: overdue
        ActionItem(action="放弃 G", status="wont_do", priority="P0", due=day),  # 6: won't do, never urgent
        ActionItem(action="启动 H", status="open"),  # 7: no priority, no date
    ]
    checks = [_check(i, overdue=(i == 5)) for i in range(len(items))]
    # open first (overdue F, then P1 by date E before D, then P2 C, then H without priority), then in progress B
    assert urgency_order(items, checks) == [5, 4, 3, 2, 7, 1]
