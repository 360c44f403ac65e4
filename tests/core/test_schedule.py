"""Delivery instants: DST gaps and folds in several zones, weekday filters, preview CLI."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.cli import main
from bot.core import refs
from bot.core.app import Core
from bot.core.commands import DAY_NAMES, REGISTRY, format_days, parse_days
from bot.core.ports import UnitOfWork as Tx
from bot.core.records import SubRow
from bot.core.requests import Request, User
from bot.core.schedule import (
    Daily,
    days_mask,
    describe_local,
    describe_wait,
    instant,
    iso_z,
    mask_days,
)
from tests.conftest import Chat


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def z(moments: list[datetime]) -> list[str]:
    return [iso_z(m) for m in moments]


# --- the definition, zone by zone ------------------------------------------------------

CASES = [
    # zone, local date, local time, expected UTC instant, why
    ("America/New_York", date(2027, 3, 13), time(2, 30), "2027-03-13T07:30:00Z", "EST"),
    ("America/New_York", date(2027, 3, 14), time(2, 30), "2027-03-14T07:30:00Z", "gap -> 03:30"),
    ("America/New_York", date(2027, 3, 14), time(3, 30), "2027-03-14T07:30:00Z", "EDT"),
    ("America/New_York", date(2027, 11, 7), time(1, 30), "2027-11-07T05:30:00Z", "fold: first"),
    ("America/New_York", date(2027, 11, 8), time(1, 30), "2027-11-08T06:30:00Z", "EST again"),
    ("Europe/London", date(2027, 3, 28), time(1, 30), "2027-03-28T01:30:00Z", "gap -> 02:30"),
    ("Europe/London", date(2027, 3, 29), time(1, 30), "2027-03-29T00:30:00Z", "BST"),
    ("Europe/London", date(2027, 10, 31), time(1, 30), "2027-10-31T00:30:00Z", "fold: first"),
    ("Europe/London", date(2027, 11, 1), time(1, 30), "2027-11-01T01:30:00Z", "GMT"),
    # Lord Howe: +10:30 standard, +11 summer; the jumps are 30 minutes.
    ("Australia/Lord_Howe", date(2026, 10, 3), time(2, 15), "2026-10-02T15:45:00Z", "+10:30"),
    ("Australia/Lord_Howe", date(2026, 10, 4), time(2, 15), "2026-10-03T15:45:00Z", "gap -> 02:45"),
    ("Australia/Lord_Howe", date(2026, 10, 5), time(2, 15), "2026-10-04T15:15:00Z", "+11"),
    ("Australia/Lord_Howe", date(2027, 4, 4), time(1, 45), "2027-04-03T14:45:00Z", "fold: first"),
    ("Australia/Lord_Howe", date(2027, 4, 5), time(1, 45), "2027-04-04T15:15:00Z", "+10:30"),
    ("Asia/Kathmandu", date(2027, 3, 14), time(7, 30), "2027-03-14T01:45:00Z", "+05:45"),
    ("Asia/Kolkata", date(2027, 3, 14), time(0, 0), "2027-03-13T18:30:00Z", "+05:30"),
    ("Pacific/Chatham", date(2027, 1, 10), time(9, 0), "2027-01-09T19:15:00Z", "+13:45"),
    ("UTC", date(2027, 3, 14), time(7, 30), "2027-03-14T07:30:00Z", "UTC"),
]


@pytest.mark.parametrize(("tz", "day", "at", "expected", "why"), CASES)
def test_instant_follows_the_definition(
    tz: str, day: date, at: time, expected: str, why: str
) -> None:
    assert iso_z(instant(day, at, tz)) == expected, why


def test_gap_day_in_a_sequence_is_shifted_by_the_gap_not_dropped() -> None:
    plan = Daily(time(2, 30), "America/New_York")
    assert z(plan.next_instants(utc(2027, 3, 12, 12), 4)) == [
        "2027-03-13T07:30:00Z",
        "2027-03-14T07:30:00Z",  # 03:30 EDT: shifted by the one-hour gap
        "2027-03-15T06:30:00Z",
        "2027-03-16T06:30:00Z",
    ]


def test_ambiguous_time_is_delivered_once_at_its_first_occurrence() -> None:
    plan = Daily(time(1, 30), "America/New_York")
    got = plan.next_instants(utc(2027, 11, 6, 12), 3)
    assert z(got) == ["2027-11-07T05:30:00Z", "2027-11-08T06:30:00Z", "2027-11-09T06:30:00Z"]
    # The second 01:30 (06:30Z on the 7th) is not a delivery.
    assert utc(2027, 11, 7, 6, 30) not in got


def test_after_is_strict_and_instants_never_precede_it() -> None:
    plan = Daily(time(7, 30), "Europe/Berlin")
    first = plan.next_instants(utc(2027, 6, 1), 1)[0]
    assert iso_z(first) == "2027-06-01T05:30:00Z"
    assert plan.next_instants(first, 1)[0] == first + timedelta(days=1)
    assert plan.next_instants(first - timedelta(seconds=1), 1)[0] == first


def test_weekday_filters_use_the_local_date() -> None:
    # 23:30 in Auckland on a Monday is Monday locally but Sunday in UTC.
    plan = Daily(time(23, 30), "Pacific/Auckland", frozenset({0}))
    got = plan.next_instants(utc(2027, 6, 1), 3)
    assert [m.astimezone(ZoneInfo("Pacific/Auckland")).weekday() for m in got] == [0, 0, 0]
    assert [m.weekday() for m in got] == [0, 0, 0]  # 11:30Z Monday (NZST +12)
    weekdays = Daily(time(9, 0), "UTC", parse_days("weekdays"))
    days = [m.strftime("%a") for m in weekdays.next_instants(utc(2027, 3, 12), 5)]
    assert days == ["Fri", "Mon", "Tue", "Wed", "Thu"]


def test_a_skipped_calendar_day_gives_no_duplicate_instant() -> None:
    # Samoa skipped 30 Dec 2011 (from -10 to +14): two local dates, one instant.
    plan = Daily(time(7, 30), "Pacific/Apia")
    got = [m for _, m in plan.between(utc(2011, 12, 28), utc(2012, 1, 2))]
    assert len(got) == len(set(got))
    assert got == sorted(got)


def test_days_round_trip_through_the_mask_and_bad_schedules_are_refused() -> None:
    for spec in ("every day", "weekdays", "weekends", "mon,wed,fri", "sun", "mon-wed,fri"):
        days = parse_days(spec)
        assert mask_days(days_mask(days)) == days
    with pytest.raises(ValueError):
        Daily(time(7, 0), "UTC", frozenset())
    with pytest.raises(Exception, match="Mars"):
        Daily(time(7, 0), "Mars/Olympus_Mons")


FULL_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day_word(day: int, full: bool) -> str:
    return FULL_NAMES[day] if full else DAY_NAMES[day]


DAY = st.integers(0, 6)


@settings(max_examples=200, deadline=None)
@given(first=DAY, last=DAY, full_first=st.booleans(), full_last=st.booleans())
def test_property_a_range_is_a_contiguous_cyclic_run(
    first: int, last: int, full_first: bool, full_last: bool
) -> None:
    days = parse_days(f"{_day_word(first, full_first)}-{_day_word(last, full_last)}")
    n = len(days)
    # From the first day forward through the week, wrapping past Sunday, to the last.
    assert days == {(first + i) % 7 for i in range(n)}
    assert (first + n - 1) % 7 == last
    assert (n == 7) == ((last + 1) % 7 == first)


@settings(max_examples=200, deadline=None)
@given(
    parts=st.lists(
        st.one_of(
            DAY.map(lambda d: ((d, d), DAY_NAMES[d])),
            st.tuples(DAY, DAY).map(lambda r: (r, f"{DAY_NAMES[r[0]]}-{DAY_NAMES[r[1]]}")),
        ),
        min_size=1,
        max_size=5,
    ),
    sep=st.sampled_from([",", ", ", " ", " , "]),
)
def test_property_a_list_of_days_and_ranges_is_their_union(
    parts: list[tuple[tuple[int, int], str]], sep: str
) -> None:
    expected = {
        (first + i) % 7 for (first, last), _ in parts for i in range((last - first) % 7 + 1)
    }
    days = parse_days(sep.join(text for _, text in parts))
    assert days == expected
    assert parse_days(format_days(days)) == days


ZONES = [
    "America/New_York",
    "Europe/London",
    "Australia/Lord_Howe",
    "Asia/Kathmandu",
    "America/Santiago",
    "Africa/Casablanca",
    "Pacific/Apia",
    "America/St_Johns",
]


@settings(max_examples=300, deadline=None)
@given(
    tz=st.sampled_from(ZONES),
    start=st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2037, 1, 1)),
    minute=st.integers(0, 1439),
    mask=st.integers(1, 127),
)
def test_property_one_instant_per_selected_date_never_early(
    tz: str, start: datetime, minute: int, mask: int
) -> None:
    at = time(minute // 60, minute % 60)
    plan = Daily(at, tz, mask_days(mask))
    after = start.replace(tzinfo=UTC)
    got = plan.between(after, after + timedelta(days=15))
    zone = ZoneInfo(tz)
    moments = [m for _, m in got]
    assert moments == sorted(set(moments))  # strictly increasing: never twice
    assert all(m > after for m in moments)
    for day, moment in got:
        assert day.weekday() in plan.days
        wall = datetime.combine(day, at, tzinfo=zone)
        local = moment.astimezone(zone)
        if wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None):
            # The wall time exists: delivered exactly then, at its first occurrence.
            assert local.replace(tzinfo=None) == datetime.combine(day, at)
            assert moment == wall.replace(fold=0).astimezone(UTC)
        else:
            # Skipped by a jump forward: delivered later that day, by the gap.
            assert local.replace(tzinfo=None) > datetime.combine(day, at)
            assert local.replace(tzinfo=None) - datetime.combine(day, at) <= timedelta(days=1)
    # Every selected local date in the window is there (except calendar-skipped days).
    selected = {d for d, _ in got}
    first, last = (got[0][0], got[-1][0]) if got else (None, None)
    if first and last:
        d = first
        while d <= last:
            if d.weekday() in plan.days and not _day_skipped(d, zone):
                assert d in selected or _same_instant_as_neighbour(d, at, tz, selected), d
            d += timedelta(days=1)


def _day_skipped(d: date, zone: ZoneInfo) -> bool:
    noon = datetime.combine(d, time(12), tzinfo=zone)
    return noon.astimezone(UTC).astimezone(zone).date() != d


def _same_instant_as_neighbour(d: date, at: time, tz: str, selected: set[date]) -> bool:
    neighbours = {d - timedelta(days=1), d + timedelta(days=1)} & selected
    return any(instant(n, at, tz) == instant(d, at, tz) for n in neighbours)


# --- the command grammar ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "zone", "days"),
    [
        ("daily 07:30", None, None),
        ("daily 07:30 weekdays", None, frozenset(range(5))),
        ("daily 07:30 Europe/Berlin mon,wed,fri", "Europe/Berlin", frozenset({0, 2, 4})),
        ("daily 07:30 America/New_York every day", "America/New_York", frozenset(range(7))),
        ("daily 7.30 asia/kathmandu", "Asia/Kathmandu", None),
        ("daily 07:30 mon, wed", None, frozenset({0, 2})),
        ("daily 07:30 mon-fri", None, frozenset(range(5))),
        ("daily 07:30 Europe/Berlin mon-wed,fri", "Europe/Berlin", frozenset({0, 1, 2, 4})),
        ("daily 07:30 fri-mon", None, frozenset({4, 5, 6, 0})),
    ],
)
def test_daily_parses_with_optional_zone_and_greedy_days(
    text: str, zone: str | None, days: frozenset[int] | None
) -> None:
    parsed = REGISTRY.parse(text)
    assert parsed.command.name == "daily"
    assert parsed.args == {"time": time(7, 30), "zone": zone, "days": days}


async def test_daily_with_a_day_range_subscribes_on_those_days(core: Core, alice: Chat) -> None:
    reply = await alice("daily 09:00 America/Los_Angeles mon-fri")
    assert reply.ok, reply.body
    assert reply.title == "Daily tip: 09:00 America/Los_Angeles, weekdays"
    # The fixed clock says Monday 2 March 2026, 01:00 in Los Angeles.
    assert reply.body.startswith("Next one: Mon 2 Mar 2026, 09:00 (America/Los_Angeles)")

    def subscription(tx: Tx) -> SubRow | None:
        u = alice.user
        pk = tx.users.user(u.platform, u.tenant, u.user_id, u.display_name, core.clock()).pk
        return tx.subscriptions.of_user(pk)

    sub = await core.store.run(subscription)
    assert sub is not None and mask_days(sub.days) == frozenset(range(5))
    # A wrapping range and a mixed list, shown back the way they were typed.
    assert (await alice("daily 09:00 fri-mon")).title.endswith(", fri-mon")
    assert (await alice("daily 09:00 mon-wed,fri")).title.endswith(", mon-wed,fri")
    sub = await core.store.run(subscription)
    assert sub is not None and mask_days(sub.days) == frozenset({0, 1, 2, 4})


async def test_admin_daily_takes_a_day_range(core: Core) -> None:
    admin = User("console", "local", "root", "Root")
    reply = await core.respond(
        Request(admin, "admin daily #general 09:00 Europe/Berlin sat-sun", is_admin=True)
    )
    assert reply.ok, reply.body
    assert reply.title == f"Daily tip for {refs.channel('general')}: 09:00 Europe/Berlin, sat,sun"
    assert reply.plain_text().startswith("Daily tip for #general: 09:00 Europe/Berlin, sat,sun")
    assert reply.body.startswith("Next one: Sat 7 Mar 2026, 09:00 (Europe/Berlin)")
    (sub,) = await core.store.run(lambda tx: tx.subscriptions.of_channels("console", "local"))
    assert mask_days(sub.days) == frozenset({5, 6})
    bad = await core.respond(
        Request(admin, "admin daily #general 09:00 Europe/Berlin sat-", is_admin=True)
    )
    assert not bad.ok and "'sat-' is not a day range" in bad.body


def test_daily_subcommands_parse_to_their_own_commands() -> None:
    assert REGISTRY.parse("daily off").command.name == "daily off"
    pause = REGISTRY.parse("daily pause 3")
    assert (pause.command.name, pause.args) == ("daily pause", {"n": 3})
    admin = REGISTRY.parse("admin daily <#C0GENERAL|general> 09:00 Europe/Berlin")
    assert admin.command.admin
    assert admin.args["channel"] == "C0GENERAL"
    assert admin.args["zone"] == "Europe/Berlin"
    assert REGISTRY.parse("admin daily off").args["channel"] == "off"


def test_registry_stays_within_discord_limits() -> None:
    # /career and its overflow /career-more hold 25 user commands each, /career-admin 25
    offered = [c for c in REGISTRY if not c.button_only]
    assert len([c for c in offered if not c.admin]) <= 2 * 25
    assert len([c for c in offered if c.admin]) <= 25
    for cmd in offered:
        assert len(cmd.options) <= 25 and len(cmd.summary) <= 100


# --- rendering helpers -------------------------------------------------------------------


def test_local_descriptions() -> None:
    moment = utc(2026, 3, 3, 6, 30)
    assert describe_local(moment, "Europe/Berlin") == "Tue 3 Mar 2026, 07:30 (Europe/Berlin)"
    assert describe_wait(timedelta(hours=3, minutes=20)) == "in 3 h 20 min"
    assert describe_wait(timedelta(days=1, hours=2)) == "in 1 day 2 h"
    assert describe_wait(timedelta(days=4)) == "in 4 days"
    assert describe_wait(timedelta(seconds=-5)) == "now"


# --- careerbot schedule preview ----------------------------------------------------------


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["schedule", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_preview_prints_one_utc_instant_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys,
        "preview",
        "--at", "02:30",
        "--tz", "America/New_York",
        "--after", "2027-03-13T07:30:00Z",
        "--count", "3",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        "2027-03-14T07:30:00Z",
        "2027-03-15T06:30:00Z",
        "2027-03-16T06:30:00Z",
    ]


def test_preview_takes_day_ranges(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys,
        "preview",
        "--at", "09:00",
        "--tz", "America/Los_Angeles",
        "--days", "mon-fri",
        "--after", "2027-03-12T00:00:00Z",
        "--count", "3",
    )  # fmt: skip
    assert (code, err) == (0, "")
    # Fri 12 Mar (PST, -8), then Mon 15 and Tue 16 (PDT, -7 after the 14 Mar jump).
    assert out.splitlines() == [
        "2027-03-12T17:00:00Z",
        "2027-03-15T16:00:00Z",
        "2027-03-16T16:00:00Z",
    ]
    code, out, _ = run_cli(
        capsys,
        "preview",
        "--at", "09:00",
        "--tz", "UTC",
        "--days", "fri-mon",
        "--after", "2027-03-10T00:00:00Z",
        "--count", "5",
    )  # fmt: skip
    assert code == 0
    assert [datetime.fromisoformat(x).strftime("%a %d") for x in out.splitlines()] == [
        "Fri 12",
        "Sat 13",
        "Sun 14",
        "Mon 15",
        "Fri 19",
    ]


def test_preview_days_and_offsets(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        capsys,
        "preview",
        "--at", "07:30",
        "--tz", "Asia/Kathmandu",
        "--days", "mon,wed,fri",
        "--after", "2027-03-14T00:00:00+05:45",
        "--count", "3",
    )  # fmt: skip
    assert code == 0
    assert out.splitlines() == [
        "2027-03-15T01:45:00Z",
        "2027-03-17T01:45:00Z",
        "2027-03-19T01:45:00Z",
    ]


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--tz", "Mars/Olympus", "not a known time zone"),
        ("--at", "25:00", "not a time"),
        ("--days", "funday", "'funday' is not a day"),
        ("--days", "mon-xyz", "'xyz' is not a day"),
        ("--days", "mon-", "'mon-' is not a day range"),
        ("--after", "yesterday", "not an ISO 8601 instant"),
        ("--count", "0", "--count must be between"),
    ],
)
def test_preview_refuses_bad_input_with_one_clear_line(
    capsys: pytest.CaptureFixture[str], flag: str, value: str, message: str
) -> None:
    args = {"--at": "07:30", "--tz": "UTC", "--after": "2027-01-01T00:00:00Z", "--count": "2"}
    args[flag] = value
    argv = ["preview"] + [x for kv in args.items() for x in kv]
    code, out, err = run_cli(capsys, *argv)
    assert code == 1
    assert out == ""
    assert message in err
    assert "Traceback" not in err and len(err.splitlines()) == 1


def test_preview_through_the_careerbot_command(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        ["schedule", "preview", "--at", "01:30", "--tz", "Europe/London",
         "--after", "2027-10-30T12:00:00Z", "--count", "2"]
    )  # fmt: skip
    assert code == 0
    assert capsys.readouterr().out.splitlines() == [
        "2027-10-31T00:30:00Z",
        "2027-11-01T01:30:00Z",
    ]


def test_preview_output_is_plain_text(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        capsys, "preview", "--at", "07:30", "--tz", "UTC", "--after", "2027-01-01", "--count", "1"
    )
    assert (code, out, err) == (0, "2027-01-01T07:30:00Z\n", "")
