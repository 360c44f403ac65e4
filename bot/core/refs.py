"""References the core writes into reply text as values; each platform renders them.

A channel reference is ``\\x0e#C123\\x0e``: the channel id between two SHIFT OUT
control characters. A notice kept in the database (a channel that could not be posted
to) carries it as text, so the reference is in the text, not beside it. Platforms turn
it into their markup with :func:`render` (Slack and Discord ``<#C123>``), plain text into
``#C123`` (:func:`plain`).

Nobody can forge one: the marker is a control character, and the core drops control
characters from every command text (``commands.clean_text``) and from the names the
platforms give (:func:`scrub`) before they can reach a reply; :func:`channel` accepts
only an id made of letters, digits, ``-`` and ``_``.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MARK = "\x0e"
_ID = re.compile(r"[A-Za-z0-9_-]{1,80}")
_REF = re.compile(MARK + r"#([A-Za-z0-9_-]{1,80})" + MARK)


def channel(channel_id: str) -> str:
    """The reference to a channel, for reply text (plain ``#…`` for an id of another
    shape, which the command parser never lets through)."""
    if not _ID.fullmatch(channel_id):
        return "#" + scrub(channel_id)
    return f"{MARK}#{channel_id}{MARK}"


def render(text: str, mention: Callable[[str], str]) -> str:
    """``text`` with each channel reference written by ``mention(channel_id)``; a marker
    left over (a reference cut in half by a trim) is dropped."""
    if MARK not in text:
        return text
    parts = _REF.split(text)  # text, channel id, text, channel id, ..., text
    return "".join(
        mention(part) if i % 2 else part.replace(MARK, "") for i, part in enumerate(parts)
    )


def plain(text: str) -> str:
    """``text`` with each channel reference as ``#C123``."""
    return render(text, lambda channel_id: f"#{channel_id}")


def scrub(text: str) -> str:
    """Text from outside (a display name) without the marker character."""
    return text.replace(MARK, "")
