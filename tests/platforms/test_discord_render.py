"""Every reply rendered for Discord stays inside Discord's limits; the tree stays valid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import discord
import pytest
from discord import app_commands

from bot.bank import Bank
from bot.core.app import Core
from bot.core.commands import REGISTRY, Command, Option
from bot.core.replies import Attachment, Button, Field, Reply, SourceRef
from bot.core.requests import Request, User
from bot.platforms.discord.render import MAX_PAGES, PREFIX, Page, render, split, trim
from bot.platforms.discord.tree import GROUP, MORE, build_groups
from bot.storage import open_store
from tests.conftest import FakeClock
from tests.fakes.discord import command_problems, message_problems

SAMPLES: dict[str, str] = {
    "int": "1",
    "skill": "python",
    "role": "ml engineer",
    "timezone": "Europe/Berlin",
    "time": "07:30",
    "days": "weekdays",
    "channel": "<#2000>",
    "word": "language",
    "text": "tip",  # free text; the only such option today is help's <command>
    "tip": "t001",
}


def sample_text(cmd: Command, tip_id: str) -> str:
    words = [cmd.name]
    for opt in cmd.options:
        if opt.kind == "choice":
            words.append(opt.choices[0])
        elif opt.name == "tip":
            words.append(tip_id)
        else:
            words.append(SAMPLES[opt.kind])
    return " ".join(words)


def payload(page: Page) -> dict[str, Any]:
    view = page.view()
    return {
        "content": page.content,
        "embeds": [e.to_dict() for e in page.embeds],
        "components": view.to_components() if view else [],
    }


def check(reply: Reply) -> list[Page]:
    pages = render(reply)
    assert 1 <= len(pages) <= MAX_PAGES
    for page in pages:
        assert message_problems(payload(page)) == [], reply.title
        assert page.content or page.embeds
    return pages


@pytest.fixture
async def big_core(real_bank: Bank, tmp_path: Path, clock: FakeClock) -> Any:
    store = await open_store(tmp_path / "big.db")
    yield Core(real_bank, store, clock=clock)
    await store.close()


@pytest.mark.parametrize("bank_name", ["fixture", "real"])
async def test_every_registered_command_renders_within_limits(
    bank_name: str, core: Core, big_core: Core
) -> None:
    the_core = core if bank_name == "fixture" else big_core
    user = User("discord", "1000", "42", "Ada")
    tip_id = sorted(the_core.bank.tips)[0]

    async def say(text: str) -> Reply:
        return await the_core.respond(
            Request(user=user, text=text, is_dm=False, is_admin=True, channel_id="2000")
        )

    # a user with history, so that dashboards and lists are full
    for skill in list(the_core.bank.skills)[:12]:
        await say(f"learn {skill}")
    for tid in sorted(the_core.bank.tips):
        await say(f"save {tid}")
    await say("roadmap done 1")
    rendered = 0
    for cmd in REGISTRY:
        reply = await say(sample_text(cmd, tip_id))
        check(reply)
        for button in reply.buttons:
            if len(PREFIX + button.command) <= 100:
                check(await say(button.command))  # what each button leads to, too
        rendered += 1
    assert rendered == len(REGISTRY)


def test_oversized_reply_is_split_and_cut_cleanly() -> None:
    words = " ".join(f"word{i}" for i in range(3000))  # ~25k characters, no newlines
    reply = Reply(
        title="T" * 400,
        body=words,
        fields=tuple(Field(f"field {i} " + "n" * 300, words[:2500]) for i in range(60)),
        source=SourceRef("d", "Doc title", "https://example.org/doc", quote="q" * 2000),
        buttons=tuple(Button("L" * 120, f"tip skill{i % 30}") for i in range(40))
        + (Button("too long", "x" * 200),),
        footer="F" * 3000,
        notices=("N" * 3000,),
    )
    pages = check(reply)
    assert len(pages) == MAX_PAGES
    first = pages[0].embeds[0]
    assert first.title is not None and len(first.title) == 256 and first.title.endswith("…")
    assert first.description is not None and first.description.endswith(
        words[:4096].rsplit(" ", 1)[0][-20:]
    )
    last = pages[-1].embeds[-1]
    assert "more not shown" in last.fields[-1].value
    assert last.footer.text is not None and len(last.footer.text) <= 2048
    ids = [b.command for b in pages[0].buttons]
    assert (
        len(ids) == 25 and len(set(ids)) == 25
    )  # 30 distinct fit 25 slots; the 200-char one dropped
    assert all(len(b.label) <= 80 for b in pages[0].buttons)
    assert all(not p.buttons for p in pages[1:])
    view = pages[0].view()
    assert view is not None and len(view.to_components()) == 5
    assert pages[0].content is not None and len(pages[0].content) <= 2000


def test_long_field_values_continue_in_a_next_field() -> None:
    text = "\n".join(f"line {i} " + "x" * 60 for i in range(40))  # ~2.7k characters
    (page,) = check(Reply(title="Long", fields=(Field("Steps", text),)))
    fields = page.embeds[0].fields
    assert [f.name for f in fields] == ["Steps", "Steps (cont.)", "Steps (cont.)"]
    assert "\n".join(f.value or "" for f in fields) == text  # nothing lost, split at lines


def test_attachment_and_empty_parts() -> None:
    reply = Reply(title="", body="", fields=(Field("", ""),), attachment=Attachment("a.json", "{}"))
    (page,) = check(reply)
    file = page.file()
    assert file is not None and file.filename == "a.json"
    assert page.embeds[0].title == "careerbot"


def test_trim_and_split_respect_word_boundaries() -> None:
    assert trim("hello brave new world", 12) == "hello brave…"
    assert len(trim("x" * 50, 10)) == 10
    parts = split("aaa bbb\n\nccc ddd", 8)
    assert parts == ["aaa bbb", "ccc ddd"]
    assert all(len(p) <= 5 for p in split("y" * 23, 5))


# the generated tree ---------------------------------------------------------------------


async def _noop(interaction: Any, text: str) -> None:
    return None


async def _handler(ctx: Any) -> Reply:
    return Reply(title="x")


def _definitions(commands: list[Command]) -> list[dict[str, Any]]:
    client = discord.Client(intents=discord.Intents.none())
    tree: app_commands.CommandTree[Any] = app_commands.CommandTree(client)
    for group in build_groups(commands, _noop, lambda kind, prefix, limit: []):
        tree.add_command(group)
    return [c.to_dict(tree) for c in tree.get_commands()]


def test_too_many_commands_overflow_into_a_second_valid_command() -> None:
    many = [Command(f"cmd {i}", f"command number {i}", _handler) for i in range(30)]
    many.append(
        Command(
            "admin thing",
            "an admin thing",
            _handler,
            (Option("where", "channel", "a channel"), Option("n", "int", "n", False, (), 1, 9)),
            admin=True,
        )
    )
    defs = {d["name"]: d for d in _definitions(many)}
    assert set(defs) == {GROUP, MORE, "career-admin"}
    for d in defs.values():
        assert command_problems(d) == []
    assert len(defs[GROUP]["options"]) == 25
    assert [o["name"] for o in defs[MORE]["options"]] == [f"cmd-{i}" for i in range(25, 30)]
    (thing,) = defs["career-admin"]["options"]
    assert thing["name"] == "thing"
    where, n = thing["options"]
    assert where["type"] == 7 and where["channel_types"] == [0, 5]
    assert (n["type"], n["min_value"], n["max_value"], n["required"]) == (4, 1, 9, False)


def test_registry_tree_has_typed_options() -> None:
    defs = {d["name"]: d for d in _definitions(list(REGISTRY))}
    # /career and its overflow /career-more (more than 25 user commands)
    subs = {o["name"]: o for top in (GROUP, MORE) for o in defs.get(top, {}).get("options", [])}
    assert not {c.slug for c in REGISTRY if c.button_only} & set(subs)
    tip = subs["tip"]["options"][0]
    assert (tip["type"], tip["autocomplete"], tip["required"]) == (3, True, False)
    step = subs["roadmap-done"]["options"][0]
    (n,) = next(c for c in REGISTRY if c.name == "roadmap done").options
    assert (step["type"], step["min_value"], step["max_value"]) == (4, 1, n.max_value)
    forget = subs["forget"]["options"][0]
    assert forget["choices"] == [{"name": "confirm", "value": "confirm"}]


def test_the_source_is_one_footer_line_without_the_quote() -> None:
    src = SourceRef("d", "Short title", "https://example.org/doc", quote="the verbatim quote")
    (page,) = check(Reply(title="Tip", body="Do this.", source=src, footer="t001 · 1 of 5"))
    [embed] = page.embeds
    assert embed.footer.text == "📄 Source: Short title\nt001 · 1 of 5"
    assert embed.url == "https://example.org/doc"  # the title links to the document
    assert all(f.name != "Source" for f in embed.fields)
    assert "verbatim quote" not in json.dumps([e.to_dict() for e in page.embeds])
    (bare,) = check(Reply(title="Skill", source=SourceRef("d", "Short title")))
    assert bare.embeds[0].footer.text == "📄 Source: Short title"
    assert bare.embeds[0].url is None
