"""The one registry: parsing, help, and the rules every command definition follows."""

from __future__ import annotations

import re
from datetime import time

import pytest

from bot.core.commands import (
    REGISTRY,
    clean_text,
    format_days,
    parse_days,
    parse_time,
    parse_zone,
)
from bot.core.errors import InputTooLong, UnknownCommand, UsageError

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")


def test_every_command_is_declared_once_with_a_short_summary() -> None:
    names = [c.name for c in REGISTRY]
    assert len(names) == len(set(names))
    slugs = [c.slug for c in REGISTRY]
    assert len(slugs) == len(set(slugs))
    for c in REGISTRY:
        assert NAME.match(c.slug), c.slug
        assert 1 <= len(c.summary) <= 100
        for o in c.options:
            assert NAME.match(o.name)
            assert 1 <= len(o.help) <= 100
    # the commands all exist (more may follow)
    for required in (
        "help",
        "tip",
        "skill",
        "skills",
        "roles",
        "role",
        "roadmap",
        "roadmap done",
        "learn",
        "done",
        "drop",
        "progress",
        "saved",
        "export",
        "forget",
    ):
        assert REGISTRY.get(required) is not None, required


def test_registry_refuses_a_second_declaration() -> None:
    with pytest.raises(ValueError, match="declared twice"):
        REGISTRY.command("tip", "again")


@pytest.mark.parametrize(
    ("text", "name", "args"),
    [
        ("", "help", {}),
        ("tip", "tip", {"skill": None}),
        ("tip rust", "tip", {"skill": "rust"}),
        ("skill Py Torch", "skill", {"name": "Py Torch"}),
        ("SKILL k8s", "skill", {"name": "k8s"}),
        ("roadmap done 2", "roadmap done", {"n": 2}),
        ("roadmap-done 3", "roadmap done", {"n": 3}),
        ("roadmap", "roadmap", {}),
        ("forget confirm", "forget", {"confirm": "confirm"}),
        ("rate t001 up", "rate", {"tip": "t001", "vote": "up"}),
        ("/career learn rust", "learn", {"skill": "rust"}),
    ],
)
def test_parse(text: str, name: str, args: dict[str, object]) -> None:
    parsed = REGISTRY.parse(clean_text(text))
    assert parsed.command.name == name
    assert parsed.args == args


def test_unknown_command_suggests_close_names() -> None:
    with pytest.raises(UnknownCommand) as err:
        REGISTRY.parse("progres")
    assert "progress" in err.value.suggestions
    assert "help" in str(err.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("skill", "needs <name>"),
        ("roadmap done x", "whole number"),
        ("roadmap done 0", "between 1"),
        ("rate t001 sideways", "one of: up, down"),
        ("progress now please", "Too many words"),
        ("daily 07:30 Mars/Olympus", "not a known time zone"),
        ("daily 07:30 Europe/Berlin someday", "'someday' is not a day"),
        ("daily 07:30 Europe/Berlin mon-xyz", "'xyz' is not a day"),
    ],
)
def test_bad_arguments_give_the_usage(text: str, fragment: str) -> None:
    with pytest.raises(UsageError) as err:
        REGISTRY.parse(clean_text(text))
    assert fragment in str(err.value)
    assert err.value.usage.startswith(text.split()[0])


def test_clean_text_strips_control_characters_and_refuses_huge_input() -> None:
    assert clean_text("  skill\x00 \x1b[31mrust\x1b[0m\u200b\n") == "skill rust"
    assert clean_text("skill ＰｙＴｏｒｃｈ") == "skill PyTorch"
    with pytest.raises(InputTooLong):
        clean_text("skill " + "x" * 10_000)


def test_time_zone_and_day_parsing() -> None:
    assert parse_time("7:05") == time(7, 5)
    assert parse_zone("europe/berlin") == "Europe/Berlin"
    assert parse_zone("utc") == "UTC"
    assert parse_days("weekdays") == frozenset(range(5))
    assert parse_days("mon,wed, friday") == frozenset({0, 2, 4})
    assert parse_days("sat,sun,") == frozenset({5, 6})
    for bad in ("24:00", "7pm", "12:60"):
        with pytest.raises(UsageError):
            parse_time(bad)
    with pytest.raises(UsageError, match="IANA"):
        parse_zone("Mars/Olympus")
    for bad in ("someday", ",", "mon,funday"):
        with pytest.raises(UsageError):
            parse_days(bad)


@pytest.mark.parametrize(
    ("text", "days"),
    [
        ("mon-fri", {0, 1, 2, 3, 4}),
        ("sat-sun", {5, 6}),
        ("mon-wed,fri", {0, 1, 2, 4}),
        ("fri-mon", {4, 5, 6, 0}),  # wraps past Sunday
        ("sun-sat", set(range(7))),
        ("mon-mon", {0}),  # a one-day range is that day
        ("Monday-Friday", {0, 1, 2, 3, 4}),
        ("monday-wed, friday", {0, 1, 2, 4}),
        ("mon - fri", {0, 1, 2, 3, 4}),
        ("mon\u2013fri", {0, 1, 2, 3, 4}),  # an en dash, as phones and Slack autocorrect
        ("tue-thu sat", {1, 2, 3, 5}),
        ("weekends,wed", {2, 5, 6}),
    ],
)
def test_day_ranges(text: str, days: set[int]) -> None:
    assert parse_days(text) == frozenset(days)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("mon-xyz", "'xyz' is not a day"),
        ("xyz-fri", "'xyz' is not a day"),
        ("mon-", "'mon-' is not a day range"),
        ("-fri", "'-fri' is not a day range"),
        ("mon-tue-wed", "'mon-tue-wed' is not a day range"),
        ("mon,funday", "'funday' is not a day"),
        (" , ", "names no days"),
    ],
)
def test_bad_day_ranges_name_the_bad_part(text: str, message: str) -> None:
    with pytest.raises(UsageError) as err:
        parse_days(text, "daily <time> [zone] [days]")
    assert message in err.value.message
    assert len(err.value.message) <= 100
    assert err.value.usage == "daily <time> [zone] [days]"


def test_day_lists_are_shown_as_they_are_typed() -> None:
    assert format_days(parse_days("mon-wed,fri")) == "mon-wed,fri"
    assert format_days(parse_days("fri-mon")) == "fri-mon"
    assert format_days(parse_days("mon-fri")) == "weekdays"
    assert format_days(parse_days("sat,sun")) == "sat,sun"
    assert format_days(parse_days("sun-sat")) == "every day"
    for mask in range(1, 128):  # every day set reads back as itself
        days = frozenset(d for d in range(7) if mask >> d & 1)
        assert parse_days(format_days(days)) == days
