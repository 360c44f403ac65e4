"""Every command's reply, and oversized replies, rendered inside Slack's Block Kit limits.

Three independent checks per rendered message: slack_sdk's own block models
(``validate_json``), the fake Slack's limit checker, and the counts below.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.bank import Bank
from bot.core import refs
from bot.core.app import Core
from bot.core.commands import REGISTRY, Command, Option
from bot.core.ports import Store
from bot.core.replies import Attachment, Button, Field, Reply, SourceRef
from bot.core.requests import Request, User
from bot.platforms.slack.blocks import MAX_PAGES, action_id, escape, home_view, render, split_text
from tests.fakes.slack import block_errors


def check_message(page: dict[str, Any]) -> None:
    blocks = page["blocks"]
    assert 1 <= len(blocks) <= 50
    assert page["text"] and len(page["text"]) <= 3000
    assert block_errors(blocks, max_blocks=50) == []
    for raw in blocks:
        Block.parse(raw).validate_json()
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert len(ids) == len(set(ids))


def check_view(view: dict[str, Any]) -> None:
    assert len(view["blocks"]) <= 100
    assert block_errors(view["blocks"], max_blocks=100) == []
    View(**view).validate_json()


_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_MENTION = re.compile(r"<[#@][A-Z0-9]{2,}(?:\|[^<>]{0,80})?>")


def check_fallback(reply: Reply, text: str) -> None:
    """The ``text`` fallback is mrkdwn: every & < > escaped, but for our mentions by id
    and the source's own link."""
    url = reply.source.url if reply.source else None
    bare = text.replace(f"<{url}>", "") if url else text
    bare = _MENTION.sub("", _ENTITY.sub("", bare))
    assert not set("&<>") & set(bare), text[:200]


def check_reply(reply: Reply) -> list[dict[str, Any]]:
    pages = render(reply)
    assert 1 <= len(pages) <= MAX_PAGES
    for page in pages:
        check_message(page)
        check_fallback(reply, page["text"])
    check_view(home_view(reply))
    check_view(home_view(reply, dashboard=False))
    return pages


def all_text(pages: list[dict[str, Any]]) -> str:
    return json.dumps([p["blocks"] for p in pages], ensure_ascii=False)


# every registered command ---------------------------------------------------------------

SAMPLE = {
    "skill": "python",
    "int": "1",
    "time": "07:30",
    "timezone": "Europe/Berlin",
    "days": "weekdays",
    "channel": "#general",
    "text": "tip",  # free text; the only such option today is help's <command>
}


def sample_arg(opt: Option, bank: Bank) -> str:
    if opt.choices:
        return opt.choices[0]
    if opt.kind == "role":
        return next(iter(bank.roles))
    if opt.name == "when":  # daily skip / unskip
        return "tomorrow"
    if opt.kind == "tip" or opt.name == "tip":
        return next(iter(bank.tips))
    return SAMPLE.get(opt.kind, "x")


def command_texts(cmd: Command, bank: Bank) -> list[str]:
    required = [sample_arg(o, bank) for o in cmd.options if o.required]
    every = [sample_arg(o, bank) for o in cmd.options]
    return sorted({" ".join([cmd.name, *required]), " ".join([cmd.name, *every])})


@pytest.mark.parametrize("bank_name", ["fixture_bank", "real_bank"])
async def test_every_command_renders_within_limits(
    bank_name: str, request: pytest.FixtureRequest, store: Store, clock: Any
) -> None:
    bank: Bank = request.getfixturevalue(bank_name)
    core = Core(bank, store, clock=clock)
    user = User("slack", "T1", "U1", "ada")
    seen: set[str] = set()
    answered: set[str] = set()
    # learn some skills and steps first so progress/role/roadmap show full content
    for text in (
        "learn python",
        "done pytorch",
        "roadmap done 1",
        "tip",
        "save " + next(iter(bank.tips)),
    ):
        await core.respond(Request(user=user, text=text))
    for cmd in REGISTRY:
        for text in command_texts(cmd, bank):
            for via_button in (False, True):
                req = Request(
                    user=user,
                    text=text,
                    is_admin=True,
                    via_button=via_button,
                    channel_id="C1",
                    is_dm=False,
                )
                reply = await core.respond(req)
                check_reply(reply)
                seen.add(cmd.name)
                if reply.ok:
                    answered.add(cmd.name)
    assert seen == answered == {c.name for c in REGISTRY}
    assert len(seen) >= 15


async def test_the_full_skill_list_fits(real_bank: Bank, store: Store, clock: Any) -> None:
    core = Core(real_bank, store, clock=clock)
    reply = await core.respond(Request(user=User("slack", "T1", "U1"), text="skills"))
    pages = check_reply(reply)
    text = all_text(pages)
    for skill in real_bank.skills.values():
        assert json.dumps(skill.name, ensure_ascii=False)[1:-1] in text


# oversized replies ----------------------------------------------------------------------


def test_eighty_fields_and_a_long_body_are_all_kept() -> None:
    body = " ".join(f"w{i:05d}" for i in range(1700))  # ~11,900 characters
    fields = tuple(Field(f"Field {i}", f"value {i} " * 30, inline=i % 2 == 0) for i in range(80))
    reply = Reply(title="Big", body=body, fields=fields, buttons=(Button("Next", "tip"),))
    pages = check_reply(reply)
    text = all_text(pages)
    for i in range(80):
        assert f"*Field {i}*" in text
    sections = " ".join(
        b["text"]["text"]
        for p in pages
        for b in p["blocks"]
        if b["type"] == "section" and "text" in b
    )
    assert all(f"w{i:05d}" in sections for i in range(1700))
    # the buttons come last, once
    assert pages[-1]["blocks"][-1]["type"] == "actions"
    assert sum(b["type"] == "actions" for p in pages for b in p["blocks"]) == 1


def test_ten_thousand_char_body_without_spaces_is_cut_cleanly() -> None:
    reply = Reply(title="x" * 400, body="y" * 10_000)
    pages = check_reply(reply)
    assert pages[0]["blocks"][0]["text"]["text"].endswith("…")
    assert "x" * 400 in all_text(pages)  # the full title is kept below the header
    assert all_text(pages).count("y") >= 10_000


def test_too_much_is_trimmed_with_a_note() -> None:
    huge = Attachment("export.json", "\n".join(f'"line {i}": {"z" * 80}' for i in range(10_000)))
    reply = Reply(title="Your data", attachment=huge, buttons=(Button("Done", "progress"),))
    pages = check_reply(reply)
    assert len(pages) == MAX_PAGES
    assert "did not fit" in all_text(pages)
    assert pages[-1]["blocks"][-1]["type"] == "actions"


def test_buttons_labels_and_duplicates() -> None:
    buttons = tuple(Button("L" * 120, f"tip skill{i % 30}") for i in range(60))
    buttons += (Button("Long command", "x" * 400), Button("Empty", "  "))
    pages = check_reply(Reply(title="Buttons", buttons=buttons))
    elements = [
        e for p in pages for b in p["blocks"] if b["type"] == "actions" for e in b["elements"]
    ]
    assert len(elements) == 31  # 30 distinct tip commands + the long one; blank dropped
    assert all(len(e["text"]["text"]) <= 75 for e in elements)
    long = next(e for e in elements if e["value"] == "x" * 400)
    assert len(long["action_id"]) <= 255
    assert long["action_id"] == action_id("x" * 400)  # stable across renders


def test_channel_references_become_mentions_and_typed_markup_stays_text() -> None:
    """The core writes a channel as a reference (bot.core.refs); the renderer makes it a
    mention after escaping. Markup in the text itself — a user's ``<#C1>`` echoed back —
    is escaped like everything else: no mention can be forged."""
    where = refs.channel("C0123ABC")
    reply = Reply(
        title=f"Daily for {where}",
        body=f"Posting in {where} for <@U42XYZ> & <not a tag> <#C999>",
        notices=(f"could not post in {where}",),
    )
    [page] = check_reply(reply)
    assert page["blocks"][0]["text"] == {"type": "plain_text", "text": "Daily for #C0123ABC"}
    text = page["blocks"][1]["text"]["text"]
    assert text == "ℹ️ could not post in <#C0123ABC>"
    text = page["blocks"][2]["text"]["text"]
    assert text == (
        "Posting in <#C0123ABC> for &lt;@U42XYZ&gt; &amp; &lt;not a tag&gt; &lt;#C999&gt;"
    )
    assert page["text"].startswith("! could not post in <#C0123ABC>\nDaily for <#C0123ABC>\n")
    assert refs.MARK not in json.dumps(page)
    # a name that is no Slack id is no mention
    assert escape(refs.channel("general")) == "#general"


def test_notices_source_footer_and_escaping() -> None:
    reply = Reply(
        title="Tip",
        body="Use <b> & compare a<b",
        notices=("You missed 2 tips",) * 3,
        source=SourceRef("d", "A <doc>", "https://example.org/a?b=1&c=2", "q" * 5000),
        footer="t001 · 1 of 5",
    )
    pages = check_reply(reply)
    blocks = pages[0]["blocks"]
    assert "Use &lt;b&gt; &amp; compare a&lt;b" in blocks[4]["text"]["text"]
    context = blocks[-1]
    assert context["type"] == "context"
    assert (
        context["elements"][0]["text"] == "📄 Source: <https://example.org/a?b=1&c=2|A &lt;doc&gt;>"
    )
    # one source line, then the footer: the quote is behind the Source button, not here
    assert [e["text"] for e in context["elements"][1:]] == ["t001 · 1 of 5"]
    assert "qqqq" not in all_text(pages) and "qqqq" not in pages[0]["text"]


@pytest.mark.parametrize("limit", [20, 100, 3000])
def test_split_text_respects_the_limit(limit: int) -> None:
    text = "para one\n\n" + "word " * 2000 + "\n" + "z" * 5000
    chunks = split_text(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    assert "".join(chunks).replace(" ", "").replace("\n", "") == text.replace(" ", "").replace(
        "\n", ""
    )


def test_home_view_trims_to_one_hundred_blocks() -> None:
    fields = tuple(Field(f"F{i}", "v " * 1200) for i in range(150))
    view = home_view(
        Reply(title="Lots", fields=fields, buttons=(Button("Tip", "tip"),)), dashboard=False
    )
    check_view(view)
    assert len(view["blocks"]) == 100
    values = [e["value"] for b in view["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert values == ["tip", "progress"]


def test_an_attachment_full_of_escaped_characters_stays_within_3000() -> None:
    # escaping grows & < > by 3-4 characters each: split AFTER escaping (review issue 4.1)
    att = Attachment("export.json", "<&>" * 5000)
    pages = check_reply(Reply(title="Your data", attachment=att))
    sections = [b["text"]["text"] for p in pages for b in p["blocks"] if b["type"] == "section"]
    assert all(len(s) <= 3000 for s in sections)
    body = "".join(s.removeprefix("```\n").removesuffix("\n```") for s in sections)
    assert body == "&lt;&amp;&gt;" * 5000  # nothing lost, no entity cut in two


@pytest.mark.parametrize("limit", [7, 8, 9, 10, 11, 3000])
def test_split_text_never_cuts_an_entity_or_a_mention(limit: int) -> None:
    text = escape("a&b<c>" * 800) + " <@U42XYZ|Ada Lovelace> " + escape("&" * 3000)
    chunks = split_text(text, limit)
    assert all(0 < len(c) <= limit for c in chunks)
    for c in chunks:
        assert re.sub(r"&(amp|lt|gt);", "", c).count("&") == 0, c
    assert limit < 24 or any("<@U42XYZ|Ada Lovelace>" in c for c in chunks)
