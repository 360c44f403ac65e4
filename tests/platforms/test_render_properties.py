"""Random replies, rendered for Slack and for Discord, stay inside every platform limit.

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
