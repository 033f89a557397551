"""More of the ways incident timelines write a time: noon and midnight, day markers (D+1, (+1), +1d), spans
(14:05–14:20), approximate times (~14:05, 约14:05, around 2pm), 14h05, 1405Z and days of the week; and what
each is read as, or why it is refused. The first event is 2024-03-10 11:00 UTC, a Sunday."""

from __future__ import annotations

import datetime as dt

import pytest

from fupan_mcp.analysis.timeline import check_timeline

UTC = dt.timezone.utc
FIRST = {"at": "2024-03-10 11:00", "kind": "impact_start", "text": "errors rise"}


def second(at: str, zone: str | None = "UTC", language: str = "en", kind: str = "detected") -> object:
    return check_timeline([FIRST, {"at": at, "kind": kind, "text": "the event"}], zone, language)  # type: ignore[arg-type]


def codes(result: object) -> list[str]:
    return sorted(f.code for f in result.findings)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("at", "when", "notes"),
    [
        ("noon", dt.datetime(2024, 3, 10, 12, 0), []),
        ("12 noon", dt.datetime(2024, 3, 10, 12, 0), []),
        ("12:00 noon", dt.datetime(2024, 3, 10, 12, 0), []),
        ("中午", dt.datetime(2024, 3, 10, 12, 0), []),
        ("中午12点", dt.datetime(2024, 3, 10, 12, 0), []),
        # midnight after 11:00 is the next day's 00:00, which the rollover says
        ("midnight", dt.datetime(2024, 3, 11, 0, 0), ["at_rolled_over"]),
        ("12:00 midnight", dt.datetime(2024, 3, 11, 0, 0), ["at_rolled_over"]),
        ("午夜", dt.datetime(2024, 3, 11, 0, 0), ["at_rolled_over"]),
        # a dated midnight: the start of that day, and a warning that the end of it may be meant
        ("Mar 12 midnight", dt.datetime(2024, 3, 12, 0, 0), ["at_midnight"]),
        ("D+1 03:00", dt.datetime(2024, 3, 11, 3, 0), []),
        ("D+2, 03:00", dt.datetime(2024, 3, 12, 3, 0), []),
        ("03:00 (+1)", dt.datetime(2024, 3, 11, 3, 0), []),
        ("03:00 +1d", dt.datetime(2024, 3, 11, 3, 0), []),
        ("03:00 (+2 days) UTC", dt.datetime(2024, 3, 12, 3, 0), []),
        ("14:05:33", dt.datetime(2024, 3, 10, 14, 5, 33), []),
        ("14h05", dt.datetime(2024, 3, 10, 14, 5), []),
        ("1405Z", dt.datetime(2024, 3, 10, 14, 5), []),
        ("1405 UTC", dt.datetime(2024, 3, 10, 14, 5), []),
        ("1405 hrs", dt.datetime(2024, 3, 10, 14, 5), []),
        # a day of the week with a time alone: that day, on or after the event before
        ("Tue 14:05", dt.datetime(2024, 3, 12, 14, 5), []),
        ("周二 14:05", dt.datetime(2024, 3, 12, 14, 5), []),
        ("Sun 14:05", dt.datetime(2024, 3, 10, 14, 5), []),
        # the date written first: 12 March, not 'Mar 14' taken from the time
        ("Tue, 12 Mar 14:05", dt.datetime(2024, 3, 12, 14, 5), []),
        ("~14:05", dt.datetime(2024, 3, 10, 14, 5), ["at_approximate"]),
        ("约14:05", dt.datetime(2024, 3, 10, 14, 5), ["at_approximate"]),
        ("14:05左右", dt.datetime(2024, 3, 10, 14, 5), ["at_approximate"]),
        ("around 2pm", dt.datetime(2024, 3, 10, 14, 0), ["at_approximate"]),
        ("approx. 14:05", dt.datetime(2024, 3, 10, 14, 5), ["at_approximate"]),
    ],
)
def test_a_written_form_is_read_as_it_means(at: str, when: dt.datetime, notes: list[str]) -> None:
    result = second(at)
    assert codes(result) == notes
    event = result.events[1]  # type: ignore[attr-defined]
    assert event.at == when.replace(tzinfo=UTC)


def test_a_day_marker_is_not_a_zone_offset() -> None:
    # '(+1)' was read as UTC+01:00: 00:10 (+1) became 23:10 UTC, 13 min after 22:57 instead of 73
    result = check_timeline(
        [
            {"at": "2021-07-13 22:57", "kind": "impact_start", "text": "x"},
            {"at": "00:10 (+1)", "kind": "mitigated", "text": "y"},
        ],
        "Asia/Shanghai",
        "zh",
    )
    assert result.time_to_mitigate_minutes == 73
    assert result.events[1].at == dt.datetime(2021, 7, 14, 0, 10, tzinfo=dt.timezone(dt.timedelta(hours=8)))


def test_a_bare_plus_one_is_refused_with_both_readings() -> None:
    result = second("00:10 +1", language="zh")
    (finding,) = [f for f in result.findings if f.severity == "error"]  # type: ignore[attr-defined]
    assert finding.code == "at_unreadable" and finding.path == "timeline[1].at"
    assert "UTC+1" in finding.message and "+1d" in finding.message
    assert len(result.events) == 1  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        ("14:05–14:20", dt.datetime(2024, 3, 10, 14, 5), dt.datetime(2024, 3, 10, 14, 20)),
        ("14:05-14:20", dt.datetime(2024, 3, 10, 14, 5), dt.datetime(2024, 3, 10, 14, 20)),
        ("14:05 to 14:20 UTC", dt.datetime(2024, 3, 10, 14, 5), dt.datetime(2024, 3, 10, 14, 20)),
        ("from 14:05 until 14:20", dt.datetime(2024, 3, 10, 14, 5), dt.datetime(2024, 3, 10, 14, 20)),
        ("23:20‑00:10", dt.datetime(2024, 3, 10, 23, 20), dt.datetime(2024, 3, 11, 0, 10)),  # past midnight
        ("23点07分至23点17分", dt.datetime(2024, 3, 10, 23, 7), dt.datetime(2024, 3, 10, 23, 17)),
        # the zone written after the end is the start's zone too (PDT on 2024-03-10 after 02:00)
        ("2:00 PM – 2:30 PM PDT", dt.datetime(2024, 3, 10, 21, 0), dt.datetime(2024, 3, 10, 21, 30)),
    ],
)
def test_a_span_is_placed_at_its_start_and_its_end_is_said(at: str, start: dt.datetime, end: dt.datetime) -> None:
    result = second(at)
    assert codes(result) == ["at_span"]
    event = result.events[1]  # type: ignore[attr-defined]
    assert event.at == start.replace(tzinfo=UTC) and event.end_at == end.replace(tzinfo=UTC)
    assert result.time_to_detect_minutes == (start - dt.datetime(2024, 3, 10, 11, 0)).total_seconds() / 60  # type: ignore[attr-defined]
    (finding,) = result.findings  # type: ignore[attr-defined]
    assert "start" in finding.message and "own event" in finding.message


def test_an_iso_offset_after_a_dated_time_stays_a_zone() -> None:
    result = check_timeline([{"at": "2024-03-10T14:05-07:00", "kind": "impact_start", "text": "x"}], None, "en")
    assert codes(result) == [] and result.events[0].at == dt.datetime(2024, 3, 10, 21, 5, tzinfo=UTC)


def test_an_approximate_time_marks_the_durations_that_use_it() -> None:
    result = second("~11:03")
    (duration,) = result.durations  # type: ignore[attr-defined]
    assert duration.minutes == 3 and duration.approximate
    assert duration.text == "about 3 min"  # every report that shows it says so
    zh = check_timeline([FIRST, {"at": "约11:03", "kind": "detected", "text": "x"}], "UTC")
    assert zh.durations[0].text == "约3分钟"
    assert result.events[1].approximate and not result.events[0].approximate  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("at", "reason"),
    [
        ("14:20-14:05", "before its start"),
        ("2024-03-12 (Wed) 14:05", "is a Tuesday"),
        ("Wed, 12 Mar 2024 14:05", "is a Tuesday"),
    ],
)
def test_a_time_that_contradicts_itself_is_refused(at: str, reason: str) -> None:
    result = second(at)
    (finding,) = result.findings  # type: ignore[attr-defined]
    assert finding.code == "at_impossible" and reason in finding.message and finding.path == "timeline[1].at"


def test_the_refusals_speak_chinese_by_default() -> None:
    result = check_timeline([FIRST, {"at": "2024-03-12（周三）14:05", "kind": "detected", "text": "x"}], "UTC")
    (finding,) = result.findings
    assert "星期二" in finding.message and "第 2 条" in finding.message


def test_a_span_that_ends_something_is_reached_at_its_end() -> None:
    # Bilibili 2021-07-13 (Asia/Shanghai): '00:00‑01:50 a new SLB cluster built, traffic moved, core services back'
    result = check_timeline(
        [
            {"at": "2021-07-13 22:52", "kind": "impact_start", "text": "access layer alarms"},
            {"at": "00:00‑01:50", "kind": "resolved", "text": "new SLB cluster, all core services restored"},
        ],
        "Asia/Shanghai",
        "en",
    )
    assert result.time_to_resolve_minutes == 178  # 22:52 -> 01:50 next day
    assert codes(result) == ["at_rolled_over", "at_span_end"]  # 00:00 after 22:52 is the next day
    (duration,) = result.durations
    assert duration.end.hour == 1 and duration.end.minute == 50
    assert result.events[1].at.hour == 0 and result.events[1].end_at.hour == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("at", "when"),
    [
        ("14:05 UTC+8", dt.datetime(2024, 3, 11, 6, 5)),  # a zone, not a '+8' day marker (06:05 UTC: next day)
        ("14:05 GMT+8", dt.datetime(2024, 3, 11, 6, 5)),
        ("[14:05]", dt.datetime(2024, 3, 10, 14, 5)),
        ("14:05:", dt.datetime(2024, 3, 10, 14, 5)),
        ("14:05 hrs", dt.datetime(2024, 3, 10, 14, 5)),
        ("T0", dt.datetime(2024, 3, 10, 11, 0)),
        # one instant in two zones, checked to agree
        ("09:37 PDT (16:37 UTC)", dt.datetime(2024, 3, 10, 16, 37)),
        ("2024-03-10 16:37 UTC / 09:37 PDT", dt.datetime(2024, 3, 10, 16, 37)),
        ("2024-03-10 21:00 PDT (Mar 11 04:00 UTC)", dt.datetime(2024, 3, 11, 4, 0)),
    ],
)
def test_more_written_forms(at: str, when: dt.datetime) -> None:
    result = second(at)
    assert [f.code for f in result.findings if f.severity == "error"] == []  # type: ignore[attr-defined]
    assert result.events[1].at == when.replace(tzinfo=UTC)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        ("下午1点至3点", (13, 0), (15, 0)),  # the end keeps the start's 下午: 15:00, not 03:00 the next day
        ("晚上11点至凌晨1点", (23, 0), (1, 0)),
        ("Mar 10 14:05 - Mar 10 16:00", (14, 5), (16, 0)),
    ],
)
def test_a_span_end_takes_what_the_start_says(at: str, start: tuple[int, int], end: tuple[int, int]) -> None:
    result = second(at)
    event = result.events[1]  # type: ignore[attr-defined]
    assert (event.at.hour, event.at.minute) == start and (event.end_at.hour, event.end_at.minute) == end
    assert (event.end_at - event.at) < dt.timedelta(hours=3)


def test_two_zones_that_disagree_are_refused() -> None:
    result = second("09:37 PDT (17:37 UTC)")
    (finding,) = result.findings  # type: ignore[attr-defined]
    assert finding.code == "at_impossible" and "17:37 UTC" in finding.message and "16:37" in finding.message


@pytest.mark.parametrize("at", ["约下午3点", "around midnight", "shortly after 14:05"])
def test_approximate_words_before_any_time(at: str) -> None:
    assert "at_approximate" in codes(second(at))


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        ("2-3pm", (14, 0), (15, 0)),  # the start borrows the end's pm
        ("11-1pm", (11, 0), (13, 0)),  # 11 pm would come after 1 pm: 11 am
        ("11-12pm", (11, 0), (12, 0)),  # to noon
        ("11:30-12pm", (11, 30), (12, 0)),
        ("2 to 3 pm", (14, 0), (15, 0)),
    ],
)
def test_a_span_start_borrows_the_ends_half_of_the_day(at: str, start: tuple[int, int], end: tuple[int, int]) -> None:
    """'2-3pm' as status pages write it: 14:00 to 15:00, not an unreadable time."""
    result = second(at)
    event = result.events[1]  # type: ignore[attr-defined]
    assert (event.at.hour, event.at.minute) == start and (event.end_at.hour, event.end_at.minute) == end


def test_an_event_written_with_the_usual_field_names_is_read() -> None:
    """{"time": …, "event": …} as people and models name a timeline line: the same as {"at": …, "text": …};
    the published schema keeps its own names."""
    from fupan_mcp.domain.timeline import TimelineEvent

    usual = TimelineEvent.model_validate({"time": "14:05", "event": "alert fired", "kind": "detected"})
    assert (usual.at, usual.text) == ("14:05", "alert fired")
    assert TimelineEvent.model_validate({"timestamp": "14:05", "description": "x"}).text == "x"
    assert set(TimelineEvent.model_json_schema()["properties"]) == {"at", "kind", "text", "source"}
    assert usual.model_dump()["text"] == "alert fired"


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        # GitHub Availability Reports head each incident with its start and its length
        # (https://github.blog/2023-04-05-github-availability-report-march-2023/, .../january-2024)
        ("March 10 12:01 UTC (lasting 3 hour and 06 minutes)", (12, 1), (15, 7)),
        ("March 10 12:20 UTC (lasting 140 minutes)", (12, 20), (14, 40)),
        ("March 10 12:01 UTC (lasting 7 hours 3 minutes)", (12, 1), (19, 4)),
        ("14:03 UTC for 2 hours and 17 minutes", (14, 3), (16, 20)),  # the 'an' of 'and' is no count
        ("14:03 for an hour", (14, 3), (15, 3)),
        ("14:03 for half an hour", (14, 3), (14, 33)),
        ("14:03 (90 min)", (14, 3), (15, 33)),
        ("14:03起持续37分钟", (14, 3), (14, 40)),
        ("14:03开始，持续2小时17分", (14, 3), (16, 20)),
        ("下午2点起持续两个小时", (14, 0), (16, 0)),
        ("14:03起持续一个半小时", (14, 3), (15, 33)),
        # a span with its length: the span, and the length agrees
        ("between 12:20 and 14:40 UTC (140 minutes)", (12, 20), (14, 40)),
        ("14:03–14:40（持续37分钟）", (14, 3), (14, 40)),
        ("14:03至16:20，历时2小时17分", (14, 3), (16, 20)),
    ],
)
def test_a_time_with_its_length_is_a_span_to_the_end_it_gives(
    at: str, start: tuple[int, int], end: tuple[int, int]
) -> None:
    result = second(at, kind="resolved")
    event = result.events[1]  # type: ignore[attr-defined]
    assert (event.at.hour, event.at.minute) == start and (event.end_at.hour, event.end_at.minute) == end
    assert event.end_at.date() == dt.date(2024, 3, 10)
    # a resolved written so is reached at the end the length gives
    assert result.time_to_resolve_minutes == (end[0] - 11) * 60 + end[1]  # type: ignore[attr-defined]
    assert codes(result) == ["at_span_end"]


def test_an_approximate_length_makes_only_the_end_approximate() -> None:
    result = check_timeline(
        [
            {"at": "2024-03-10 14:03", "kind": "impact_start", "text": "故障开始"},
            {"at": "14:03", "kind": "detected", "text": "告警"},
            {"at": "14:03起持续约2小时", "kind": "impact_end", "text": "影响持续约2小时"},
        ],
        "Asia/Shanghai",
    )
    by_key = {d.key: d for d in result.durations}
    assert by_key["impact_duration"].minutes == 120 and by_key["impact_duration"].approximate
    assert by_key["impact_duration"].text == "约2小时"
    assert not by_key["time_to_detect"].approximate
    assert "at_length_approximate" in codes(result) and "at_approximate" not in codes(result)


@pytest.mark.parametrize(
    ("at", "code", "says"),
    [
        # GitHub, January 2024: 'January 21 02:01 UTC (lasting 7 hours 3 minutes)', resolved 'at 9:34 UTC': 7 h 33 min
        ("between 02:01 and 09:34 UTC (lasting 7 hours 3 minutes)", "at_impossible", "453 minutes"),
        ("from 14:03 to 14:40 UTC (45 minutes)", "at_impossible", "37 minutes"),
        # a bound is no length: the end is not computed from it
        ("14:03起持续超过2小时", "at_unreadable", "bound"),
        ("14:03, for over 2 hours", "at_unreadable", "bound"),
        ("14:03，持续一个多小时", "at_unreadable", "bound"),
        # GitHub, July 2024, a heading with two times: 'July 5 00:53 16:31 UTC (lasting 97 minutes)'
        ("March 10 00:53 16:31 UTC (lasting 97 minutes)", "at_unreadable", "cannot be read"),
    ],
)
def test_a_length_that_disagrees_or_bounds_is_refused(at: str, code: str, says: str) -> None:
    result = second(at, kind="resolved")
    (finding,) = (f for f in result.findings if f.path == "timeline[1].at")  # type: ignore[attr-defined]
    assert finding.code == code and says in finding.message
    assert result.time_to_resolve_minutes is None  # type: ignore[attr-defined]


def test_a_refused_length_speaks_chinese() -> None:
    result = check_timeline([FIRST, {"at": "14:03 到 14:40（持续45分钟）", "kind": "resolved", "text": "x"}], "UTC")
    (finding,) = (f for f in result.findings if f.code == "at_impossible")
    assert "37 分钟" in finding.message and "“持续45分钟”" not in finding.message and "45分钟" in finding.message


@pytest.mark.parametrize(
    ("at", "when"),
    [
        # the next day written after the time
        ("00:20 next day", dt.datetime(2024, 3, 11, 0, 20)),
        ("00:20 (the following day)", dt.datetime(2024, 3, 11, 0, 20)),
        ("2:20 am the next day", dt.datetime(2024, 3, 11, 2, 20)),
        ("09:30 次日", dt.datetime(2024, 3, 11, 9, 30)),  # after 11:00 a bare 09:30 is the next day too, said
        ("00:20（次日）", dt.datetime(2024, 3, 11, 0, 20)),
        # a day marker with its unit after a zone is a day, not an offset of that zone
        ("16:20 UTC (+1 day)", dt.datetime(2024, 3, 11, 16, 20)),
        # a day of the month alone, as Chinese timelines write the days after the first ('11日凌晨0点20分')
        ("11日 凌晨0点20分", dt.datetime(2024, 3, 11, 0, 20)),
        ("11日00:20", dt.datetime(2024, 3, 11, 0, 20)),
        ("12号 09:00", dt.datetime(2024, 3, 12, 9, 0)),
        ("10日 15:00", dt.datetime(2024, 3, 10, 15, 0)),
    ],
)
def test_a_day_written_apart_from_the_date(at: str, when: dt.datetime) -> None:
    result = second(at)
    assert result.events[1].at == when.replace(tzinfo=UTC)  # type: ignore[attr-defined]
    assert "at_rolled_over" not in codes(result) and "at_unreadable" not in codes(result)


def test_a_day_of_the_month_past_the_months_end_is_the_next_month_and_said() -> None:
    result = check_timeline(
        [
            {"at": "2024年3月31日 23:00", "kind": "impact_start", "text": "故障开始"},
            {"at": "1日 00:20", "kind": "resolved", "text": "恢复"},
        ],
        "Asia/Shanghai",
    )
    assert result.time_to_resolve_minutes == 80
    (note,) = (f for f in result.findings if f.code == "at_other_month")
    assert "2024-04-01" in note.message and "月份" in note.message


@pytest.mark.parametrize(
    ("at", "code"),
    [
        ("16:20 UTC (+1)", "at_unreadable"),  # a day or UTC+1: still refused
        ("31日 10:00", "at_impossible"),  # no 31st within 15 days of 2024-02-20 (Jan 31 is 20 days before)
    ],
)
def test_a_day_that_cannot_be_placed_is_refused(at: str, code: str) -> None:
    first = {"at": "2024-02-20 11:00", "kind": "impact_start", "text": "errors rise"}
    result = check_timeline([first, {"at": at, "kind": "detected", "text": "x"}], "UTC", "en")
    assert [f.code for f in result.findings if f.path == "timeline[1].at"] == [code]


@pytest.mark.parametrize("at", ["11月27日晚间10点多", "28日上午10点多", "10点多", "just past 10 pm"])
def test_some_time_in_an_hour_is_refused_not_read_as_the_hour(at: str) -> None:
    """Didi 2023-11-27: '晚间10点多起' users could not ride, the driver app '上午10点多恢复' after still failing
    at 10:30; read as 10:00 the recovery would come before the failure it ends."""
    result = check_timeline(
        [{"at": "2023年11月27日 21:00", "kind": "change", "text": "x"}, {"at": at, "kind": "resolved", "text": "y"}],
        "Asia/Shanghai",
    )
    (finding,) = (f for f in result.findings if f.path == "timeline[1].at")
    assert finding.code == "at_unreadable" and "没有分钟" in finding.message
    assert len(result.events) == 1


@pytest.mark.parametrize(("at", "hour"), [("晚间10点", 22), ("早间7点31分", 7)])
def test_the_parts_of_the_day_news_reports_write(at: str, hour: int) -> None:
    result = check_timeline([{"at": "2023年11月27日 06:00", "kind": "change", "text": "x"}, {"at": at, "text": "y"}])
    assert result.events[1].at.hour == hour  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        # the incident summary of a Chinese postmortem template (https://juejin.cn/post/7539031990185263114):
        # '发生时间 2025-xx-xx 17:09:39 ~ 2025-xx-xx 17:23:54 (14min15s)'
        ("2024-03-10 17:09:39 ~ 2024-03-10 17:23:54 (14min15s)", (17, 9, 39), (17, 23, 54)),
        ("2024-03-10 17:09 ~ 2024-03-10 17:23", (17, 9, 0), (17, 23, 0)),
        ("17:09 ~ 17:23", (17, 9, 0), (17, 23, 0)),
        ("17:09 ~17:23", (17, 9, 0), (17, 23, 0)),
    ],
)
def test_a_tilde_between_two_times_is_a_span_not_an_approximation(
    at: str, start: tuple[int, int, int], end: tuple[int, int, int]
) -> None:
    result = second(at, kind="impact_end")
    event = result.events[1]  # type: ignore[attr-defined]
    assert (event.at.hour, event.at.minute, event.at.second) == start
    assert (event.end_at.hour, event.end_at.minute, event.end_at.second) == end
    assert codes(result) == ["at_span_end"] and not event.approximate
    assert result.impact_duration_minutes == round((end[0] - 11) * 60 + end[1] + end[2] / 60, 4)  # type: ignore[attr-defined]


def test_a_tilde_before_a_time_is_still_approximate() -> None:
    assert codes(second("~11:03")) == ["at_approximate"]
    assert "at_approximate" in codes(second("约 14:05 ~ 14:20"))  # 约 makes it approximate, the ~ a span


@pytest.mark.parametrize(
    ("at", "when"),
    [
        # the time, its zone, then the date: AWS (https://aws.amazon.com/message/101925/) and Azure write so
        ("11:49 PM PDT on October 19, 2025", dt.datetime(2025, 10, 20, 6, 49)),
        ("21:40 UTC on 18 July 2024", dt.datetime(2024, 7, 18, 21, 40)),
        ("2:24 AM PDT, October 20, 2025", dt.datetime(2025, 10, 20, 9, 24)),
        ("09:37 PST on Feb 28 2017", dt.datetime(2017, 2, 28, 17, 37)),
    ],
)
def test_a_zone_written_before_the_date(at: str, when: dt.datetime) -> None:
    result = check_timeline([{"at": at, "kind": "impact_start", "text": "x"}], "UTC", "en")
    assert [e.at for e in result.events] == [when.replace(tzinfo=UTC)] and codes(result) == []


@pytest.mark.parametrize(
    ("at", "start", "end"),
    [
        # the start of a span written with its own zone (and date), as status pages and summaries do
        ("2024-07-19 04:09 UTC to 05:27 UTC", dt.datetime(2024, 7, 19, 4, 9), dt.datetime(2024, 7, 19, 5, 27)),
        (
            "Nov 2, 2023 11:44 UTC – Nov 4, 2023 04:25 UTC",
            dt.datetime(2023, 11, 2, 11, 44),
            dt.datetime(2023, 11, 4, 4, 25),
        ),
        (
            "from 2023-11-02 11:44 UTC to 2023-11-04 04:25 UTC",
            dt.datetime(2023, 11, 2, 11, 44),
            dt.datetime(2023, 11, 4, 4, 25),
        ),
        (
            "Oct 19, 2025 11:48 PM PDT - 2:40 AM PDT Oct 20",
            dt.datetime(2025, 10, 20, 6, 48),
            dt.datetime(2025, 10, 20, 9, 40),
        ),
        # a dash with a space on both sides is no offset's
        ("2024-07-19 04:09 UTC - 05:27", dt.datetime(2024, 7, 19, 4, 9), dt.datetime(2024, 7, 19, 5, 27)),
        ("2024-07-19 04:09 - 05:00", dt.datetime(2024, 7, 19, 4, 9), dt.datetime(2024, 7, 19, 5, 0)),
    ],
)
def test_a_span_whose_start_has_its_own_zone(at: str, start: dt.datetime, end: dt.datetime) -> None:
    """'2024-07-19 04:09 UTC - 05:27' was read as 04:09 at UTC-05:27, 09:36 UTC, and stated with no finding."""
    result = check_timeline([{"at": at, "kind": "resolved", "text": "x"}], "UTC", "en")
    (event,) = result.events
    assert (event.at, event.end_at) == (start.replace(tzinfo=UTC), end.replace(tzinfo=UTC))


@pytest.mark.parametrize(
    ("at", "code", "says"),
    [
        ("2024-07-19 04:09 UTC - 05:00", "at_unreadable", "UTC-05:00"),  # a span to 05:00, or UTC-5: not guessed
        ("2024-07-19 04:09 UTC-05:27", "at_zone_unknown", "UTC-05:27"),  # no zone is 27 minutes off the hour
        ("2024-07-19 04:09 +15:00", "at_zone_unknown", "+15:00"),
    ],
)
def test_an_offset_no_zone_has_or_a_dash_that_may_be_either_is_refused(at: str, code: str, says: str) -> None:
    result = check_timeline([{"at": at, "kind": "resolved", "text": "x"}], "UTC", "en")
    (finding,) = result.findings
    assert finding.code == code and says in finding.message and not result.events


@pytest.mark.parametrize(
    ("at", "when"),
    [
        ("2024-07-19 04:09 -0500", dt.datetime(2024, 7, 19, 9, 9)),  # an offset still, as logs write it
        ("2024-07-19T04:09-05:00", dt.datetime(2024, 7, 19, 9, 9)),
        ("2024-07-19 04:09 UTC-05:00", dt.datetime(2024, 7, 19, 9, 9)),
        ("2024-07-19 04:09 +05:45", dt.datetime(2024, 7, 18, 22, 24)),  # Nepal
    ],
)
def test_real_offsets_are_still_offsets(at: str, when: dt.datetime) -> None:
    result = check_timeline([{"at": at, "kind": "resolved", "text": "x"}], "UTC", "en")
    assert [e.at for e in result.events] == [when.replace(tzinfo=UTC)]


@pytest.mark.parametrize(
    ("at", "when"),
    [
        ("On Thursday 12 June 2025, from 10:51 US/Pacific", dt.datetime(2025, 6, 12, 17, 51)),
        ("On 12 June 2025, from 10:51 US/Pacific", dt.datetime(2025, 6, 12, 17, 51)),
        ("On Thursday, June 12, 2025 at 10:51 UTC", dt.datetime(2025, 6, 12, 10, 51)),
    ],
)
def test_a_time_opened_with_on_and_the_day(at: str, when: dt.datetime) -> None:
    result = check_timeline([{"at": at, "kind": "impact_start", "text": "x"}], "UTC", "en")
    assert [e.at for e in result.events] == [when.replace(tzinfo=UTC)]


def test_a_span_takes_the_date_written_after_its_end() -> None:
    """AWS 2025-10-19 (https://aws.amazon.com/message/101925/): 'between 5:30 AM and 2:09 PM on October 20' (NLB),
    'between 2:25 AM and 10:36 AM on October 20' (EC2). The start has no date of its own: it is the end's,
    not the event before's (2:25 AM after 5:30 AM was rolled to October 21, past its own end: refused)."""
    zone = "America/Los_Angeles"
    result = check_timeline(
        [
            {"at": "11:48 PM PDT on October 19, 2025", "kind": "impact_start", "text": "DynamoDB DNS empty"},
            {"at": "between 5:30 AM and 2:09 PM on October 20", "kind": "NLB errors", "text": "x"},
            {"at": "2:25 AM to 10:36 AM on October 20", "kind": "EC2 launches fail", "text": "y"},
            {"at": "between 11:48 PM on October 19 and 2:40 AM", "kind": "impact_end", "text": "z"},
        ],
        zone,
        "en",
    )
    spans = {e.kind: (e.at.isoformat(), e.end_at.isoformat()) for e in result.events if e.end_at}  # type: ignore[union-attr]
    assert spans["EC2 launches fail"] == ("2025-10-20T02:25:00-07:00", "2025-10-20T10:36:00-07:00")
    assert spans["NLB errors"] == ("2025-10-20T05:30:00-07:00", "2025-10-20T14:09:00-07:00")
    assert spans["impact_end"] == ("2025-10-19T23:48:00-07:00", "2025-10-20T02:40:00-07:00")
    assert result.impact_duration_minutes == 172
    assert "at_impossible" not in codes(result)


def test_the_longest_window_a_summary_writes_is_one_at() -> None:
    """AWS 2025-10-19: 'Between 11:48 PM PDT on October 19 and 2:40 AM PDT on October 20' is 65 characters; an
    ``at`` of more than 64 refused the whole call."""
    at = "Between 11:48 PM PDT on October 19 and 2:40 AM PDT on October 20, 2025"
    result = check_timeline([{"at": at, "kind": "impact_end", "text": "DynamoDB API errors"}], "UTC", "en")
    (event,) = result.events
    assert event.at == dt.datetime(2025, 10, 20, 6, 48, tzinfo=UTC)
    assert event.end_at == dt.datetime(2025, 10, 20, 9, 40, tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "when"),
    [
        ("21/06/2022 09:00", dt.datetime(2022, 6, 21, 9, 0)),  # only a day can be 21: day first
        ("21.06.2022 09:00", dt.datetime(2022, 6, 21, 9, 0)),
        ("6/21/22 09:00", dt.datetime(2022, 6, 21, 9, 0)),  # month first
        ("06-21 09:00", dt.datetime(2024, 6, 21, 9, 0)),  # as logs write it; the year of the event before
    ],
)
def test_a_numeric_date_whose_order_one_number_settles(at: str, when: dt.datetime) -> None:
    result = second(at)
    assert [e.at for e in result.events if e.index == 1] == [when.replace(tzinfo=UTC)]  # type: ignore[attr-defined]


@pytest.mark.parametrize(("at", "code"), [("6/7 09:00", "at_unreadable"), ("13/13 09:00", "at_impossible")])
def test_a_numeric_date_no_number_settles_is_refused(at: str, code: str) -> None:
    result = second(at)
    assert [f.code for f in result.findings if f.path == "timeline[1].at"] == [code]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "at",
    [
        # Statuspage's incident history stamps each update so (e.g. https://www.githubstatus.com/history)
        "Posted 3 years ago. Jun 21, 2022 - 09:00 UTC",
        "Posted about 2 years ago. Jun 21, 2022 - 09:00 UTC",
        "Posted Jun 21, 2022 - 09:00 UTC",
        "发布于 2022-06-21 17:00 北京时间",
    ],
)
def test_a_status_update_stamp_is_its_time(at: str) -> None:
    result = check_timeline([{"at": at, "kind": "resolved", "text": "This incident has been resolved."}], "UTC", "en")
    assert [e.at for e in result.events] == [dt.datetime(2022, 6, 21, 9, 0, tzinfo=UTC)]
    assert not result.findings or all(f.code != "at_approximate" for f in result.findings)  # 'about … ago' is not
