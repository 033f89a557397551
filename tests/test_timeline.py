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


def test_a_malformed_event_names_its_place() -> None:
    with pytest.raises(InputError) as raised:
        check_timeline([{"at": "10:00", "text": "ok"}, {"at": "10:05"}], "UTC", "en")
    assert raised.value.field == "timeline[1].text"


def test_severity_against_the_default_and_a_custom_scale() -> None:
    assert check_severity("Sev 2").rank == 2
    assert check_severity("SEV-1", [], "en").level == "SEV1"
    custom = check_severity("p1", ["P0", "P1", "P2"], "en")
    assert (custom.level, custom.rank, custom.findings) == ("P1", 2, [])
    unknown = check_severity("SEV5", [], "en")
    assert unknown.level is None and unknown.findings[0].code == "severity_unknown"
    assert "SEV1, SEV2, SEV3, SEV4" in unknown.findings[0].message
