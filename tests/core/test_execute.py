"""Parse apart from execute: text is read into values by option name; a platform with
typed options (Discord) sends the values by name; either way the core converts and
validates each one BY NAME with the registry's converters, so the messages are the same."""

from __future__ import annotations

from datetime import time

import pytest

from bot.core import messages
from bot.core.app import Core
from bot.core.commands import MAX_TEXT, REGISTRY
from bot.core.errors import UsageError
from bot.core.replies import Reply
from bot.core.requests import Invocation, Request, User

ADA = User("discord", "global", "42", "Ada")


async def by_name(core: Core, command: str, is_admin: bool = False, **options: str) -> Reply:
    invocation = Invocation.of(command, options)
    return await core.respond(Request(ADA, invocation=invocation, is_admin=is_admin))


async def as_text(core: Core, text: str) -> Reply:
    return await core.respond(Request(User("console", "local", "bob"), text))


def test_read_gives_the_words_by_option_name_and_bind_converts_them() -> None:
    daily = REGISTRY.named("daily")
    cmd, raw = REGISTRY.read("daily 07:30 mon-fri")
    assert cmd is daily
    assert raw == {"time": "07:30", "zone": None, "days": "mon-fri"}
    # by name, in any order, optional ones left out
    args = REGISTRY.bind(daily, {"days": "mon - fri", "time": "7.30"})
    assert args == {"time": time(7, 30), "zone": None, "days": frozenset(range(5))}
    assert REGISTRY.named("roadmap-done") is REGISTRY.named("roadmap done")


def test_a_bad_value_is_reported_before_extra_words_as_always() -> None:
    with pytest.raises(UsageError, match="whole number"):
        REGISTRY.read("roadmap done x y")


async def test_by_name_answers_like_text(core: Core) -> None:
    reply = await by_name(core, "skill", name="Py  Torch")
    assert reply.ok and reply.title == (await as_text(core, "skill Py Torch")).title
    reply = await by_name(core, "roadmap-done", n="2")
    assert reply.ok, reply.body


async def test_a_required_option_left_out(core: Core) -> None:
    reply = await by_name(core, "skill")
    assert not reply.ok
    assert reply.body.startswith("'skill' needs <name>")
    assert reply.body == (await as_text(core, "skill")).body
    # an empty or blank value is a value left out
    assert (await by_name(core, "skill", name=" \u200b ")).body == reply.body


async def test_an_unknown_option(core: Core) -> None:
    reply = await by_name(core, "skill", name="rust", colour="red")
    assert not reply.ok
    usage = messages.USAGE.format(usage="skill <name>")
    assert reply.body == messages.UNKNOWN_OPTION.format(command="skill", option="colour") + (
        "\n" + usage
    )


async def test_an_unknown_command(core: Core) -> None:
    reply = await by_name(core, "progres")
    assert reply.body == (await as_text(core, "progres")).body
    assert "Did you mean: progress" in reply.body


@pytest.mark.parametrize(
    ("command", "options", "text"),
    [
        ("daily", {"time": "25:00"}, "daily 25:00"),
        ("daily", {"time": "09:00", "zone": "Mars/Olympus"}, "daily 09:00 Mars/Olympus"),
        ("daily", {"time": "09:00", "days": "mon-xyz"}, "daily 09:00 mon-xyz"),
        ("roadmap done", {"n": "0"}, "roadmap done 0"),
        ("roadmap done", {"n": "x"}, "roadmap done x"),
        ("rate", {"tip": "t001", "vote": "sideways"}, "rate t001 sideways"),
        ("skills", {"category": "astrology"}, "skills astrology"),
    ],
)
async def test_a_bad_value_has_the_message_of_the_text_path(
    core: Core, command: str, options: dict[str, str], text: str
) -> None:
    reply = await by_name(core, command, **options)
    typed = await as_text(core, text)
    assert not reply.ok and not typed.ok
    assert (reply.title, reply.body) == (typed.title, typed.body)


async def test_values_are_cleaned_like_text(core: Core) -> None:
    # full-width letters, a zero-width space, runs of blanks: as in typed text
    reply = await by_name(core, "skill", name="\uff30\uff59\u200b  Torch")
    assert reply.ok and reply.title == (await as_text(core, "skill PyTorch")).title
    huge = await by_name(core, "skill", name="x" * (MAX_TEXT + 1))
    assert not huge.ok and f"at most {MAX_TEXT}" in huge.body


async def test_admin_is_checked_by_name_too(core: Core) -> None:
    options = {"channel": "C0GENERAL", "time": "09:00", "zone": "Europe/Berlin"}
    refused = await by_name(core, "admin daily", **options)
    assert refused.body == messages.FORBIDDEN.format(command="admin daily")
    allowed = await by_name(core, "admin daily", is_admin=True, **options)
    assert allowed.ok, allowed.body


async def test_execute_takes_a_command_and_its_values(core: Core) -> None:
    cmd = REGISTRY.named("skills")
    reply = await core.execute(Request(ADA), cmd, {"category": "language"})
    assert [f.name.split(" (")[0] for f in reply.fields] == ["language"]
    with pytest.raises(UsageError, match="has no option <name>"):
        await core.execute(Request(ADA), cmd, {"name": "rust"})


async def test_a_category_of_several_words_is_free_text(core: Core) -> None:
    # "skills soft skill" was "Too many words for 'skills': 'skill'"
    reply = await as_text(core, "skills soft skill")
    assert reply.ok, reply.body
    assert reply == await by_name(core, "skills", category="soft-skill")
