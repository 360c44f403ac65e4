"""One time-zone check for every source: a user's option, a platform's hint (Slack's
users.info ``tz``) and a schedule agree on what is a zone and how it is spelled."""

from __future__ import annotations

from datetime import date, time

import pytest

from bot.core import zones
from bot.core.commands import parse_zone
from bot.core.errors import UnknownZone, UsageError
from bot.core.schedule import Daily

ACCEPTED = [
    ("Europe/Berlin", "Europe/Berlin"),
    ("europe/berlin", "Europe/Berlin"),
    (" America/New_York ", "America/New_York"),
    ("utc", "UTC"),
    ("GMT", "UTC"),
    ("Z", "UTC"),
    ("Asia/Kathmandu", "Asia/Kathmandu"),
]
REJECTED = ["Mars/Olympus", "../etc/passwd", "Europe/", "Europe/Berlin/x", "\x00"]


@pytest.mark.parametrize(("given", "name"), ACCEPTED)
def test_every_source_accepts_a_zone_the_same_way(given: str, name: str) -> None:
    assert parse_zone(given) == name  # a user's ``daily 07:30 <zone>``
    assert zones.known(given) == name  # a platform's hint
    plan = Daily(time(7, 30), given)  # a schedule
    assert plan.instant(date(2026, 3, 2)).tzinfo is not None
    assert Daily(time(7, 30), name).instant(date(2026, 3, 2)) == plan.instant(date(2026, 3, 2))


@pytest.mark.parametrize("given", REJECTED)
def test_every_source_refuses_a_non_zone_with_one_clear_message(given: str) -> None:
    with pytest.raises(UsageError) as parsed:
        parse_zone(given, "daily <time> [zone]")
    assert "is not a known time zone; use an IANA name like Europe/Berlin." in parsed.value.message
    assert parsed.value.usage == "daily <time> [zone]"
    assert zones.known(given) is None
    with pytest.raises(UnknownZone) as planned:  # a ValueError, as a bad schedule should be
        Daily(time(7, 30), given)
    assert isinstance(planned.value, ValueError)
    assert planned.value.message == parsed.value.message


@pytest.mark.parametrize("hint", [None, "", "  ", 7, ["Europe/Berlin"]])
def test_a_hint_that_is_no_name_is_none(hint: object) -> None:
    assert zones.known(hint) is None


def test_zone_names_are_the_canonical_spellings() -> None:
    names = zones.names()
    assert "Europe/Berlin" in names and names == sorted(names)
    assert all(zones.canonical(n.lower()) == n for n in names[:50])
