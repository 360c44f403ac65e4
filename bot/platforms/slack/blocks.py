"""Block Kit rendering of the neutral :class:`~bot.core.replies.Reply`, inside Slack's limits.

A reply becomes one or more *pages* (Slack messages): a header, notices, the body,
fields, the attachment, the source (one line) and footer as context, and the buttons last. Long
text is split at paragraph, line or word boundaries into several sections; what does
not fit in 50 blocks flows onto a continuation page (a slash command's response_url
takes up to 5 posts), and only beyond :data:`MAX_PAGES` pages is anything trimmed, with
a visible note. Every page carries a ``text`` fallback for notifications.

Escaping: Slack reads ``&``, ``<``, ``>`` in mrkdwn as control characters, so every
piece of text is escaped exactly once here (blocks and the ``text`` fallback alike),
keeping the mentions the core writes by id (``<#C123>``, ``<@U1>``). Text coming from
Slack is unescaped on the way in (:func:`unescape`), so nothing is escaped twice.

Buttons: ``action_id`` is ``career:<command>`` (stable, unique within a message) and
``value`` is the command itself, so a click needs no memory and survives a restart.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import Any

from bot.core import refs
from bot.core.replies import Button, Field, Reply
from bot.platforms.paging import Cost, Limits, paginate
from bot.platforms.slack import mention

Block = dict[str, Any]

MAX_BLOCKS = 50  # per message
MAX_VIEW_BLOCKS = 100  # App Home and modals
SECTION_TEXT = 3000
FIELD_TEXT = 2000
FIELDS_PER_SECTION = 10
HEADER_TEXT = 150
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTION_ID = 255
BUTTONS_PER_ACTIONS = 25
CONTEXT_ELEMENTS = 10
CONTEXT_TEXT = 2000  # our own cap for one context element (a source quote, a footer)
FALLBACK_TEXT = 3000  # the notification text; the blocks carry the full content
MAX_PAGES = 5  # response_url accepts five posts
ACTION_PREFIX = "career:"
HOME_BUTTON = Button("Back to dashboard", "progress")

CONTINUED = "(continued)"
TRIMMED = "… {n} more block(s) did not fit in Slack's limits and were left out."


# What a cut must not split: an escaped character (``&amp;``), a mention by id, a link.
ATOMS = re.compile(
    r"&(?:amp|lt|gt);|<[#@][A-Z0-9]{2,}(?:\|[^<>]{0,80})?>|<(?:https?|mailto):[^<>|\s]+(?:\|[^<>]*)?>"
)
LIMITS = Limits(text=SECTION_TEXT, units=MAX_BLOCKS, pages=MAX_PAGES, atoms=ATOMS)


_ENTITY = re.compile(r"&(amp|lt|gt);")
_UNESCAPED = {"amp": "&", "lt": "<", "gt": ">"}


def unescape(text: str) -> str:
    """Text as the user typed it: Slack sends ``&``, ``<``, ``>`` of slash-command (and
    message) text as ``&amp;``, ``&lt;``, ``&gt;``. Exactly those three, in one pass, so
    ``&amp;lt;`` (a typed ``&lt;``) becomes ``&lt;``, not ``<``."""
    return _ENTITY.sub(lambda m: _UNESCAPED[m[1]], text)


def escape(text: str) -> str:
    """Slack mrkdwn control characters ``&``, ``<``, ``>`` escaped, all of them (a
    ``<#C123>`` typed by a user stays text); then the core's channel references
    (bot.core.refs) become mentions."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return refs.render(escaped, mention)


def trim(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, ending in an ellipsis."""
    return LIMITS.trim(text, limit)


def split_text(text: str, limit: int = SECTION_TEXT) -> list[str]:
    """Chunks of at most ``limit`` characters, split at paragraphs, lines, then words;
    never inside an escaped character (``&amp;``) or a mention, so escape first."""
    return LIMITS.split(text.strip("\n"), limit)


def action_id(command: str) -> str:
    """``career:<command>``; a command too long for 255 characters gets a stable digest."""
    aid = ACTION_PREFIX + command
    if len(aid) <= ACTION_ID:
        return aid
    digest = hashlib.sha256(command.encode()).hexdigest()[:16]
    return f"{aid[: ACTION_ID - 17]}~{digest}"


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text}


def _section(text: str) -> Block:
    return {"type": "section", "text": _mrkdwn(text)}


def _sections(text: str) -> list[Block]:
    return [_section(chunk) for chunk in split_text(text, SECTION_TEXT) if chunk.strip()]


def _context(*texts: str) -> Block:
    elements = [_mrkdwn(trim(t, CONTEXT_TEXT)) for t in texts[:CONTEXT_ELEMENTS] if t.strip()]
    return {"type": "context", "elements": elements}


def _field_blocks(fields: tuple[Field, ...]) -> list[Block]:
    """Short inline fields side by side (10 per section); the others as text sections."""
    blocks: list[Block] = []
    inline: list[dict[str, Any]] = []

    def flush() -> None:
        for i in range(0, len(inline), FIELDS_PER_SECTION):
            blocks.append({"type": "section", "fields": inline[i : i + FIELDS_PER_SECTION]})
        inline.clear()

    for f in fields:
        text = f"*{escape(f.name)}*\n{escape(f.value)}"
        if f.inline and len(text) <= FIELD_TEXT:
            inline.append(_mrkdwn(text))
            continue
        flush()
        blocks.extend(_sections(text))
    flush()
    return blocks


def _attachment_blocks(reply: Reply) -> list[Block]:
    att = reply.attachment
    if att is None or att.content in reply.body:
        return []
    fence = "```"
    # escape, THEN split: escaping grows the text (& -> &amp;), so splitting first
    # produced sections far over 3000 characters
    chunks = split_text(escape(att.content), SECTION_TEXT - 2 * len(fence) - 2) or [""]
    blocks = [_context(f"📎 {escape(att.filename)}")]
    blocks += [_section(f"{fence}\n{c}\n{fence}") for c in chunks]
    return blocks


def _button(b: Button) -> dict[str, Any] | None:
    if len(b.command) > BUTTON_VALUE or not b.command.strip():
        return None
    out: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": trim(b.label, BUTTON_TEXT) or "…", "emoji": True},
        "action_id": action_id(b.command),
        "value": b.command,
    }
    if b.style in ("primary", "danger"):
        out["style"] = b.style
    return out


def action_blocks(buttons: tuple[Button, ...]) -> list[Block]:
    """Buttons in rows of 25; a command appears once (action ids are unique per message)."""
    seen: set[str] = set()
    elements = []
    for b in buttons:
        rendered = _button(b)
        if rendered is None or rendered["action_id"] in seen:
            continue
        seen.add(rendered["action_id"])
        elements.append(rendered)
    return [
        {"type": "actions", "elements": elements[i : i + BUTTONS_PER_ACTIONS]}
        for i in range(0, len(elements), BUTTONS_PER_ACTIONS)
    ]


def header_blocks(reply: Reply) -> list[Block]:
    title = " ".join(reply.title.split()) or "careerbot"
    header = refs.plain(trim(title, HEADER_TEXT))  # plain_text: no mentions there
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": header}}]
    if len(title) > HEADER_TEXT:  # keep the whole title: nothing is lost to the header cap
        blocks += _sections(escape(title))
    return blocks


def content_blocks(reply: Reply) -> list[Block]:
    """Everything between the header and the buttons, each block within its limits."""
    blocks: list[Block] = []
    for notice in reply.notices:
        blocks += _sections(f"ℹ️ {escape(notice)}")
    if reply.body:
        blocks += _sections(escape(reply.body))
    blocks += _field_blocks(reply.fields)
    blocks += _attachment_blocks(reply)
    context: list[str] = []
    if reply.source:
        src = reply.source
        title = escape(src.title)
        # one short line; the quote is one click away (the card's Source button)
        context.append(f"📄 Source: <{src.url}|{title}>" if src.url else f"📄 Source: {title}")
    if reply.footer:
        context.append(escape(reply.footer))
    footer = _context(*context)
    if footer["elements"]:  # a context block needs at least one (non-blank) element
        blocks.append(footer)
    return blocks


def fallback_text(reply: Reply, *, continued: bool = False) -> str:
    """The message's top-level ``text``: mrkdwn too (notifications, screen readers), so
    escaped like the blocks; only the source's own ``<url>`` stays a link."""
    plain = (
        f"{reply.title.strip()} {CONTINUED}"
        if continued
        else reply.plain_text(refs.channel).strip()
    )
    text = trim(escape(plain), FALLBACK_TEXT)
    url = reply.source.url if reply.source and not continued else None
    if url:  # plain_text writes it as " <url>"; restored only if the trim left it whole
        text = text.replace(f" &lt;{escape(url)}&gt;", f" <{url}>", 1)
    return text or "careerbot"  # Slack needs a non-empty fallback


def render(reply: Reply, *, max_pages: int = MAX_PAGES) -> list[dict[str, Any]]:
    """The reply as Slack messages (``text`` + ``blocks``), each within 50 blocks."""
    actions = action_blocks(reply.buttons)
    content = header_blocks(reply) + content_blocks(reply)
    # later pages start with a marker; the buttons stay together on the last page
    limits = LIMITS if max_pages == MAX_PAGES else replace(LIMITS, pages=max_pages)
    paged = paginate(
        content, limits, later=Cost(units=1), tail=Cost(units=len(actions)), note=Cost(units=1)
    )
    pages = paged.pages
    if paged.dropped:
        pages[-1].append(_context(TRIMMED.format(n=paged.dropped)))
    pages[-1].extend(actions)
    marker = _context(f"*{escape(trim(reply.title, 200))}* {CONTINUED}")
    return [
        {
            "text": fallback_text(reply, continued=i > 0),
            "blocks": [marker, *blocks] if i else blocks,
        }
        for i, blocks in enumerate(pages)
    ]


def home_view(reply: Reply, *, dashboard: bool = True) -> dict[str, Any]:
    """An App Home view (at most 100 blocks). Off the dashboard, a button leads back."""
    buttons = reply.buttons
    if not dashboard and all(b.command != HOME_BUTTON.command for b in buttons):
        buttons = (*buttons, HOME_BUTTON)
    actions = action_blocks(buttons)
    blocks = header_blocks(reply) + content_blocks(reply)
    view = Limits(text=SECTION_TEXT, units=MAX_VIEW_BLOCKS, pages=1, atoms=ATOMS)
    paged = paginate(blocks, view, tail=Cost(units=len(actions)), note=Cost(units=1))
    [kept] = paged.pages
    if paged.dropped:
        kept.append(_context(TRIMMED.format(n=paged.dropped)))
    return {"type": "home", "blocks": kept + actions}
