"""The neutral reply every command returns, and its plain-text rendering."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any, Literal

from bot.core import refs

ButtonStyle = Literal["primary", "danger", "default"]


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    value: str
    inline: bool = False


@dataclass(frozen=True, slots=True)
class Button:
    """A button whose stable action id is the command it runs (e.g. ``save t001``).

    The command travels inside the platform's action id / custom id, so a button on an
    old message keeps working after a restart: nothing about it lives in memory.
    """

    label: str
    command: str
    style: ButtonStyle = "default"


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a tip or card comes from: the document's title, URL and the passage.

    Renderers show it as ONE short line (the title, linked when there is a URL); the
    quote is for the ``source`` command (a Source button) and for JSON output.
    """

    doc: str
    title: str
    url: str | None = None
    quote: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    filename: str
    content: str
    mime: str = "application/json"


@dataclass(frozen=True, slots=True)
class Reply:
    title: str
    body: str = ""
    fields: tuple[Field, ...] = ()
    source: SourceRef | None = None
    buttons: tuple[Button, ...] = ()
    ephemeral: bool = True
    ok: bool = True  # False for errors: ``say`` exits 1
    kind: str = "info"  # "tip", "skill", "help", "error", … (adapters may style by kind)
    replace: bool = False  # a button's reply that should replace the message it came from
    notices: tuple[str, ...] = ()  # things to tell the user first (missed tips, suspended DMs)
    attachment: Attachment | None = None
    footer: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def plain_text(self, mention: Callable[[str], str] | None = None) -> str:
        """Readable text for the console and for platforms' notification fallbacks.

        Channel references (bot.core.refs) become ``#C123``, or ``mention(channel_id)``;
        ``mention=refs.channel`` keeps them as references for a renderer to finish.
        """
        text = self._plain()
        return refs.plain(text) if mention is None else refs.render(text, mention)

    def _plain(self) -> str:
        parts: list[str] = [f"! {n}" for n in self.notices]
        parts.append(self.title)
        if self.body:
            parts.append(self.body)
        for f in self.fields:
            if "\n" in f.value or len(f.name) + len(f.value) > 70:
                parts.append(f"{f.name}:\n{_indent(f.value)}")
            else:
                parts.append(f"{f.name}: {f.value}")
        if self.source:  # one short line; the quote is behind the Source button
            where = f" <{self.source.url}>" if self.source.url else ""
            parts.append(f"Source: {self.source.title}{where}")
        if self.footer:
            parts.append(self.footer)
        if self.attachment and self.attachment.content not in self.body:
            parts.append(self.attachment.content)
        if self.buttons:
            parts.append("Actions: " + " | ".join(f"[{b.label}] {b.command}" for b in self.buttons))
        return "\n".join(parts)


def _indent(text: str) -> str:
    return "\n".join(f"  {line}" if line else "" for line in text.splitlines())
