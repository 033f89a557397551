"""The incident timeline: times read in their zones, durations computed by hand, the story checked.

The first timeline is the public example postmortem of Google's SRE book (incident #465, all times UTC):
outage begins 14:54, on-call paged 14:55, incident declared 15:01, mitigated 15:36, outage ends 16:00,
incident ends 16:30, traffic surge (the trigger) 14:53.
"""

from __future__ import annotations

import datetime as dt

import pytest

from fupan_mcp.analysis.timeline import check_severity, check_timeline, duration_text, parse_zone
from fupan_mcp.domain.compliance import RosterEntry
from fupan_mcp.domain.timeline import TimelineEvent, event_kind
from fupan_mcp.errors import InputError

SONNET = [
    {"at": "2015-10-21 14:51", "kind": "news", "text": "News reports a newly found sonnet"},
    {"at": "14:53", "kind": "trigger", "text": "Traffic to search rises 88-fold"},
    {"at": "14:54", "kind": "OUTAGE BEGINS", "text": "Search backends start failing under load"},
    {"at": "14:55", "kind": "detected", "text": "The on-call engineer is paged: ManyHttp500s"},
    {"at": "15:01", "kind": "incident declared", "text": "Incident declared; incident commander named"},
    {"at": "15:36", "kind": "outage mitigated", "text": "Updated index replicated to all clusters"},
    {"at": "16:00", "kind": "outage ends", "text": "All traffic balanced across all clusters"},
    {"at": "16:30", "kind": "incident ends", "text": "Exit criterion of 30 minutes nominal met"},
]


def codes(result: object) -> list[str]:
    return [f.code for f in result.findings]  # type: ignore[attr-defined]


def test_the_sre_book_timeline_gives_the_hand_computed_durations() -> None:
    result = check_timeline(SONNET, "UTC", "en")
    # detected - impact_start = 14:55 - 14:54; mitigated 15:36 - 14:54; resolved 16:30 - 14:54 = 96
    assert result.time_to_detect_minutes == 1
    assert result.time_to_escalate_minutes == 6  # 15:01 - 14:55
    assert result.time_to_mitigate_minutes == 42
    assert result.time_to_resolve_minutes == 96
    assert result.impact_duration_minutes == 66  # the book's "down for 66 minutes"
    assert result.trigger_to_impact_minutes == 1
    assert [d.text for d in result.durations] == ["1 min", "6 min", "42 min", "1 h 36 min", "1 h 6 min", "1 min"]
    assert result.findings == [] and result.data_gaps == []
    assert result.events[2].minutes_from_start == 0 and result.events[0].minutes_from_start == -3
    assert result.start == dt.datetime(2015, 10, 21, 14, 51, tzinfo=dt.timezone.utc)
    assert [e.kind for e in result.events][:3] == ["news", "trigger", "impact_start"]
    assert result.events[0].known_kind is False


def test_durations_in_chinese_use_chinese_units() -> None:
    result = check_timeline(SONNET, "UTC", "zh")
    assert [d.text for d in result.durations][3:5] == ["1小时36分钟", "1小时6分钟"]
    assert duration_text(1.5, "zh") == "1分钟30秒"
    assert duration_text(60 * 24 + 61, "en") == "1 d 1 h 1 min"
    assert duration_text(0, "en") == "0 min"
    assert duration_text(-5, "zh") == "-5分钟"


def test_times_in_different_zones_are_compared_as_instants() -> None:
    events = [
        {"at": "2024-03-01T10:00:00+08:00", "kind": "impact_start", "text": "Checkout errors begin"},
        {"at": "2024-03-01T02:25:00Z", "kind": "detected", "text": "Alert fires"},
        {"at": "2024-03-01 11:40", "kind": "mitigated", "text": "Rollback complete"},  # read in Asia/Shanghai
        {"at": "2024年3月1日 12:05", "kind": "resolved", "text": "Fix deployed"},
    ]
    result = check_timeline(events, "Asia/Shanghai", "en")
    assert result.time_to_detect_minutes == 25  # 02:25 UTC is 10:25 in Shanghai
    assert result.time_to_mitigate_minutes == 100  # 11:40 - 10:00
    assert result.time_to_resolve_minutes == 125
    assert "out_of_order" not in codes(result)


def test_a_daylight_saving_jump_is_not_an_hour_of_outage() -> None:
    events = [
        {"at": "2024-03-10 01:30", "kind": "impact_start", "text": "Errors begin"},
        {"at": "2024-03-10 03:30", "kind": "impact_end", "text": "Errors end"},
    ]
    # Los Angeles skips 02:00-03:00 that night: 01:30 PST to 03:30 PDT is one hour
    assert check_timeline(events, "America/Los_Angeles", "en").impact_duration_minutes == 60
    assert check_timeline(events, "UTC", "en").impact_duration_minutes == 120


def test_offsets_and_zone_names_are_read() -> None:
    assert parse_zone("+08:00") == dt.timezone(dt.timedelta(hours=8))
    assert parse_zone("UTC-7") == dt.timezone(dt.timedelta(hours=-7))
    assert parse_zone("Z") == dt.timezone.utc
    assert parse_zone("Mars/Olympus") is None
    assert parse_zone("CST6CDT") is not None
    assert str(parse_zone("PT")) == "America/Los_Angeles" and str(parse_zone("北京时间")) == "Asia/Shanghai"
    assert parse_zone("CST") is None and parse_zone("PST") is None  # an abbreviation is not a zone


def test_out_of_order_duplicate_and_impossible_events_are_findings() -> None:
    events = [
        {"at": "2024-05-02 09:00", "kind": "impact_start", "text": "Queue backs up"},
        {"at": "2024-05-02 09:40", "kind": "resolved", "text": "Backlog drained"},
        {"at": "2024-05-02 09:50", "kind": "detected", "text": "Customer ticket arrives"},
        {"at": "2024-05-02 09:20", "kind": "change", "text": "Worker pool resized"},
        {"at": "2024-05-02 09:20", "kind": "change", "text": "Worker pool resized."},
        {"at": "2024-05-02 08:50", "kind": "impact_end", "text": "Queue empty"},
    ]
    result = check_timeline(events, "UTC", "en")
    found = {(f.code, f.severity, f.path) for f in result.findings}
    assert ("out_of_order", "warning", "timeline[3].at") in found
    assert ("duplicate_event", "warning", "timeline[4]") in found
    assert ("sequence_impossible", "error", "timeline[1].at") in found  # resolved before detected
    assert ("sequence_impossible", "error", "timeline[5].at") in found  # impact ends before it starts
    assert result.time_to_detect_minutes == 50
    assert result.impact_duration_minutes == -10  # computed as given, and flagged
    assert result.counts.error == 2
    message = next(f.message for f in result.findings if f.path == "timeline[1].at")
    assert "resolved" in message and "detected" in message


def test_a_bad_time_is_reported_alone_and_the_rest_computed() -> None:
    events = [
        {"at": "2024-05-02 09:00", "kind": "impact_start", "text": "Errors begin"},
        {"at": "25:10", "kind": "detected", "text": "Alert"},
        {"at": "yesterday afternoon", "kind": "mitigated", "text": "Rollback"},
        {"at": "2024-02-30 10:00", "kind": "resolved", "text": "Fixed"},
        {"at": "09:30", "kind": "impact_end", "text": "Errors end"},
    ]
    result = check_timeline(events, "UTC", "zh")
    assert {(f.code, f.path) for f in result.findings} >= {
        ("at_impossible", "timeline[1].at"),
        ("at_unreadable", "timeline[2].at"),
        ("at_impossible", "timeline[3].at"),
    }
    assert result.impact_duration_minutes == 30
    assert {gap.field for gap in result.data_gaps} == {"detected", "mitigated", "resolved"}
    assert "小时应在 0–23 之间" in next(f.message for f in result.findings if f.path == "timeline[1].at")


def test_a_time_of_day_needs_a_date_before_it() -> None:
    result = check_timeline([{"at": "14:54", "kind": "impact_start", "text": "Errors"}], "UTC", "en")
    assert codes(result) == ["no_date"] and result.events == []
    dated = check_timeline(
        [{"at": "14:54", "kind": "impact_start", "text": "Errors"}], "UTC", "en", default_date=dt.date(2015, 10, 21)
    )
    assert dated.events[0].at == dt.datetime(2015, 10, 21, 14, 54, tzinfo=dt.timezone.utc)


def test_zones_missing_unknown_or_mixed() -> None:
    naive = check_timeline(SONNET, None, "en")
    assert codes(naive) == ["timezone_missing"] and naive.time_to_mitigate_minutes == 42
    unknown = check_timeline(SONNET, "Atlantis/Nowhere", "en")
    assert "timezone_unknown" in codes(unknown)
    mixed = check_timeline(
        [
            {"at": "2024-01-01T10:00Z", "kind": "impact_start", "text": "a"},
            {"at": "2024-01-01 10:30", "kind": "detected", "text": "b"},
        ],
        None,
        "en",
    )
    assert codes(mixed) == ["no_zone"] and mixed.time_to_detect_minutes is None


def test_event_after_the_review_date() -> None:
    result = check_timeline(SONNET, "UTC", "en", review_date=dt.date(2015, 10, 20))
    assert codes(result).count("event_after_review") == len(SONNET)


def test_repeated_milestones_use_the_first_start_and_the_last_resolution() -> None:
    events = [
        {"at": "2024-01-01 10:00", "kind": "impact_start", "text": "Errors"},
        {"at": "2024-01-01 10:30", "kind": "resolved", "text": "Looked fixed"},
        {"at": "2024-01-01 10:45", "kind": "impact_start", "text": "Errors again"},
        {"at": "2024-01-01 11:30", "kind": "resolved", "text": "Fixed for good"},
    ]
    result = check_timeline(events, "UTC", "en")
    assert result.time_to_resolve_minutes == 90
    assert codes(result).count("repeated_milestone") == 2


def test_tone_check_runs_on_the_timeline_text_and_names_become_roles() -> None:
    events = [
        {"at": "2024-01-01 10:00", "kind": "impact_start", "text": "Bob pushed a bad config"},
        {"at": "2024-01-01 10:05", "kind": "detected", "text": "运维太粗心了,没看告警"},
    ]
    roster = [RosterEntry(name="Bob", role="Release engineer")]
    result = check_timeline(events, "UTC", "en", roster=roster)
    found = {(f.code, f.path) for f in result.findings}
    assert ("names_person", "timeline[0].text") in found
    assert ("blame_language", "timeline[1].text") in found
    names = next(f for f in result.findings if f.code == "names_person")
    assert "Release engineer" in names.message


def test_kinds_are_normalised_and_free_labels_kept() -> None:
    assert event_kind("Impact start") == "impact_start"
    assert event_kind("止损") == "mitigated"
    assert event_kind("Outage Ends") == "impact_end"
    assert event_kind("Customer report") == "Customer report"
    assert TimelineEvent(at="10:00", kind=" ", text="x").kind is None


@pytest.mark.parametrize(
    ("label", "kind"),
    [
        ("Engineers were paged", "detected"),
        ("The on-call engineer was paged", "detected"),  # GitHub, June 2022: 'Our on-call engineer was paged'
        ("Alert fired", "detected"),
        ("PagerDuty alert fired", "detected"),
        ("Issue detected", "detected"),
        ("Customer impact begins", "impact_start"),
        ("Start of impact", "impact_start"),
        ("Mitigation applied", "mitigated"),
        ("Customer impact mitigated", "mitigated"),
        ("Incident resolved", "resolved"),
        ("The incident was resolved", "resolved"),
        ("Customer impact ends", "impact_end"),
        ("Service restored", "impact_end"),
        ("告警触发", "detected"),
        ("收到报警", "detected"),  # Bilibili 2021-07-13: 'SRE 和客服收到大量服务不可用的报警'
        ("值班同学收到告警", "detected"),
        ("故障发生", "impact_start"),
        ("完成止血", "mitigated"),
        ("故障已缓解", "mitigated"),
        ("核心业务全部恢复", "resolved"),
        ("问题已解决", "resolved"),
        # not reached yet, or only in part: kept as labels, never a milestone
        ("Partial recovery", "Partial recovery"),
        ("Recovery begins", "Recovery begins"),
        ("Mitigation started", "Mitigation started"),
        ("Service started", "Service started"),  # a service coming up, not an impact start
        ("Root cause identified", "Root cause identified"),
        ("部分恢复", "部分恢复"),
        ("开始恢复", "开始恢复"),
        ("逐步恢复", "逐步恢复"),
        ("开始止血", "开始止血"),
        ("告警恢复", "告警恢复"),
    ],
)
def test_a_kind_written_as_a_sentence_names_its_milestone(label: str, kind: str) -> None:
    assert event_kind(label) == kind


def test_a_malformed_event_names_its_place() -> None:
    with pytest.raises(InputError) as raised:
        check_timeline([{"at": "10:00", "text": "ok"}, {"text": "no time"}], "UTC", "en")
    assert raised.value.field == "timeline[1].at"


def test_an_event_without_text_is_placed_and_named() -> None:
    events = [{"at": "2025-03-01 10:00", "kind": "impact_start", "text": "ok"}, {"at": "10:05"}]
    result = check_timeline(events, "UTC", "en")
    assert [e.at_text for e in result.events] == ["2025-03-01 10:00", "10:05"]
    assert [f.path for f in result.findings if f.code == "blank_text"] == ["timeline[1].text"]


def test_severity_against_the_default_and_a_custom_scale() -> None:
    assert check_severity("Sev 2").rank == 2
    assert check_severity("SEV-1", [], "en").level == "SEV1"
    custom = check_severity("p1", ["P0", "P1", "P2"], "en")
    assert (custom.level, custom.rank, custom.findings) == ("P1", 2, [])
    unknown = check_severity("SEV5", [], "en")
    assert unknown.level is None and unknown.findings[0].code == "severity_unknown"
    assert "SEV1, SEV2, SEV3, SEV4" in unknown.findings[0].message


# --------------------------------------------------------------------------- times as postmortems write them

UTC = dt.timezone.utc


@pytest.mark.parametrize(
    ("at", "zone", "instant"),
    [
        ("2024-03-10 01:45 PST", None, dt.datetime(2024, 3, 10, 9, 45, tzinfo=UTC)),
        ("2024-03-10 03:05 PDT", None, dt.datetime(2024, 3, 10, 10, 5, tzinfo=UTC)),
        ("Mar 10, 2024 4:30 PM", "Asia/Shanghai", dt.datetime(2024, 3, 10, 8, 30, tzinfo=UTC)),
        ("Feb 28, 2017 9:37 AM", "America/Los_Angeles", dt.datetime(2017, 2, 28, 17, 37, tzinfo=UTC)),
        ("Feb 28, 2017 09:37 AM PST", None, dt.datetime(2017, 2, 28, 17, 37, tzinfo=UTC)),
        ("28 Feb 2017 09:37", "UTC", dt.datetime(2017, 2, 28, 9, 37, tzinfo=UTC)),
        ("2017-02-28T17:37Z", None, dt.datetime(2017, 2, 28, 17, 37, tzinfo=UTC)),
        ("2018 October 21 22:52 UTC", None, dt.datetime(2018, 10, 21, 22, 52, tzinfo=UTC)),
        ("October 22, 2022 at 00:47 UTC", None, dt.datetime(2022, 10, 22, 0, 47, tzinfo=UTC)),
        ("Tuesday, February 28, 2017 9:37AM PST", None, dt.datetime(2017, 2, 28, 17, 37, tzinfo=UTC)),
        ("2017/01/31 11:27pm UTC", None, dt.datetime(2017, 1, 31, 23, 27, tzinfo=UTC)),
        ("2024年3月10日 16:00", "Asia/Shanghai", dt.datetime(2024, 3, 10, 8, 0, tzinfo=UTC)),
        ("北京时间 2024年3月10日 14:05", None, dt.datetime(2024, 3, 10, 6, 5, tzinfo=UTC)),
        ("2024-03-10 14:54 (UTC+8)", None, dt.datetime(2024, 3, 10, 6, 54, tzinfo=UTC)),
        ("2024-03-10 14:05 JST", None, dt.datetime(2024, 3, 10, 5, 5, tzinfo=UTC)),
        ("2024-01-10 14:05 AEDT", None, dt.datetime(2024, 1, 10, 3, 5, tzinfo=UTC)),
        ("2024-07-10 14:05 CEST", None, dt.datetime(2024, 7, 10, 12, 5, tzinfo=UTC)),
        ("2024-07-10 09:00 ET", None, dt.datetime(2024, 7, 10, 13, 0, tzinfo=UTC)),  # EDT in July
        ("2024-01-10 09:00 ET", None, dt.datetime(2024, 1, 10, 14, 0, tzinfo=UTC)),  # EST in January
        ("2024-03-10 14:05 America/Los_Angeles", None, dt.datetime(2024, 3, 10, 21, 5, tzinfo=UTC)),
    ],
)
def test_a_dated_time_is_read_as_written(at: str, zone: str | None, instant: dt.datetime) -> None:
    result = check_timeline([{"at": at, "kind": "impact_start", "text": "x"}], zone, "en")
    assert [f.code for f in result.findings if f.severity == "error"] == []
    assert result.events[0].at == instant


@pytest.mark.parametrize(
    ("at", "clock"),
    [
        ("3:20am", (3, 20)),
        ("2:05 p.m.", (14, 5)),
        ("09:37 AM", (9, 37)),
        ("12:26PM", (12, 26)),
        ("6pm", (18, 0)),
        ("14点20分", (14, 20)),
        ("下午2:35", (14, 35)),
        ("凌晨2点", (2, 0)),
        ("晚上11点半", (23, 30)),
        ("上午10点一刻", (10, 15)),
        ("下午三点零五分", (15, 5)),
        ("晚上十一点半", (23, 30)),
        ("T+15m", (0, 15)),
        ("T+1h05", (1, 5)),
    ],
)
def test_a_time_of_day_is_read_on_the_date_before(at: str, clock: tuple[int, int]) -> None:
    events = [
        {"at": "2024-03-10 00:00", "kind": "impact_start", "text": "a"},
        {"at": at, "kind": "detected", "text": "b"},
    ]
    result = check_timeline(events, "UTC", "zh")
    assert [f.code for f in result.findings] == []
    assert result.events[1].at == dt.datetime(2024, 3, 10, *clock, tzinfo=UTC)


def test_the_probe_timeline_across_the_spring_forward_night() -> None:
    events = [
        {"at": "2024-03-10 01:45 PST", "kind": "change", "text": "Config push begins"},
        {"at": "2024-03-10 01:52 PST", "kind": "impact_start", "text": "Error rate rises"},
        {"at": "2024-03-10 03:05 PDT", "kind": "detected", "text": "On-call paged"},
        {"at": "3:20am", "kind": "escalated", "text": "SEV1 declared"},
        {"at": "2024-03-10 04:10", "kind": "mitigated", "text": "Config rolled back"},
        {"at": "2024-03-10 11:22 UTC", "kind": "resolved", "text": "All regions healthy"},
    ]
    result = check_timeline(events, "America/Los_Angeles", "en")
    # 01:52 PST is 09:52 UTC, 03:05 PDT is 10:05 UTC: 13 minutes, not 1 h 13; 11:22 UTC is 04:22 PDT
    assert result.time_to_detect_minutes == 13
    assert result.time_to_escalate_minutes == 15
    assert result.time_to_mitigate_minutes == 78
    assert result.time_to_resolve_minutes == 90
    assert [f.code for f in result.findings] == []
    # shown on the review's clock: the UTC time is 04:22 in Los Angeles
    assert result.events[-1].at is not None and result.events[-1].at.strftime("%H:%M %z") == "04:22 -0700"


def test_the_chinese_probe_timeline_is_read_whole() -> None:
    events = [
        {"at": "3月10日 14:05", "kind": "impact_start", "text": "支付成功率下跌"},
        {"at": "14点20分", "kind": "detected", "text": "监控告警"},
        {"at": "下午2:35", "kind": "escalated", "text": "升级至P1"},
        {"at": "2024/03/10 15:10", "kind": "mitigated", "text": "回滚"},
        {"at": "2024年3月10日 16:00", "kind": "resolved", "text": "恢复"},
        {"at": "Mar 10, 2024 4:30 PM", "kind": "impact_end", "text": "影响结束"},
        {"at": "次日 09:30", "kind": "communication", "text": "发布公告"},
    ]
    result = check_timeline(events, "Asia/Shanghai", "zh")
    assert [f.code for f in result.findings] == []
    assert (result.time_to_detect_minutes, result.time_to_escalate_minutes) == (15, 15)
    assert (result.time_to_mitigate_minutes, result.time_to_resolve_minutes) == (65, 115)
    assert result.impact_duration_minutes == 145
    assert result.end == dt.datetime(2024, 3, 11, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_ambiguous_abbreviations_are_refused_unless_the_timezone_settles_them() -> None:
    events = [
        {"at": "2024-03-10 14:05 CST", "kind": "impact_start", "text": "a"},
        {"at": "2024-03-10 14:35 CST", "kind": "mitigated", "text": "b"},
    ]
    refused = check_timeline(events, None, "en")
    assert [f.code for f in refused.findings] == ["at_zone_ambiguous"] * 2 and refused.events == []
    message = refused.findings[0].message
    assert "#1" in message and "CST" in message and "China" in message and "Central" in message
    zh = check_timeline(events, None, "zh").findings[0].message
    assert "第 1 条" in zh and "CST" in zh and "多种含义" in zh
    china = check_timeline(events, "Asia/Shanghai", "en")
    assert china.events[0].at == dt.datetime(2024, 3, 10, 6, 5, tzinfo=UTC) and china.time_to_mitigate_minutes == 30
    winter = [{**event, "at": event["at"].replace("03-10", "02-10")} for event in events]
    chicago = check_timeline(winter, "America/Chicago", "en")
    assert chicago.events[0].at == dt.datetime(2024, 2, 10, 20, 5, tzinfo=UTC)
    assert [f.code for f in chicago.findings] == []
    # on 2024-03-10 Chicago had moved to CDT by 14:05: CST is read as written, and said
    spring = check_timeline(events, "America/Chicago", "en")
    assert spring.events[0].at == dt.datetime(2024, 3, 10, 20, 5, tzinfo=UTC)
    assert [f.code for f in spring.findings] == ["at_zone_mismatch"] * 2
    offset = check_timeline(events, "+08:00", "en")
    assert offset.events[0].at == dt.datetime(2024, 3, 10, 6, 5, tzinfo=UTC)
    india = check_timeline([{"at": "2024-03-10 14:05 IST", "kind": "impact_start", "text": "a"}], "Asia/Kolkata", "en")
    assert india.events[0].at == dt.datetime(2024, 3, 10, 8, 35, tzinfo=UTC)
    london = check_timeline([{"at": "2024-03-10 14:05 IST", "kind": "impact_start", "text": "a"}], "Europe/London")
    assert [f.code for f in london.findings] == ["at_zone_ambiguous"]


def test_a_seasonal_abbreviation_out_of_season_is_noted_without_a_review_zone() -> None:
    """'PST' in July, 'PDT' in December: read as written (an offset), and noted even with no review zone; names
    used all year somewhere (MST in Arizona) and abbreviations in season are not."""

    def codes(at: str) -> list[str]:
        result = check_timeline([{"at": at, "kind": "impact_start", "text": "a"}], None, "en")
        return [f.code for f in result.findings if f.code.startswith("at_")]

    summer = check_timeline([{"at": "2022-07-02 10:28 AM PST", "kind": "impact_start", "text": "a"}], None, "en")
    assert summer.events[0].at == dt.datetime(2022, 7, 2, 18, 28, tzinfo=UTC)
    assert [f.code for f in summer.findings if f.code.startswith("at_")] == ["at_zone_mismatch"]
    assert "PDT" in next(f.message for f in summer.findings if f.code == "at_zone_mismatch")
    assert codes("2022-12-02 10:28 PDT") == ["at_zone_mismatch"]
    assert codes("2022-06-21 14:05 CET") == ["at_zone_mismatch"]
    assert codes("2022-12-02 10:28 PST") == codes("2022-07-02 10:28 PDT") == codes("2022-07-02 10:28 MST") == []
    assert codes("2022-07-02 10:28 AEST") == codes("2022-06-21 14:05 CEST") == []


def test_us_zones_spelled_out_are_read_as_their_abbreviation() -> None:
    """'9:37 AM Pacific Standard Time', '2:05 PM Pacific Time', 'Central Standard Time' (the US one, UTC-6)."""
    aws = [
        {"at": "Feb 28, 2017 9:37 AM Pacific Standard Time", "kind": "impact_start", "text": "a"},
        {"at": "1:54 PM Pacific Standard Time", "kind": "resolved", "text": "b"},
    ]
    result = check_timeline(aws, None, "en")
    assert result.events[0].at == dt.datetime(2017, 2, 28, 17, 37, tzinfo=UTC)
    assert result.time_to_resolve_minutes == 257 and not [f for f in result.findings if f.code.startswith("at_")]
    summer = check_timeline([{"at": "2022-06-21 2:05 PM Pacific Time", "kind": "x", "text": "a"}], None, "en")
    assert summer.events[0].at == dt.datetime(2022, 6, 21, 21, 5, tzinfo=UTC)
    central = check_timeline([{"at": "2022-12-21 2:05 PM Central Standard Time", "kind": "x", "text": "a"}], None, "en")
    assert central.events[0].at == dt.datetime(2022, 12, 21, 20, 5, tzinfo=UTC)


def test_a_status_page_date_dash_time_is_read() -> None:
    """'Jun 21, 2022 - 06:34 UTC', as status pages date their posts, was refused; a signed offset stays one."""
    events = [
        {"at": "Jun 21, 2022 - 06:34 UTC", "kind": "impact_start", "text": "Investigating"},
        {"at": "Jun 21, 2022 - 09:02 UTC", "kind": "resolved", "text": "Resolved"},
    ]
    result = check_timeline(events, None, "en")
    assert result.events[0].at == dt.datetime(2022, 6, 21, 6, 34, tzinfo=UTC)
    assert result.time_to_resolve_minutes == 148 and not [f for f in result.findings if f.code.startswith("at_")]
    offset = check_timeline([{"at": "2022-06-21 14:05 -07:00", "kind": "x", "text": "a"}], None, "en")
    assert offset.events[0].at == dt.datetime(2022, 6, 21, 21, 5, tzinfo=UTC)


def test_daylight_saving_gaps_are_refused_and_repeated_hours_flagged() -> None:
    gap = check_timeline([{"at": "2024-03-10 02:30", "kind": "impact_start", "text": "a"}], "America/Los_Angeles", "en")
    assert [f.code for f in gap.findings] == ["at_impossible"]
    assert "skips" in gap.findings[0].message and "#1" in gap.findings[0].message
    fall = [
        {"at": "2024-11-03 01:50 PDT", "kind": "impact_start", "text": "a"},
        {"at": "01:10", "kind": "detected", "text": "b"},  # after 01:50 PDT: the second 01:10, in PST
    ]
    result = check_timeline(fall, "America/Los_Angeles", "en")
    assert result.time_to_detect_minutes == 20
    assert [(f.code, f.severity) for f in result.findings] == [("at_ambiguous", "warning")]
    late = check_timeline(
        [
            {"at": "2024-03-10 01:50 PST", "kind": "impact_start", "text": "a"},
            {"at": "03:05 PST", "kind": "detected", "text": "b"},  # PST written after the switch to PDT
        ],
        "America/Los_Angeles",
        "en",
    )
    assert late.time_to_detect_minutes == 75  # as written: 03:05 PST is 04:05 PDT
    assert [f.code for f in late.findings] == ["at_zone_mismatch"] and "PDT" in late.findings[0].message


def test_a_time_alone_hours_before_the_event_before_is_the_next_day() -> None:
    night = [
        {"at": "3月10日 23:50", "kind": "impact_start", "text": "a"},
        {"at": "00:10", "kind": "detected", "text": "b"},
    ]
    result = check_timeline(night, "Asia/Shanghai", "zh", review_date=dt.date(2024, 3, 20))
    assert result.time_to_detect_minutes == 20
    assert [(f.code, f.severity) for f in result.findings] == [("at_rolled_over", "info")]
    assert "2024-03-11" in result.findings[0].message and "第 2 条" in result.findings[0].message
    # a few minutes back is a listing out of order, not the next day
    close = [
        {"at": "2024-03-10 14:20", "kind": "detected", "text": "a"},
        {"at": "14:05", "kind": "impact_start", "text": "b"},
    ]
    out = check_timeline(close, "UTC", "en")
    assert out.time_to_detect_minutes == 15 and [f.code for f in out.findings] == ["out_of_order"]


def test_day_numbers_and_offsets_from_the_first_event() -> None:
    events = [
        {"at": "2024-03-10 22:00", "kind": "impact_start", "text": "a"},
        {"at": "T+15m", "kind": "detected", "text": "b"},
        {"at": "Day 2 03:00", "kind": "mitigated", "text": "c"},
        {"at": "第2天 09:00", "kind": "resolved", "text": "d"},
    ]
    result = check_timeline(events, "UTC", "en")
    assert (result.time_to_detect_minutes, result.time_to_mitigate_minutes) == (15, 300)
    assert result.time_to_resolve_minutes == 660
    relative_only = check_timeline(
        [{"at": "T+0", "kind": "impact_start", "text": "a"}, {"at": "T+5m", "kind": "detected", "text": "b"}], "UTC"
    )
    assert [f.code for f in relative_only.findings] == ["at_relative_no_anchor"] * 2
    assert "第一条事件" in relative_only.findings[1].message


def test_a_date_without_a_year_takes_it_from_the_timeline_or_the_review() -> None:
    alone = [{"at": "3月10日 14:05", "kind": "impact_start", "text": "a"}]
    assert check_timeline(alone, "UTC", "en", review_date=dt.date(2024, 3, 20)).events[0].at == dt.datetime(
        2024, 3, 10, 14, 5, tzinfo=UTC
    )
    later = [*alone, {"at": "2023-03-10 15:05", "kind": "detected", "text": "b"}]
    assert check_timeline(later, "UTC", "en").time_to_detect_minutes == 60
    december = [
        {"at": "12月28日 23:00", "kind": "impact_start", "text": "a"},
        {"at": "1月2日 01:00", "kind": "resolved", "text": "b"},
    ]
    new_year = check_timeline(december, "UTC", "zh", review_date=dt.date(2024, 1, 10))
    assert new_year.start == dt.datetime(2023, 12, 28, 23, 0, tzinfo=UTC)  # not after the review
    assert new_year.end == dt.datetime(2024, 1, 2, 1, 0, tzinfo=UTC)  # December, then January: the next year
    missing = check_timeline(alone, "UTC", "en")
    assert [f.code for f in missing.findings] == ["at_no_year"] and "#1" in missing.findings[0].message
    assert "年份" in check_timeline(alone, "UTC", "zh").findings[0].message


def test_the_quick_reading_of_plain_times_is_the_general_one() -> None:
    from fupan_mcp.analysis.timeline_at import _written, _written_general

    for date in ("", "2024-03-10 ", "2024-3-1T", "2024-02-30 ", "2024-13-01 "):
        for clock in ("0:00", "09:05", "23:59:59", "24:00", "14:60", "14:05:60", "99:99"):
            assert _written(date + clock) == _written_general(date + clock), date + clock


def test_each_unreadable_time_names_its_event_and_reason_in_both_languages() -> None:
    events = [
        {"at": "2024-03-10 09:00", "kind": "impact_start", "text": "a"},
        {"at": "14:05 XYZ", "kind": "detected", "text": "b"},
        {"at": "13:05 pm", "kind": "escalated", "text": "c"},
        {"at": "上午14点", "kind": "mitigated", "text": "d"},
        {"at": "2024-03-10", "kind": "resolved", "text": "e"},
        {"at": "09:40", "kind": "impact_end", "text": "f"},
    ]
    en = check_timeline(events, "UTC", "en")
    assert [(f.code, f.path) for f in en.findings] == [
        ("at_zone_unknown", "timeline[1].at"),
        ("at_impossible", "timeline[2].at"),
        ("at_impossible", "timeline[3].at"),
        ("at_unreadable", "timeline[4].at"),
    ]
    assert en.impact_duration_minutes == 40  # the others are still computed
    assert '"XYZ"' in en.findings[0].message and "#2" in en.findings[0].message
    assert "am/pm" in en.findings[1].message and "without a time of day" in en.findings[3].message
    zh = check_timeline(events, "UTC", "zh")
    assert "“上午”与 14 点矛盾" in zh.findings[2].message and "第 5 条" in zh.findings[3].message
    us = check_timeline([{"at": "03/10/2024 14:05", "kind": "impact_start", "text": "a"}], "UTC", "en")
    assert "month/day/year" in us.findings[0].message  # refused: 3 October or 10 March


def test_the_offset_column_says_what_it_counts_from() -> None:
    from fupan_mcp.report.postmortem import timeline_markdown

    without = [
        {"at": "2024-03-10 04:10", "kind": "mitigated", "text": "Config rolled back"},
        {"at": "2024-03-10 04:30", "kind": "resolved", "text": "All regions healthy"},
    ]
    result = check_timeline(without, "UTC", "en")
    assert result.offset_from == "first_event"
    text = timeline_markdown(result)
    assert "From first event" in text and "From impact start" not in text
    assert "相对第一条事件" in timeline_markdown(check_timeline(without, "UTC", "zh"))
    with_start = check_timeline(SONNET, "UTC", "en")
    assert with_start.offset_from == "impact_start" and "From impact start" in timeline_markdown(with_start)


def test_events_on_different_offsets_show_their_offset_without_a_review_zone() -> None:
    from fupan_mcp.report.postmortem import timeline_markdown

    events = [
        {"at": "2024-03-10 01:52 PST", "kind": "impact_start", "text": "a"},
        {"at": "2024-03-10 03:05 PDT", "kind": "detected", "text": "b"},
        {"at": "2024-03-10 11:00 UTC", "kind": "resolved", "text": "c"},
    ]
    text = timeline_markdown(check_timeline(events, None, "en"))
    assert "| 2024-03-10 01:52 -08:00 |" in text and "| 2024-03-10 03:05 -07:00 |" in text
    assert "| 2024-03-10 11:00 UTC |" in text


def test_times_under_a_zoned_first_line_are_read_in_its_zone() -> None:
    """'2024-03-12 14:02 PDT', then '14:09', '2:31 pm': the zone is written once, as postmortems do; the
    bare times are in it (a note says so) and every duration is computed. A bare time that carries its own
    date was written apart and stays an error, and so does any bare time when the zones differ."""
    events = [
        {"at": "2024-03-12 14:02 PDT", "kind": "impact_start", "text": "5xx rise"},
        {"at": "14:09", "kind": "detected", "text": "Alert"},
        {"at": "2:31 pm", "kind": "mitigated", "text": "Rollback done"},
        {"at": "2024-03-12 15:30 PDT", "kind": "resolved", "text": "Resolved"},
    ]
    result = check_timeline(events, None, "en")
    assert codes(result) == ["zone_inherited"]
    assert (result.time_to_detect_minutes, result.time_to_mitigate_minutes, result.time_to_resolve_minutes) == (
        7,
        29,
        88,
    )
    assert result.timezone == "UTC-07:00"
    assert "#2, 3" in result.findings[0].message
    zh = check_timeline(
        [
            {"at": "2024-03-12 14:02（北京时间）", "kind": "impact_start", "text": "下跌"},
            {"at": "下午2:31", "kind": "mitigated", "text": "回滚"},
        ],
        None,
        "zh",
    )
    assert zh.time_to_mitigate_minutes == 29 and zh.timezone == "Asia/Shanghai"
    assert "第 2 条" in zh.findings[0].message
    dated = check_timeline([*events[:1], {"at": "2024-03-12 14:20", "kind": "detected", "text": "b"}], None, "en")
    assert codes(dated) == ["no_zone"] and dated.time_to_detect_minutes is None
    mixed = check_timeline(
        [events[0], {"at": "2024-03-12 22:00 UTC", "kind": "resolved", "text": "c"}, events[1]], None, "en"
    )
    assert "no_zone" in codes(mixed) and mixed.time_to_detect_minutes is None and mixed.timezone is None
