"""Tone and privacy check: identifier validity, masking, roster names, blaming language."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fupan_mcp.analysis.compliance import (
    check_compliance,
    find_pii,
    luhn_valid,
    mask_text,
    resident_id_check_digit,
    valid_resident_id,
)
from fupan_mcp.domain.compliance import ComplianceResult, RosterEntry
from fupan_mcp.errors import InputError
from fupan_mcp.report.tool_text import compliance_text

VALID_IDS = ("11010519491231002X", "440524188001010014")


def kinds(text: str, roster: list[RosterEntry] | None = None) -> list[str]:
    return [hit.kind for hit in mask_text(text, roster or [])[1]]


def masked(text: str, roster: list[RosterEntry] | None = None) -> str:
    return mask_text(text, roster or [])[0]


# --- identifiers -------------------------------------------------------------------------------


@pytest.mark.parametrize("value", VALID_IDS)
def test_valid_resident_ids(value: str) -> None:
    assert valid_resident_id(value)
    assert valid_resident_id(value.lower())
    assert resident_id_check_digit(value[:17]) == value[17]


@pytest.mark.parametrize("value", VALID_IDS)
@pytest.mark.parametrize("position", [0, 5, 9, 14, 16])
def test_one_changed_digit_breaks_the_id(value: str, position: int) -> None:
    changed = value[:position] + str((int(value[position]) + 1) % 10) + value[position + 1 :]
    assert not valid_resident_id(changed)
    assert masked(f"身份证 {changed} 已登记") == f"身份证 {changed} 已登记"


def test_wrong_check_character_is_not_an_id() -> None:
    assert not valid_resident_id("110105194912310021")
    assert not valid_resident_id("440524188001010015")


@pytest.mark.parametrize("birth", ["19490230", "19491301", "19490000", "17991231"])
def test_impossible_birth_date_is_not_an_id_even_with_a_right_check_digit(birth: str) -> None:
    first17 = "110105" + birth + "002"
    candidate = first17 + resident_id_check_digit(first17)
    assert not valid_resident_id(candidate)
    assert kinds(candidate) != ["resident_id"]


def test_unknown_province_is_not_an_id() -> None:
    first17 = "190105" + "19491231002"  # 19 is no province
    candidate = first17 + resident_id_check_digit(first17)
    assert not valid_resident_id(candidate)


def test_legacy_fifteen_digit_ids() -> None:
    assert valid_resident_id("110105491231002")
    assert not valid_resident_id("110105491331002")  # month 13
    assert masked("旧证号110105491231002") == "旧证号110105******002"


def test_luhn() -> None:
    assert luhn_valid("79927398713")
    assert luhn_valid("4111111111111111")
    assert luhn_valid("4111 1111 1111 1111")
    assert not luhn_valid("4111111111111112")
    assert not luhn_valid("79927398710")
    assert not luhn_valid("")
    assert not luhn_valid("4111a11111111111")


# --- masking -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", VALID_IDS)
def test_resident_id_masked_keeping_region_and_tail(value: str) -> None:
    text, hits = mask_text(f"申请人证件号:{value}。")
    assert text == f"申请人证件号:{value[:6]}********{value[-4:]}。"
    assert [(h.kind, h.masked) for h in hits] == [("resident_id", f"{value[:6]}********{value[-4:]}")]


def test_id_with_lowercase_x_is_masked_upper() -> None:
    assert masked("11010519491231002x") == "110105********002X"


@pytest.mark.parametrize("card", ["4111111111111111", "4111 1111 1111 1111", "4111-1111-1111-1111"])
def test_bank_card_masked(card: str) -> None:
    text, hits = mask_text(f"退款至卡号 {card} 。")
    assert text == "退款至卡号 4111********1111 。"
    assert hits[0].kind == "bank_card"


def test_card_failing_luhn_is_left_alone() -> None:
    assert masked("单号 4111111111111112") == "单号 4111111111111112"


def test_eleven_digit_luhn_example_is_not_a_card() -> None:
    """Cards are 13–19 digits: the 11-digit Luhn example passes the check but is not masked."""
    assert luhn_valid("79927398713")
    assert masked("编号 79927398713") == "编号 79927398713"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("13800138000", "138****8000"),
        ("+8613800138000", "+86138****8000"),
        ("86-13800138000", "86-138****8000"),
        ("+86 13800138000", "+86 138****8000"),
        ("8613800138000", "86138****8000"),
        ("138-0013-8000", "138****8000"),
    ],
)
def test_mobile_numbers(raw: str, expected: str) -> None:
    text, hits = mask_text(f"值班电话:{raw},请勿外传")
    assert text == f"值班电话:{expected},请勿外传"
    assert [h.kind for h in hits] == ["mobile"]


@pytest.mark.parametrize("raw", ["12800138000", "1380013800", "138001380001"])
def test_not_mobile_numbers(raw: str) -> None:
    assert kinds(raw) == []


@pytest.mark.parametrize(
    "run",
    [
        "12345678901234567890",
        "9" + VALID_IDS[1] + "9",  # a valid ID inside a 20-digit run
        "0000" + "4111111111111111",  # a valid card inside a 20-digit run
        "123456713800138000123",  # a mobile inside a longer run
    ],
)
def test_long_digit_runs_never_match_partially(run: str) -> None:
    assert kinds(f"流水号{run}结束") == []


@given(st.text(alphabet="0123456789", min_size=20, max_size=40))
def test_any_run_of_twenty_digits_or_more_is_left_alone(run: str) -> None:
    assert find_pii(f"x{run}y") == []


@given(st.lists(st.sampled_from([*VALID_IDS, "4111111111111111", "13800138000", "文本", " ", "a@b.cn"])))
def test_masking_is_complete(parts: list[str]) -> None:
    text, _ = mask_text("".join(parts))
    assert [s for s in find_pii(text) if s.kind != "email"] == []


def test_email_masks_local_part() -> None:
    text, hits = mask_text("联系 bob.smith@example.com 或 Alice_W@mail.corp.cn.")
    assert text == "联系 b***@example.com 或 A***@mail.corp.cn."
    assert [h.kind for h in hits] == ["email", "email"]


def test_phone_used_as_mailbox_stays_one_email() -> None:
    assert mask_text("13800138000@163.com")[0] == "1***@163.com"
    assert kinds("13800138000@163.com") == ["email"]


def test_full_width_digits_are_found() -> None:
    assert masked("电话１３８００１３８０００") == "电话138****8000"


def test_offsets_point_into_the_original() -> None:
    text = "A: 13800138000, B: 4111111111111111"
    for hit in mask_text(text)[1]:
        assert text[hit.start : hit.end] in {"13800138000", "4111111111111111"}


def test_all_kinds_in_one_text() -> None:
    text = f"证 {VALID_IDS[0]} 卡 4111111111111111 机 13800138000 邮 a@example.com 人 张伟"
    roster = [RosterEntry(name="张伟", role="项目经理")]
    assert kinds(text, roster) == ["resident_id", "bank_card", "mobile", "email", "name"]
    assert masked(text, roster) == (
        "证 110105********002X 卡 4111********1111 机 138****8000 邮 a***@example.com 人 项目经理"
    )


# --- roster names --------------------------------------------------------------------------------


def test_roster_names_replaced_consistently() -> None:
    roster = [
        RosterEntry(name="张伟"),
        RosterEntry(name="李娜"),
        RosterEntry(name="Bob Smith", aliases=["Bob"]),
    ]
    text, hits = mask_text("张伟和李娜评审了方案,张伟随后与Bob Smith同步;Bob 确认。", roster)
    assert text == "成员A和成员B评审了方案,成员A随后与成员C同步;成员C 确认。"
    assert [h.masked for h in hits] == ["成员A", "成员B", "成员A", "成员C", "成员C"]


def test_roster_labels_in_english_and_by_role() -> None:
    roster = [
        RosterEntry(name="Alice", role="Frontend"),
        RosterEntry(name="Carol", role="Frontend"),
        RosterEntry(name="Dave", role="PM"),
        RosterEntry(name="Erin"),
    ]
    text, _ = mask_text("Alice, Carol, Dave and Erin met; alice agreed.", roster, "en")
    assert text == "Frontend A, Frontend B, PM and Member A met; Frontend A agreed."


def test_ascii_names_match_whole_words_only() -> None:
    roster = [RosterEntry(name="Bob")]
    assert masked("Bobby and Bob", roster) == "Bobby and 成员A"


def test_labels_are_stable_across_fields() -> None:
    roster = [RosterEntry(name="张伟"), RosterEntry(name="李娜")]
    result = check_compliance(fields={"problems[0]": "李娜反馈", "lessons[1]": "张伟和李娜"}, roster=roster)
    assert result.masked_fields == {"problems[0]": "成员B反馈", "lessons[1]": "成员A和成员B"}
    assert [h.path for h in result.pii] == ["problems[0]", "lessons[1]", "lessons[1]"]


# --- tone ----------------------------------------------------------------------------------------


def codes(result: ComplianceResult) -> list[str]:
    return [finding.code for finding in result.tone]


def test_zh_blame_phrases_carry_rewrite_hints() -> None:
    result = check_compliance(text="这次故障是运维的责任,他太粗心了,必须追责。")
    assert codes(result) == ["blame_language", "blame_language", "blame_language"]
    assert all(f.severity == "warning" and f.hint and f.hint in f.message for f in result.tone)
    assert "检查或防错环节" in result.tone[1].hint


def test_en_blame_phrases_carry_rewrite_hints() -> None:
    result = check_compliance(text="Root cause: human error. The on-call should have checked.", language="en")
    assert codes(result) == ["blame_language", "blame_language"]
    assert "what made the slip possible" in result.tone[0].message
    assert "hindsight" in result.tone[1].message


def test_person_with_negative_verb_is_flagged_when_on_the_roster() -> None:
    roster = [RosterEntry(name="Bob")]
    result = check_compliance(text="Bob introduced a bug in the payment path.", roster=roster, language="en")
    assert codes(result) == ["blame_person"]
    finding = result.tone[0]
    assert finding.excerpt == "Member A introduced a bug"
    assert "the change merged without a test covering this path" in finding.message
    assert "Bob" not in finding.excerpt
    assert check_compliance(text="Bob introduced a bug.", language="en").tone == []


@pytest.mark.parametrize(
    "text",
    ["张伟导致线上故障", "张伟在上线前忘记回滚", "张伟没有跑回归", "由于张伟,发布延迟", "这是因为张伟的疏忽"],
)
def test_zh_person_blame(text: str) -> None:
    result = check_compliance(text=text, roster=[RosterEntry(name="张伟", role="后端")])
    assert "blame_person" in codes(result)
    assert all("张伟" not in f.excerpt and "张伟" not in f.message for f in result.tone)


@pytest.mark.parametrize(
    "text",
    ["张伟发现系统没有告警", "张伟负责未来的迁移", "张伟引入了新的框架", "Bob introduced a new framework"],
)
def test_neutral_sentences_with_a_name_are_not_blame(text: str) -> None:
    roster = [RosterEntry(name="张伟"), RosterEntry(name="Bob")]
    assert "blame_person" not in codes(check_compliance(text=text, roster=roster))


def test_absolute_words_are_info() -> None:
    result = check_compliance(text="测试总是最后才做。Releases never slip, obviously.")
    assert codes(result) == ["absolute_language", "absolute_language", "absolute_language"]
    assert {f.severity for f in result.tone} == {"info"}


@pytest.mark.parametrize(
    "text",
    [
        "根本原因是连接池配置错误。",  # a root cause is not absolute language: every postmortem has one
        "从根本上解决重复告警，属于根本性改进。",
        "系统未能完全恢复，部分用户仍受影响。",  # a negation hedges
        "不完全统计，约 300 单受影响。",
        "14:20 服务完全恢复。",  # a state of the service, not a judgement
        "We did not completely restore the cache; it was not always reproducible.",
        "By 14:20 the API was completely restored.",
    ],
)
def test_root_causes_hedges_and_states_are_not_absolute_language(text: str) -> None:
    assert "absolute_language" not in codes(check_compliance(text=text))


@pytest.mark.parametrize(
    "text", ["这根本不是问题。", "这完全是运维的责任。", "He is always late.", "It totally failed."]
)
def test_absolute_words_as_judgements_are_still_found(text: str) -> None:
    assert "absolute_language" in codes(check_compliance(text=text))


# --- the tool ------------------------------------------------------------------------------------


def test_result_never_echoes_raw_values() -> None:
    raw = [VALID_IDS[0], "4111111111111111", "13800138000", "bob@example.com", "张伟"]
    result = check_compliance(
        text="张伟导致事故;" + ";".join(raw), roster=[RosterEntry(name="张伟", role="测试")], mask=False
    )
    dumped = result.model_dump_json()
    assert all(value not in dumped for value in raw)
    assert result.masked_text is None
    assert result.counts.pii == 6


def test_fields_and_counts_and_tool_text() -> None:
    result = check_compliance(
        fields={"overview": "联系人 13800138000", "whys[0].answer": "他太粗心", "lessons[0]": "按时上线"},
        language="en",
    )
    assert result.masked_fields == {
        "overview": "联系人 138****8000",
        "whys[0].answer": "他太粗心",
        "lessons[0]": "按时上线",
    }
    assert result.masked_text is None
    assert result.tone[0].path == "whys[0].answer"
    assert result.counts.model_dump() == {
        "pii": 1,
        "pii_by_kind": {"mobile": 1},
        "tone": 1,
        "tone_by_severity": {"warning": 1},
        "tone_by_code": {"blame_language": 1},
        "fields_checked": 3,
    }
    text = compliance_text(result)
    assert "### Personal data" in text and "| overview | mobile number | 138****8000 |" in text
    assert "Personal data: 1 (mobile number 1); tone findings: 1 (" in text
    assert "13800138000" not in text


def test_clean_text_tool_text_zh() -> None:
    result = check_compliance(text="上线了灰度发布与回滚预案。")
    assert result.pii == [] and result.tone == []
    assert result.masked_text == "上线了灰度发布与回滚预案。"
    assert compliance_text(result) == "### 语气与敏感信息检查\n\n未发现敏感信息或指责性表述。\n"


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"text": "a", "fields": {"x": "b"}}, {"text": "x" * 300_000}, {"fields": {"f": "x" * 30_000}}],
)
def test_bad_input_names_the_field(kwargs: dict[str, object]) -> None:
    with pytest.raises(InputError) as error:
        check_compliance(**kwargs)  # type: ignore[arg-type]
    assert error.value.field in {"text", "fields", "fields.f"}


@pytest.mark.parametrize(("language", "word"), [("zh", "字符"), ("en", "characters")])
def test_bad_input_is_explained_in_the_callers_language(language: str, word: str) -> None:
    with pytest.raises(InputError) as error:
        check_compliance(fields={"f": "x" * 30_000}, language=language)  # type: ignore[arg-type]
    assert error.value.field == "fields.f" and word in error.value.reason
    with pytest.raises(InputError) as error:
        check_compliance(language=language)  # type: ignore[arg-type]
    assert error.value.field == "text" and "`fields`" in error.value.reason


def test_roster_entry_validation() -> None:
    # one character would mask every occurrence of a common character: kept, named, never looked for
    assert RosterEntry(name="张").too_short == [("name", "张")]
    assert RosterEntry(name="张伟", aliases=["伟"]).too_short == [("aliases[0]", "伟")]
    assert mask_text("张伟说伟大的产品", [RosterEntry(name="张伟", aliases=["伟"])])[0].count("伟") == 1
    assert RosterEntry.model_validate("李娜") == RosterEntry(name="李娜")  # a plain name is an entry
    with pytest.raises(ValueError):
        RosterEntry.model_validate({"name": "张伟", "email": "x"})
    with pytest.raises(ValueError):
        RosterEntry(name="")


def test_schema_is_generated() -> None:
    schema = ComplianceResult.model_json_schema()
    assert {"pii", "tone", "counts", "language"} <= set(schema["properties"])
    assert "markdown" not in schema["properties"]  # the text is built by report/tool_text.py


def test_one_field_without_text_is_reported_alone_and_the_others_are_checked() -> None:
    fields: dict[str, object] = {"problems[0]": "联系 13800138000", "problems[1]": None, "owner_phone": 13900139000}
    for language, words in (("zh", "不是文字"), ("en", "holds no text")):
        result = check_compliance(fields=fields, language=language)
        assert [(f.code, f.path) for f in result.findings] == [("field_not_text", "fields.problems[1]")]
        assert words in result.findings[0].message
        assert {hit.path for hit in result.pii} == {"problems[0]", "owner_phone"}  # a number is read as its digits
        assert result.masked_fields is not None and "problems[1]" not in result.masked_fields


def test_the_name_behind_a_label_is_found_in_either_language() -> None:
    from fupan_mcp.analysis.compliance import name_behind_label

    roster = [
        RosterEntry(name="张伟", role="前端"),
        RosterEntry(name="李娜", role="前端"),
        RosterEntry(name="王强"),
        RosterEntry(name="Ann Lee", role="SRE"),
    ]
    assert name_behind_label("前端B", roster, "zh") == "李娜"  # a role two people share gets a letter each
    assert name_behind_label("成员A", roster, "zh") == "王强"
    assert name_behind_label(" member a ", roster, "en") == "王强"
    assert name_behind_label("sre", roster, "en") == "Ann Lee"
    assert name_behind_label("前端", roster, "zh") is None  # shown as 前端A and 前端B, never as 前端
    assert name_behind_label("张伟", roster, "zh") is None  # a name is no label


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ("运维同学操作失误，删除了生产库", "操作失误"),
        ("小王忘记切换流量开关", "忘记"),
        ("开发责任心不强，自测不充分", "责任心不强"),
        ("李四没有按流程操作就直接上线", "没有按流程"),
        ("产品经理拍脑袋决定提前上线", "拍脑袋"),
        ("Root cause: operator error during the failover", "operator error"),
        ("John's mistake took down prod", "John's mistake"),
        ("The on-call didn't follow the runbook", "didn't follow"),
    ],
)
def test_blame_as_reviews_write_it_is_flagged(text: str, phrase: str) -> None:
    """Blaming phrases found in real 复盘 and postmortem drafts, each with a neutral rewrite hint."""
    result = check_compliance(text=text, language="zh")
    assert [finding.excerpt for finding in result.tone] == [phrase]
    assert all(finding.hint for finding in result.tone)


@pytest.mark.parametrize(
    "text", ["用户忘记密码后无法登录", "防误操作设计缺失", "The script made an error on retry", "按流程执行回滚"]
)
def test_look_alikes_of_blame_are_not_flagged(text: str) -> None:
    assert check_compliance(text=text, language="zh").tone == []
