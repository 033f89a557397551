"""Projects as identities, stemmed English search, the new indexed sections and filters, on every store."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from fupan_mcp import workspace
from fupan_mcp.domain.review import Review
from fupan_mcp.errors import InputError
from fupan_mcp.store import ReviewStore, SQLiteStore
from fupan_mcp.store import sqlite as sqlite_store
from fupan_mcp.store.projects import Project, did_you_mean, project_key, similar_projects, similarity
from store_backends import BACKENDS, open_backend

TODAY = dt.date(2024, 12, 1)


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest) -> Iterator[ReviewStore]:
    with open_backend(request.param, request.config) as s:
        yield s


def _create(store: ReviewStore, project: str, date: str, new_project: bool = False, **fields: object) -> str:
    review = Review.model_validate({"project": project, "review_date": date, **fields})
    return workspace.create_review(store, review, TODAY, new_project=new_project).review.id


def test_names_differing_in_spacing_width_case_punctuation_are_one_key() -> None:
    assert project_key("2024 双十一大促") == project_key("2024双十一大促") == project_key("２０２４双十一大促！")
    assert project_key("SaaS MVP") == project_key("saas-mvp") == project_key("ＳａａＳ　ＭＶＰ")
    assert project_key("2024双十一大促") != project_key("2024双十二大促")


def test_similarity_is_bigram_jaccard_near_misses_and_far_names() -> None:
    # 2024双十一大促 / 2024双十二大促: 6 shared bigrams of 10
    assert similarity(project_key("2024双十一大促"), project_key("2024双十二大促")) == pytest.approx(0.6)
    # 双十一大促 / 2024双十一大促: 4 shared of 8
    assert similarity(project_key("双十一大促"), project_key("2024双十一大促")) == pytest.approx(0.5)
    stored = [Project(id="P-1", name="2024双十一大促"), Project(id="P-2", name="客服系统升级")]
    assert [p.name for p, _ in similar_projects("2024双十二大促", stored)] == ["2024双十一大促"]
    assert similar_projects("Payment gateway migration", stored) == []


def test_review_project_variants_share_identity_and_follow_up(store: ReviewStore) -> None:
    first = Review.model_validate(
        {
            "project": "2024 双十一大促",
            "review_date": "2024-11-20",
            "actions": [{"action": "补充压测脚本", "owner": "张伟", "due": "2024-11-25"}],
        }
    )
    workspace.create_review(store, first, TODAY)
    second = Review.model_validate({"project": "２０２４双十一大促！", "review_date": "2024-12-01"})
    created = workspace.create_review(store, second, TODAY)
    assert created.review.project_id is not None
    assert [a.action for a in created.earlier_open_actions] == ["补充压测脚本"]
    assert created.earlier_open_actions[0].days_overdue == 6  # 2024-11-25 to 2024-12-01, as of the review date
    assert len(store.list_reviews(project="2024双十一大促")) == 2
    assert len(store.list_actions(project="2024 双十一大促")) == 1
    assert [p.name for p in store.list_projects()] == ["2024 双十一大促"]


def test_close_new_name_answers_did_you_mean_unless_new_project(store: ReviewStore) -> None:
    _create(store, "2024双十一大促", "2024-11-20")
    with pytest.raises(InputError) as caught:
        _create(store, "2024双十二大促", "2024-12-20")
    assert caught.value.field == "project"
    assert "2024双十一大促" in caught.value.reason and "new_project" in caught.value.reason
    assert "相近" in caught.value.reason  # the review's language, zh by default
    with pytest.raises(InputError) as english:
        _create(store, "2024双十二大促", "2024-12-20", language="en")
    assert "similar" in english.value.reason
    assert store.list_reviews(project="2024双十二大促") == []  # nothing stored
    _create(store, "2024双十二大促", "2024-12-20", new_project=True)
    _create(store, "客服系统升级", "2024-12-21")  # a far name needs no confirmation
    assert len(store.list_projects()) == 3


def test_alias_joins_a_name_to_a_project(store: ReviewStore) -> None:
    _create(store, "Double Eleven 2024", "2024-11-20")
    project = store.add_project_alias("double eleven 2024", "双十一大促")
    assert project.aliases == ["双十一大促"]
    assert len(store.list_reviews(project="双十一大促")) == 1
    _create(store, "Checkout revamp", "2024-11-21")
    with pytest.raises(InputError) as caught:
        store.add_project_alias("Checkout revamp", "双十一 大促")
    assert caught.value.field == "alias"


def test_english_stemming_and_new_sections_with_filters(store: ReviewStore) -> None:
    _create(
        store,
        "SaaS MVP",
        "2024-05-10",
        project_type="saas",
        lessons=["Review permission changes before each release"],
        swot={"threats": ["A competitor deployed a cheaper plan"]},
        risks=[{"risk": "Deployment window overlaps the sale", "response": "freeze changes"}],
        actions=[{"action": "Automate the deployments of the billing service", "owner": "Li"}],
    )
    _create(store, "Checkout revamp", "2024-08-01", project_type="ecommerce", lessons=["权限变更需要评审"])
    hits = store.search_lessons("permissions")
    assert [(h.kind, h.section) for h in hits] == [("lesson", "lessons")]
    assert "**permission**" in hits[0].snippet
    deployed = store.search_lessons("deployed")
    assert sorted(h.section for h in deployed) == ["actions", "risks", "swot.threats"]
    assert [h.kind for h in store.search_lessons("deployed", kinds=["swot"])] == ["swot"]
    assert store.search_lessons("deployed", review_type="ecommerce") == []
    assert store.search_lessons("deployed", date_from="2024-06-01") == []
    assert len(store.search_lessons("deployed", date_to="2024-05-10", project="saas-mvp")) == 3
    assert [h.project for h in store.search_lessons("权限")] == ["Checkout revamp"]


def test_migration_gives_old_reviews_project_identities_and_stems(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for migration in sqlite_store.MIGRATIONS[:3]:
        assert not callable(migration)
        for statement in migration:
            conn.execute(statement)
    conn.execute("PRAGMA user_version = 3")
    for rid, project, created in (
        ("R-1", "2024 双十一大促", "1"),
        ("R-2", "２０２４双十一大促", "2"),
        ("R-3", "Other", "3"),
    ):
        conn.execute(
            "INSERT INTO reviews VALUES (?, ?, 't', NULL, '2024-11-01', 'zh', ?, ?)", (rid, project, created, created)
        )
    conn.execute(
        "INSERT INTO lessons (review_id, seq, kind, text, terms) VALUES ('R-1', 0, 'lesson', ?, ?)",
        ("Check permissions early", "check permissions early"),
    )
    conn.commit()
    conn.close()
    with SQLiteStore(path) as store:
        assert store.schema_version() == len(sqlite_store.MIGRATIONS)
        first, second, other = (store.get_review(r) for r in ("R-1", "R-2", "R-3"))
        assert first.project_id == second.project_id != other.project_id
        assert (first.project, second.project) == ("2024 双十一大促", "２０２４双十一大促")  # names kept
        assert [p.name for p in store.list_projects()] == ["2024 双十一大促", "Other"]
        assert [h.review_id for h in store.search_lessons("permission")] == ["R-1"]


def test_create_review_surfaces_problems_seen_before(store: ReviewStore) -> None:
    old = _create(store, "客服系统升级", "2024-03-01", problems=["发布前没有做权限回归测试"])
    _create(store, "Checkout revamp", "2024-04-01", problems=["Payment timeouts at peak"])
    review = Review.model_validate(
        {
            "project": "2024双十一大促",
            "review_date": "2024-11-20",
            "problems": ["发布前没有做权限回归测试！", "大促当天库存接口超时"],
        }
    )
    created = workspace.create_review(store, review, TODAY)
    assert [(s.review_id, s.text, s.similarity) for s in created.seen_before] == [
        (old, "发布前没有做权限回归测试！", 1.0)
    ]
    assert created.seen_before[0].title == "客服系统升级" and created.seen_before[0].review_date == dt.date(2024, 3, 1)


def test_a_project_created_after_the_lookup_is_that_project_not_a_near_miss() -> None:
    """Two creates of one new project at once: the second looked the name up before the first stored it,
    then lists the projects and finds the very same key; that is the project, not a "did you mean"."""
    stored = [Project(id="p1", name="年中大促整合营销", aliases=[])]
    assert did_you_mean("年中大促整合营销", stored, "zh") is None
    assert did_you_mean("年中大促 整合营销", stored, "zh") is None  # the same key
    assert did_you_mean("年中大促整合营销二期", stored, "zh") is not None  # still a near miss


def test_a_name_with_its_numerals_in_the_other_script_is_a_near_miss(store: ReviewStore) -> None:
    # 2024双11大促 / 2024双十一大促 share 4 bigrams of 12 as written (0.33); with 十一 read as 11 they are one name
    assert similarity(project_key("2024双11大促"), project_key("2024双十一大促")) == pytest.approx(1.0)
    assert similarity(project_key("第3期迁移"), project_key("第三期迁移")) == pytest.approx(1.0)
    assert similarity(project_key("2024双十二大促"), project_key("2024双十一大促")) == pytest.approx(0.6)  # unchanged
    _create(store, "2024 双十一大促", "2024-11-20")
    with pytest.raises(InputError) as caught:
        _create(store, "2024双11大促", "2024-11-25")
    assert caught.value.field == "project" and "2024 双十一大促" in caught.value.reason
    assert store.list_reviews(project="2024双11大促") == []  # nothing stored under a new history
