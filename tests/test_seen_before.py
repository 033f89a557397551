"""Team memory: a problem or root cause that earlier reviews already recorded is named in the report
(markdown, HTML, Word; reader and author) and in the update_review result, through a real MCP client.

The store built here: review A (客服系统升级, 2024-03-01, the roster maps 张伟 to 后端负责人) records the
root cause 发布流程缺少权限回归测试环节 and the problem 发布前没有做权限回归测试; review B (2024双十一大促,
2024-11-20) records the root cause 发布流程缺少权限回归测试检查环节. Compared as `text_grams` reads them
(缺少 as 无): A's 12 bigrams, B's 14, 11 shared (all of A's but 试环; B adds 试检, 检查 and 查环), so the
Jaccard is 11 / (12 + 14 - 11) = 0.733, above the 0.5 review_insights groups by.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from fupan_mcp import workspace
from fupan_mcp.analysis.insights import RECURRING_THRESHOLD, issue_similarity
from fupan_mcp.domain.review import Review
from fupan_mcp.store import ReviewStore
from store_backends import BACKENDS, open_backend

ROOT_A = "发布流程缺少权限回归测试环节"
ROOT_B = "发布流程缺少权限回归测试检查环节"
PROBLEM_A = "发布前没有做权限回归测试"
TITLE_A = "客服系统升级 复盘（张伟）"
TITLE_A_MASKED = "客服系统升级 复盘（后端负责人）"


def _whys(problem: str, root: str) -> list[dict[str, Any]]:
    return [{"problem": problem, "whys": ["为什么？上线后权限配置被覆盖"], "root_cause": root}]


async def _call(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content
    assert result.structured_content is not None
    return result.structured_content


async def _two_reviews(client: Client) -> tuple[str, str]:
    first = await _call(
        client,
        "create_review",
        {
            "project": "客服系统升级",
            "title": TITLE_A,
            "review_date": "2024-03-01",
            "review": {
                "problems": [PROBLEM_A],
                "five_whys": _whys("客服后台越权访问", ROOT_A),
                "roster": [{"name": "张伟", "role": "后端负责人"}],
            },
        },
    )
    second = await _call(
        client,
        "create_review",
        {
            "project": "2024双十一大促",
            "title": "双十一大促 复盘",
            "review_date": "2024-11-20",
            "review": {"problems": ["大促当天库存接口超时"], "five_whys": _whys("退款接口越权", ROOT_B)},
        },
    )
    assert first["seen_before"] == []
    assert [(s["kind"], s["text"], s["earlier_text"], s["similarity"]) for s in second["seen_before"]] == [
        ("root_cause", ROOT_B, ROOT_A, round(11 / 15, 3))
    ]
    return first["review"]["id"], second["review"]["id"]


def test_the_similarity_is_the_insights_grouping() -> None:
    assert issue_similarity(ROOT_A, ROOT_B) == pytest.approx(11 / 15)
    assert issue_similarity(PROBLEM_A, PROBLEM_A + "。") == 1.0  # the same normal form
    assert issue_similarity("大促当天库存接口超时", PROBLEM_A) < RECURRING_THRESHOLD


@pytest.mark.anyio
async def test_the_report_of_a_review_names_the_earlier_review(client: Client) -> None:
    first, second = await _two_reviews(client)

    reader = await _call(client, "render_report", {"review_id": second, "audience": "reader"})
    lines = reader["content"].splitlines()
    note = f"  - 此前在《{TITLE_A_MASKED}》（2024-03-01）中也出现过"
    assert note in lines
    assert re.match(r"- .*" + ROOT_B, lines[lines.index(note) - 1])  # right under the root cause
    assert first not in reader["content"] and "相似度" not in reader["content"]  # no ids, no scores
    assert "张伟" not in reader["content"]  # the earlier review's title masked with its own roster

    english = await _call(client, "render_report", {"review_id": second, "audience": "reader", "language": "en"})
    assert f"  - Also came up in “{TITLE_A_MASKED}” (2024-03-01)" in english["content"].splitlines()
    assert first not in english["content"]

    author = await _call(client, "render_report", {"review_id": second, "audience": "author"})
    expected = f"  - 此前见于《{TITLE_A_MASKED}》（2024-03-01，{first}）：{ROOT_A}（相似度 73.3%）"
    assert expected in author["content"].splitlines()

    html = await _call(client, "render_report", {"review_id": second, "format": "html", "language": "en"})
    assert f"<li>Also came up in “{TITLE_A_MASKED}” (2024-03-01)</li>" in html["content"]

    earliest = await _call(client, "render_report", {"review_id": first, "audience": "author"})
    assert "此前见于" not in earliest["content"]  # a later review is no memory of an earlier one

    resource = await client.read_resource(f"fupan://reviews/{second}/report")
    assert expected in resource.contents[0].text.splitlines()  # type: ignore[union-attr]  # markdown: the author's


@pytest.mark.anyio
async def test_the_exported_word_document_carries_the_note(client: Client) -> None:
    docx = pytest.importorskip("docx", reason="Word export needs the optional 'export' extra")
    first, second = await _two_reviews(client)
    exported = await _call(client, "export_report", {"review_id": second, "format": "docx"})
    document = docx.Document(io.BytesIO(Path(exported["path"]).read_bytes()))
    texts = [paragraph.text for paragraph in document.paragraphs]
    assert f"此前在《{TITLE_A_MASKED}》（2024-03-01）中也出现过" in texts
    assert not any(first in text for text in texts)


@pytest.mark.anyio
async def test_update_review_returns_what_its_new_wording_repeats(client: Client) -> None:
    first, second = await _two_reviews(client)
    updated = await _call(
        client,
        "update_review",
        {"review_id": second, "sections": {"problems": [PROBLEM_A + "。", "大促当天库存接口超时"]}},
    )
    assert [(s["kind"], s["text"], s["review_id"], s["similarity"]) for s in updated["seen_before"]] == [
        ("problem", PROBLEM_A + "。", first, 1.0)
    ]
    assert updated["seen_before"][0]["title"] == TITLE_A and updated["id"] == second  # the author's raw record
    same = await _call(client, "update_review", {"review_id": second, "sections": {"lessons": ["大促前先演练"]}})
    assert same["seen_before"] == []  # problems and root causes as they were: nothing new to look up
    report = await _call(client, "render_report", {"review_id": second, "audience": "reader"})
    assert report["content"].count(f"此前在《{TITLE_A_MASKED}》（2024-03-01）中也出现过") == 2  # problem, root cause


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[ReviewStore]:
    with open_backend(request.param, request.config) as opened:
        yield opened


def test_both_stores_find_the_same_earlier_items(store: ReviewStore) -> None:
    today = dt.date(2024, 12, 1)
    old = Review.model_validate({"project": "客服系统升级", "review_date": "2024-03-01", "problems": [PROBLEM_A]})
    old_id = workspace.create_review(store, old, today).review.id
    late = Review.model_validate({"project": "其他项目", "review_date": "2024-12-30", "problems": [PROBLEM_A]})
    workspace.create_review(store, late, today, new_project=True)  # dated after: not memory for the one below
    new = Review.model_validate(
        {"project": "2024双十一大促", "review_date": "2024-11-20", "five_whys": _whys("越权", ROOT_B)}
    )
    created = workspace.create_review(store, new, today)
    assert created.seen_before == []
    updated = workspace.update_review(store, created.review.id, {"problems": ["发布前没有做完整的权限回归测试"]})
    # read as 发布前无权限回归测试 (9 bigrams) and 发布前无完整权限回归测试 (11): 8 shared, 8 / 12
    assert [(s.review_id, s.similarity) for s in updated.seen_before] == [(old_id, round(8 / 12, 3))]
    assert [s.review_id for s in workspace.report_seen_before(store, created.review.id)] == [old_id]
