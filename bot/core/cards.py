"""Cards the core builds from the bank alone: the tip card, the daily delivery card.

Used by the ``tip`` family of commands and by the daily delivery (bot/delivery), so a
daily tip looks like a ``tip`` reply. Nothing here needs a request or a transaction.
"""

from __future__ import annotations

from dataclasses import replace

from bot.bank.model import Bank, Role, Skill, Tip
from bot.core import messages
from bot.core.records import SubRow
from bot.core.replies import Button, Reply, SourceRef


def source_ref(bank: Bank, item: Tip | Skill | Role) -> SourceRef:
    """Where a tip, skill or role comes from, with the document's title and URL."""
    src = item.source
    info = bank.docs.get(src.doc)
    return SourceRef(
        doc=src.doc,
        title=info.title if info else src.doc,
        url=info.url if info else None,
        quote=src.quote,
    )


def tip_card(bank: Bank, tip: Tip, *, next_command: str, saved: bool, footer: str) -> Reply:
    names = [bank.skills[s].name for s in tip.skills if s in bank.skills]
    save = Button("Unsave", f"unsave {tip.id}") if saved else Button("Save", f"save {tip.id}")
    return Reply(
        title=messages.TIP_TITLE_FOR.format(skills=", ".join(names))
        if names
        else messages.TIP_TITLE,
        body=tip.text,
        source=source_ref(bank, tip),
        buttons=(
            Button("Next", next_command, "primary"),
            Button("Helpful", f"rate {tip.id} up"),
            Button("Not helpful", f"rate {tip.id} down"),
            save,
            Button("Share", f"share {tip.id}"),
        ),
        kind="tip",
        footer=footer,
    )


def delivery_card(bank: Bank, sub: SubRow, tip: Tip, *, missed: int, saved: bool) -> Reply:
    """The message a daily delivery sends: a tip card (DM) or a shared card (channel)."""
    if sub.channel_id is None:
        card = tip_card(
            bank,
            tip,
            next_command="tip",
            saved=saved,
            footer=messages.DAILY_TIP_FOOTER.format(tip_id=tip.id),
        )
        notices = (messages.DAILY_MISSED.format(n=missed),) if missed else ()
        return replace(card, ephemeral=False, notices=notices)
    card = tip_card(
        bank,
        tip,
        next_command="tip",
        saved=False,
        footer=messages.DAILY_CHANNEL_FOOTER.format(tip_id=tip.id),
    )
    buttons = (Button("Get my own tip", "tip", "primary"), Button("Save", f"save {tip.id}"))
    return replace(card, ephemeral=False, buttons=buttons)
