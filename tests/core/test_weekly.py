"""The weekly report: its pure rules (the suggestion, the card) and the week it reads."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

from bot.bank import Bank
from bot.core import messages
from bot.core.app import Core
from bot.core.ports import UnitOfWork
from bot.core.records import Changes
from bot.core.weekly import EXCERPT, Week, best_role, read_week, suggestion, weekly_report
from tests.conftest import Chat

NONE = Changes(tips_seen=(), skills={}, steps=(), helpful=())
FRI = date(2026, 3, 6)


def with_roles(bank: Bank, *roles: tuple[str, tuple[str, ...]]) -> Bank:
    base = next(iter(bank.roles.values()))
    found = {rid: replace(base, id=rid, name=rid.title(), skills=skills) for rid, skills in roles}
    return replace(bank, roles=found, cache={})


def week(changes: Changes = NONE, statuses: dict[str, str] | None = None, streak: int = 0) -> Week:
    return Week(date(2026, 2, 28), FRI, changes, statuses or {}, streak)


def test_the_suggestion_comes_from_the_best_covered_role_with_a_skill_left(
    fixture_bank: Bank,
) -> None:
    bank = with_roles(
        fixture_bank,
        ("wide", ("python", "pytorch", "rust", "kubernetes")),  # 2 of 4: a half
        ("narrow", ("python", "pytorch", "kubernetes")),  # 2 of 3: the best share
        ("finished", ("python",)),  # all done: nothing to suggest from it
    )
    statuses = {"python": "done", "pytorch": "done", "rust": "learning"}
    role = best_role(bank, statuses)
    assert role is not None and role.id == "narrow"
    pick = suggestion(bank, statuses)
    assert pick is not None and (pick[0].id, pick[1].id) == ("narrow", "kubernetes")
    # a tie on the share goes to the role with more skills done, then to bank order
    tie = with_roles(
        fixture_bank, ("a", ("python", "rust")), ("b", ("python", "pytorch", "rust", "kubernetes"))
    )
    assert best_role(tie, {"python": "done", "pytorch": "done"}) == tie.roles["b"]
    assert best_role(tie, {"python": "done"}) == tie.roles["a"]
    # nothing done yet: the first role, its first skill (a 'learning' one is not done)
    pick = suggestion(bank, {"python": "learning"})
    assert pick is not None and (pick[0].id, pick[1].id) == ("wide", "python")
    done = {s: "done" for s in ("python", "pytorch", "rust", "kubernetes")}
    assert suggestion(bank, done) is None
    card = weekly_report(bank, week(statuses=done))
    assert card.fields[-1].value == messages.WEEKLY_SUGGEST_NONE
    assert [b.command for b in card.buttons] == ["progress", "tip"]


def test_an_empty_week_is_short_and_encouraging(fixture_bank: Bank) -> None:
    card = weekly_report(fixture_bank, week(streak=3))
    assert card.title == "Your week in careerbot (Sat 28 Feb – Fri 6 Mar)"
    assert card.body == messages.WEEKLY_EMPTY.format(streak=3) and "🔥 3 day(s)" in card.body
    assert [f.name for f in card.fields] == ["Next week"]
    assert "Learn Python" in card.fields[0].value
    assert card.kind == "weekly" and not card.ephemeral and card.ok
    assert [b.command for b in card.buttons] == ["learn python", "progress", "tip"]
    # things the bank no longer has do not make a week busy
    gone = Changes(tips_seen=("t999",), skills={"cobol": "done"}, steps=("x",), helpful=("t999",))
    assert weekly_report(fixture_bank, week(gone, streak=3)).body == card.body


def test_a_busy_week_lists_each_thing_once(fixture_bank: Bank) -> None:
    long = "word " * 60
    bank = replace(
        fixture_bank,
        tips={**fixture_bank.tips, "t001": replace(fixture_bank.tips["t001"], text=long.strip())},
    )
    changes = Changes(
        tips_seen=("t001", "t002", "t999"),
        skills={"kubernetes": "learning", "python": "done"},
        steps=("frameworks", "programming"),
        helpful=("t999", "t001", "t002"),  # the latest the bank knows wins
    )
    card = weekly_report(bank, week(changes, {"python": "done", "kubernetes": "learning"}, 4))
    fields = {f.name: f.value for f in card.fields}
    assert fields["Tips read"] == "2"
    assert fields["Streak"] == "🔥 4 day(s)"
    assert fields["Skills moved (2)"] == "📘 Kubernetes — learning\n✅ Python — done"
    assert fields["Roadmap steps checked off (2)"] == (
        "☑️ Learn an ML framework\n☑️ Learn to program in Python"
    )
    helpful = fields["Most helpful tip"]
    assert helpful.endswith("… (t001)") and len(helpful) == EXCERPT + len(" (t001)")
    assert "PyTorch" in fields["Next week"]
    quiet = weekly_report(bank, week(replace(changes, helpful=())))
    assert {f.name: f.value for f in quiet.fields}["Most helpful tip"] == (
        messages.WEEKLY_HELPFUL_NONE
    )


async def test_the_week_starts_at_local_midnight_six_days_before(core: Core) -> None:
    """Friday 6 March in Tokyo (UTC+9): the window opens Saturday 28 Feb 00:00 JST,
    which is 27 Feb 15:00 UTC; it closes at the delivery instant."""
    edge = datetime(2026, 2, 27, 15, 0, tzinfo=UTC)
    until = datetime(2026, 3, 6, 7, 0, tzinfo=UTC)

    def use(tx: UnitOfWork) -> Week:
        pk = tx.users.user("slack", "T1", "U1", "ada", edge).pk
        tx.progress.set_skill(pk, "rust", "done", edge.replace(minute=0, hour=14, second=59))
        tx.progress.set_skill(pk, "python", "done", edge)
        tx.progress.set_step(pk, "deploy", True, until)
        tx.progress.set_skill(pk, "pytorch", "learning", until.replace(second=1))
        tx.users.record_activity(pk, date(2026, 3, 5))
        tx.users.record_activity(pk, date(2026, 3, 6))
        return read_week(tx, pk, FRI, "Asia/Tokyo", until)

    got = await core.store.run(use)
    assert (got.first, got.last, got.streak) == (date(2026, 2, 28), FRI, 2)
    assert got.changes.skills == {"python": "done"}
    assert got.changes.steps == ("deploy",)
    assert got.statuses == {"rust": "done", "python": "done", "pytorch": "learning"}


async def test_help_lists_the_weekly_commands_and_their_options(alice: Chat) -> None:
    text = (await alice("help")).plain_text()
    assert "`weekly` — Your weekly report by DM" in text
    assert "`weekly on [mon|tue|wed|thu|fri|sat|sun] [time] [zone]`" in text
    assert "`weekly off` — Stop your weekly report" in text
    one = await alice("help weekly on")
    assert one.title == "Usage: weekly on [mon|tue|wed|thu|fri|sat|sun] [time] [zone]"
    assert "(default fri)" in one.fields[0].value and "(default 16:00)" in one.fields[0].value
