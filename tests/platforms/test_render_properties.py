"""Random replies, rendered for Slack and for Discord, stay inside every platform limit;
the shared trim/split/paging algorithm keeps every character and never cuts a token.

Titles, bodies, fields, notices, sources, footers, buttons and attachments are drawn
with Slack's control characters (``& < >``), mentions by id, unicode (combining marks,
emoji, right-to-left) and whitespace, at sizes far past every limit. Each rendered
message goes through the same checkers as the example-based tests: slack_sdk's block
models plus the fake Slack's counts, and the fake Discord's message checker plus
discord.py's own view construction.
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.replies import Attachment, Button, Field, Reply, SourceRef
from bot.platforms import paging
from bot.platforms.discord.render import ATOMS as DISCORD_ATOMS
from bot.platforms.discord.render import render as render_discord
from bot.platforms.slack.blocks import ATOMS as SLACK_ATOMS
from bot.platforms.slack.blocks import escape
from tests.platforms.test_discord_render import check as check_discord
from tests.platforms.test_slack_blocks import check_reply as check_slack

# the characters that break things: mrkdwn controls, mentions' pieces, wide and odd
# unicode, and every kind of break
ALPHABET = st.sampled_from(
    list("ab xyz&<>|*_`~\n\t")
    + ["&amp;", "<@U42XYZ>", "<#C0123ABC>", "é", "e\u0301", "🤖", "👩‍💻", "ש", "\u200b"]
)


def texts(*, max_repeat: int = 400) -> st.SearchStrategy[str]:
    """Short random text, sometimes repeated into something huge (up to ~25k chars)."""
    fragment = st.lists(ALPHABET, max_size=60).map("".join)
    return st.tuples(fragment, st.integers(1, max_repeat)).map(lambda t: t[0] * t[1])


short = st.lists(ALPHABET, max_size=30).map("".join)
commands = st.one_of(st.sampled_from(["tip", "progress", "save t001", "skill python"]), texts())
buttons = st.builds(
    Button, texts(max_repeat=5), commands, st.sampled_from(["primary", "danger", "default"])
)
fields = st.builds(Field, texts(max_repeat=20), texts(), st.booleans())
urls = st.one_of(
    st.none(), st.just("https://example.org/a?b=1&c=2"), short.map(lambda s: "https://x.org/" + s)
)
sources = st.one_of(
    st.none(),
    st.builds(SourceRef, short, texts(max_repeat=30), urls, st.one_of(st.none(), texts())),
)
attachments = st.one_of(st.none(), st.builds(Attachment, short.map(lambda s: s + ".json"), texts()))

replies = st.builds(
    Reply,
    title=texts(max_repeat=20),
    body=texts(),
    fields=st.lists(fields, max_size=40).map(tuple),
    source=sources,
    buttons=st.lists(buttons, max_size=40).map(tuple),
    ok=st.booleans(),
    kind=st.sampled_from(["info", "tip", "skill", "error"]),
    notices=st.lists(texts(max_repeat=10), max_size=5).map(tuple),
    attachment=attachments,
    footer=texts(max_repeat=20),
)

_ENTITY = re.compile(r"&(?:amp|lt|gt);")
_MENTION = re.compile(r"<[#@][A-Z0-9]{2,}(?:\|[^<>]{0,80})?>")


def section_texts(pages: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for page in pages:
        for block in page["blocks"]:
            if block["type"] == "section":
                out += [block["text"]["text"]] if "text" in block else []
                out += [f["text"] for f in block.get("fields", [])]
    return out


SETTINGS = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@SETTINGS
@given(replies)
def test_slack_pages_and_views_stay_within_block_kit_limits(reply: Reply) -> None:
    pages = check_slack(reply)  # <= 5 pages of <= 50 blocks, slack_sdk + fake's limits, views
    for text in section_texts(pages):
        # every & < > escaped, and no cut ever fell inside an entity or a mention
        bare = _MENTION.sub("", _ENTITY.sub("", text))
        assert not set("&<>") & set(bare), text[:200]


@SETTINGS
@given(replies)
def test_discord_pages_stay_within_embed_and_component_limits(reply: Reply) -> None:
    for page in check_discord(reply):  # <= 3 pages; embeds, 6000 total, components
        page.kwargs()  # discord.py builds the view and the file without complaint


# the shared algorithm (bot.platforms.paging) with each platform's tokens ----------------

PLATFORM_ATOMS = {"slack": SLACK_ATOMS, "discord": DISCORD_ATOMS}
TOKENS = st.sampled_from(
    list("ab xyz&<>|\n\t")
    + ["&amp;", "&lt;", "<@U42XYZ>", "<#C0123ABC>", "<@U42XYZ|Ada Lovelace>", "<@123>"]
    + ["<#2000>", "<@!77>", "<https://x.org/a?b=1&amp;c|a link>", "<t:1700000000:R>", "  ", "🤖"]
)
token_texts = st.lists(TOKENS, max_size=200).map("".join)


def spans_of(text: str, chunks: list[str]) -> list[tuple[int, int]]:
    """Where each chunk lies in ``text``: in order, with only whitespace in between."""
    spans, at = [], 0
    for chunk in chunks:
        found = text.find(chunk, at)
        assert found >= 0 and not text[at:found].strip(), (chunk, text[at:found])
        spans.append((found, found + len(chunk)))
        at = found + len(chunk)
    assert not text[at:].strip()  # nothing left out at the end
    return spans


@SETTINGS
@given(token_texts, st.integers(1, 120), st.sampled_from(sorted(PLATFORM_ATOMS)))
def test_split_keeps_every_character_and_every_token(text: str, limit: int, platform: str) -> None:
    atoms = PLATFORM_ATOMS[platform]
    chunks = paging.split(text, limit, atoms)
    assert all(0 < len(c) <= limit and (c.strip() or chunks == [text]) for c in chunks)
    spans = spans_of(text, chunks)  # joining the chunks loses nothing but whitespace
    for m in atoms.finditer(text):
        if len(m[0]) <= limit:  # a token that fits a chunk is never cut
            assert any(s <= m.start() and m.end() <= e for s, e in spans), (m[0], chunks)


@SETTINGS
@given(token_texts, st.integers(2, 120), st.sampled_from(sorted(PLATFORM_ATOMS)))
def test_trim_keeps_a_prefix_and_never_cuts_a_token(text: str, limit: int, platform: str) -> None:
    atoms = PLATFORM_ATOMS[platform]
    out = paging.trim(text, limit, atoms)
    assert len(out) <= limit
    if len(text) <= limit:
        assert out == text
        return
    kept = out.removesuffix("…")
    assert out.endswith("…") and text.startswith(kept)
    for m in atoms.finditer(text):
        if 0 < m.start() < len(kept):  # a token begun in the kept part ends there too
            assert m.end() <= len(kept), (m[0], out)


costs = st.builds(paging.Cost, st.integers(0, 3), st.integers(0, 400))


@SETTINGS
@given(
    st.lists(costs, max_size=80),
    st.builds(
        paging.Limits,
        text=st.just(100),
        units=st.integers(4, 12),
        pages=st.integers(1, 5),
        chars=st.one_of(st.none(), st.integers(1200, 3000)),
    ),
    costs.map(lambda c: paging.Cost(min(c.units, 1), min(c.chars, 200))),
    st.integers(0, 2),
)
def test_paginate_never_exceeds_a_limit_and_keeps_the_order(
    items: list[paging.Cost], limits: paging.Limits, marker: paging.Cost, buttons: int
) -> None:
    tail, note = paging.Cost(units=buttons), paging.Cost(units=1, chars=50)
    paged = paging.paginate(
        items, limits, cost=lambda page, on, item: item, later=marker, tail=tail, note=note
    )
    assert 1 <= len(paged.pages) <= limits.pages
    kept = [c for page in paged.pages for c in page]
    assert kept == items[: len(items) - paged.dropped]  # in order; only the end is left out
    for i, page in enumerate(paged.pages):
        used = sum(page, paging.Cost()) + (marker if i else paging.Cost())
        if i == len(paged.pages) - 1:
            used += tail + (note if paged.dropped else paging.Cost())
        assert used.units <= limits.units
        assert limits.chars is None or used.chars <= limits.chars


@SETTINGS
@given(texts(max_repeat=400))
def test_a_long_body_loses_no_text_on_either_platform(body: str) -> None:
    reply = Reply(title="T", body=body)
    bare = "".join(body.split())
    slack = [b["text"]["text"] for p in check_slack(reply) for b in p["blocks"][1:]]
    shown = "".join("".join(slack).split())
    assert shown == "".join(escape(body).split())  # 5 pages of 50 sections hold 25k chars
    descriptions = [e.description or "" for p in check_discord(reply) for e in p.embeds]
    cut = any(
        "more not shown" in f.value
        for p in render_discord(reply)
        for e in p.embeds
        for f in e.fields
    )
    shown = "".join("".join(descriptions).split())
    assert shown == bare if not cut else bare.startswith(shown) and shown
