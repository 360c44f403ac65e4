"""Neutral replies as Discord embeds and persistent buttons, inside Discord's limits.

A reply becomes one or more :class:`Page` (one Discord message each). The first page
carries the notices (as message content), the title and the buttons; content that does
not fit one message (6000 characters across its embeds) continues on further pages, and
past :data:`MAX_PAGES` it is cut with a note. Long text is split at paragraph, line or
word boundaries, never mid-word when avoidable.

Buttons are :class:`CareerButton`, a ``DynamicItem`` whose custom id is
``"career:" + command``: the command travels in the message, so a click on an old
message works after a restart (the client registers the class with
``add_dynamic_items``).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

import discord

from bot.core import refs
from bot.core.replies import Attachment, Button, Field, Reply
from bot.platforms.discord import mention
from bot.platforms.paging import Cost, Limits, paginate

log = logging.getLogger(__name__)

# Discord's documented limits.
CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBED_TOTAL = 6000  # across all embeds of one message
EMBEDS = 10
CUSTOM_ID = 100
LABEL = 80
ROWS = 5
PER_ROW = 5
MAX_PAGES = 3  # messages per reply; the rest is cut with a note

PREFIX = "career:"
BLANK = "\u200b"  # Discord refuses empty field names and values
MORE = "… {n} more not shown. Narrow it down (e.g. a skill or category) to see the rest."
COLOURS = {"error": 0xE74C3C, "tip": 0x5865F2, "skill": 0x2ECC71, "notice": 0x95A5A6}
# What a cut must not split: a mention (user, role, channel), a custom emoji, a timestamp.
ATOMS = re.compile(r"<(?:@[!&]?\d+|#\d+|a?:\w+:\d+|t:-?\d+(?::[tTdDfFR])?)>")
# a message holds 10 embeds and 6000 characters; a unit is an embed
LIMITS = Limits(text=DESCRIPTION, units=EMBEDS, chars=EMBED_TOTAL, pages=MAX_PAGES, atoms=ATOMS)
STYLES = {
    "primary": discord.ButtonStyle.primary,
    "danger": discord.ButtonStyle.danger,
    "default": discord.ButtonStyle.secondary,
}


class ButtonHandler(Protocol):
    """What the client offers buttons: run the button's command for this interaction."""

    career_button: Callable[[discord.Interaction[Any], str], Awaitable[None]]


class CareerButton(
    discord.ui.DynamicItem[discord.ui.Button[Any]],
    template=re.compile(re.escape(PREFIX) + r"(?P<command>[^\n]{1,93})"),
):
    """A persistent button: its custom id is ``career:<command>``."""

    def __init__(
        self,
        command: str,
        label: str = "…",
        style: discord.ButtonStyle = discord.ButtonStyle.secondary,
        row: int | None = None,
    ) -> None:
        button: discord.ui.Button[Any] = discord.ui.Button(
            label=label, style=style, custom_id=PREFIX + command, row=row
        )
        super().__init__(button)
        self.command = command

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> CareerButton:
        return cls(match["command"], label=getattr(item, "label", None) or "…")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        client: ButtonHandler = interaction.client
        await client.career_button(interaction, self.command)


@dataclass
class Page:
    """One Discord message: content, embeds, buttons and an optional file."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    buttons: list[Button] = field(default_factory=list)
    attachment: Attachment | None = None

    def view(self) -> discord.ui.View | None:
        """A fresh view (views are bound to one message) with persistent buttons."""
        if not self.buttons:
            return None
        view = discord.ui.View(timeout=None)
        for i, b in enumerate(self.buttons):
            view.add_item(CareerButton(b.command, b.label, STYLES[b.style], row=i // PER_ROW))
        return view

    def file(self) -> discord.File | None:
        """A fresh file (a ``discord.File`` is consumed by one send)."""
        if self.attachment is None:
            return None
        data = io.BytesIO(self.attachment.content.encode("utf-8"))
        return discord.File(data, filename=self.attachment.filename)

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for ``send``/``send_message``/``followup.send``."""
        out: dict[str, Any] = {"content": self.content, "embeds": self.embeds}
        view = self.view()
        if view is not None:
            out["view"] = view
        file = self.file()
        if file is not None:
            out["file"] = file
        return out


def trim(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters at a word boundary, ending with '…'."""
    return LIMITS.trim(text, limit)


def split(text: str, limit: int) -> list[str]:
    """``text`` in chunks of at most ``limit``, split at paragraphs, lines, then words."""
    return LIMITS.split(text, limit)


def buttons_of(reply: Reply) -> list[Button]:
    """At most 25 buttons with unique custom ids of <= 100 characters and short labels."""
    out: list[Button] = []
    seen: set[str] = set()
    for b in reply.buttons:
        command = " ".join(b.command.split())
        if not command or len(PREFIX + command) > CUSTOM_ID or command in seen:
            log.warning("button dropped: command of %d chars or duplicate", len(command))
            continue
        if len(out) == ROWS * PER_ROW:
            log.warning("button dropped: more than %d buttons", ROWS * PER_ROW)
            break
        seen.add(command)
        out.append(Button(trim(b.label.strip() or command, LABEL), command, b.style))
    return out


def _items(reply: Reply) -> list[Field]:
    """The reply's content as fields; a field named '' is a description chunk."""
    items = [Field("", chunk) for chunk in split(reply.body.strip(), DESCRIPTION)]
    for f in reply.fields:
        name = trim(f.name.strip() or BLANK, FIELD_NAME)
        value = f.value.strip() or "—"
        for i, chunk in enumerate(split(value, FIELD_VALUE)):
            label = name if i == 0 else trim(f"{name} (cont.)", FIELD_NAME)
            items.append(Field(label, chunk, f.inline))
    return items


def footer_of(reply: Reply) -> str:
    """The footer: the source as one short line (the embed's title links to it), then
    the reply's own footer. The quote is behind the card's Source button."""
    lines = []
    if reply.source is not None:
        src = reply.source
        title = " ".join(src.title.split()) or src.doc.strip() or "source"
        lines.append(f"📄 Source: {title}")
    if reply.footer.strip():
        lines.append(reply.footer.strip())
    return "\n".join(lines)


def _size(item: Field) -> int:
    return len(item.name) + len(item.value)


def render(reply: Reply) -> list[Page]:
    """The reply as one or more Discord messages, each within every limit."""
    reply = with_mentions(reply)
    title = trim(reply.title.strip() or "careerbot", TITLE)
    footer = trim(footer_of(reply), FOOTER)
    colour = COLOURS.get("error" if not reply.ok else reply.kind, 0x3498DB)
    notices = "\n".join(f"⚠️ {n}" for n in reply.notices)
    url = reply.source.url if reply.source and (reply.source.url or "").startswith("http") else None
    items = _items(reply)
    note = Cost(chars=len(BLANK) + len(MORE) + 10)  # the cut note: a field of the last embed
    paged = paginate(items, LIMITS, cost=_Costs(), first=Cost(units=1, chars=len(title)), note=note)
    pages: list[list[discord.Embed]] = []
    for number, page_items in enumerate(paged.pages):
        first = discord.Embed(title=title, colour=colour, url=url) if number == 0 else None
        pages.append(_embeds(page_items, colour, first))
    if paged.dropped:
        pages[-1][-1].add_field(name=BLANK, value=MORE.format(n=paged.dropped), inline=False)
        if len(pages[-1][-1].fields) > FIELDS:  # the note never breaks the field limit
            pages[-1][-1].remove_field(FIELDS - 1)
    room = EMBED_TOTAL - embed_chars(pages[-1])
    if footer and room > 1:  # the footer fits in what is left, cut if need be
        pages[-1][-1].set_footer(text=trim(footer, min(FOOTER, room)))
    out = [Page(embeds=embeds) for embeds in pages if embeds]
    out[0].content = trim(notices, CONTENT) or None
    out[0].buttons = buttons_of(reply)
    if reply.attachment is not None:
        out[-1].attachment = reply.attachment
    return out


def with_mentions(reply: Reply) -> Reply:
    """The core's channel references (bot.core.refs) as mentions where Discord shows
    them (content, descriptions, field values), as ``#id`` in titles, names and footers."""
    texts = (reply.title, reply.body, reply.footer, *reply.notices)
    if not any(refs.MARK in t for t in texts) and not any(
        refs.MARK in f.name or refs.MARK in f.value for f in reply.fields
    ):
        return reply
    return replace(
        reply,
        title=refs.plain(reply.title),
        body=refs.render(reply.body, mention),
        fields=tuple(
            Field(refs.plain(f.name), refs.render(f.value, mention), f.inline) for f in reply.fields
        ),
        notices=tuple(refs.render(n, mention) for n in reply.notices),
        footer=refs.plain(reply.footer),
    )


def _embeds(
    items: Sequence[Field], colour: int, first: discord.Embed | None
) -> list[discord.Embed]:
    """One page's items in embeds, laid out as :class:`_Layout` counts them."""
    embeds = [first] if first is not None else []
    layout = _Layout(titled=first is not None)
    for item in items:
        if layout.add(item):
            embeds.append(discord.Embed(colour=colour))
        if item.name == "":
            embeds[-1].description = item.value
        else:
            embeds[-1].add_field(name=item.name, value=item.value, inline=item.inline)
    return embeds


class _Layout:
    """Where items go on one page: a description chunk opens an embed unless the current
    one is still empty; a field goes into the current embed while it has a slot left
    (one stays free for the cut note). The first page starts with the title's embed."""

    def __init__(self, *, titled: bool) -> None:
        self.embeds = int(titled)
        self.described = False
        self.fields = 0

    def opens(self, item: Field) -> bool:
        if self.embeds == 0:
            return True
        if item.name == "":
            return self.described or self.fields > 0
        return self.fields >= FIELDS - 1

    def add(self, item: Field) -> bool:
        """Place ``item``; whether it opened an embed."""
        opened = self.opens(item)
        if opened:
            self.embeds, self.described, self.fields = self.embeds + 1, False, 0
        if item.name == "":
            self.described = True
        else:
            self.fields += 1
        return opened


class _Costs:
    """:func:`~bot.platforms.paging.paginate`'s cost of an item: its characters, and an
    embed when it opens one. Follows the page as it fills (each item is counted once)."""

    def __init__(self) -> None:
        self.page = -1
        self.count = 0
        self.layout = _Layout(titled=True)

    def __call__(self, page: int, items: Sequence[Field], item: Field) -> Cost:
        if page != self.page or len(items) < self.count:
            self.page, self.count, self.layout = page, 0, _Layout(titled=page == 0)
        while self.count < len(items):
            self.layout.add(items[self.count])
            self.count += 1
        return Cost(units=int(self.layout.opens(item)), chars=_size(item))


def embed_chars(embeds: list[discord.Embed]) -> int:
    """Characters Discord counts towards the 6000 limit of one message."""
    return sum(len(e) for e in embeds)
