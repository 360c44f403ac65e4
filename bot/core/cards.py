"""Cards the core builds from the bank alone: the tip card, the daily delivery card.

Used by the ``tip`` family of commands and by the daily delivery (bot/delivery), so a
daily tip looks like a ``tip`` reply. Nothing here needs a request or a transaction.

A card names its source in one short line (the document's title, linked when it has a
URL: the renderers draw it); the quote is one step away, behind a Source button
(``source <id>``), answered privately.
"""

from __future__ import annotations

from dataclasses import replace

from bot.bank.model import Bank, Role, Skill, Tip
from bot.core import messages
from bot.core.records import SubRow
from bot.core.replies import Button, Field, Reply, SourceRef


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


def source_button(item_id: str) -> Button:
    """The button that shows where a tip or card comes from (the quote, privately)."""
    return Button(messages.SOURCE_BUTTON, f"source {item_id}")


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
            source_button(tip.id),
        ),
        kind="tip",
        footer=footer,
    )


def review_buttons(tip_id: str, seq: int) -> tuple[Button, Button]:
    """Remembered / Not yet for the review of ``tip_id`` after ``seq`` answers: the
    command carries that version, so a click on an answered card changes nothing."""
    return (
        Button(messages.REVIEW_BUTTON_REMEMBERED, f"review answer {tip_id} remembered {seq}"),
        Button(messages.REVIEW_BUTTON_NOT_YET, f"review answer {tip_id} not-yet {seq}"),
    )


def review_card(bank: Bank, tip: Tip, *, seq: int, due: int) -> Reply:
    """One due review (the ``review`` command): the tip, and Remembered / Not yet."""
    names = [bank.skills[s].name for s in tip.skills if s in bank.skills]
    return Reply(
        title=messages.REVIEW_TITLE.format(skills=", ".join(names))
        if names
        else messages.REVIEW_TITLE_PLAIN,
        body=tip.text,
        source=source_ref(bank, tip),
        buttons=review_buttons(tip.id, seq),
        kind="review",
        footer=messages.REVIEW_FOOTER.format(tip_id=tip.id, due=due),
    )


def delivery_card(
    bank: Bank,
    sub: SubRow,
    tip: Tip,
    *,
    missed: int,
    saved: bool,
    review: tuple[Tip, int] | None = None,
) -> Reply:
    """The message a daily delivery sends: a tip card (DM) or a shared card (channel).

    ``review``: a due review (its tip and answer count) the DM card carries below the
    tip, with its Remembered / Not yet buttons after the tip's own."""
    if sub.channel_id is None:
        card = tip_card(
            bank,
            tip,
            next_command="tip",
            saved=saved,
            footer=messages.DAILY_TIP_FOOTER.format(tip_id=tip.id),
        )
        notices = (messages.DAILY_MISSED.format(n=missed),) if missed else ()
        if review is not None:
            again, seq = review
            section = Field(messages.REVIEW_SECTION.format(tip_id=again.id), again.text)
            card = replace(
                card,
                fields=(*card.fields, section),
                buttons=(*card.buttons, *review_buttons(again.id, seq)),
            )
        return replace(card, ephemeral=False, notices=notices)
    card = tip_card(
        bank,
        tip,
        next_command="tip",
        saved=False,
        footer=messages.DAILY_CHANNEL_FOOTER.format(tip_id=tip.id),
    )
    buttons = (
        Button("Get my own tip", "tip", "primary"),
        Button("Save", f"save {tip.id}"),
        source_button(tip.id),
    )
    return replace(card, ephemeral=False, buttons=buttons)
