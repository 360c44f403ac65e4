"""link / unlink through the core, on both backends: one profile across platforms."""

from __future__ import annotations

import re

from bot.core.app import Core
from bot.core.replies import Reply
from bot.core.requests import GLOBAL_TENANT, User
from tests.conftest import Chat, FakeClock

CODE = re.compile(r"code: ([A-HJ-NP-Z2-9]{8})\b")


def code_of(reply: Reply) -> str:
    found = CODE.search(reply.body)
    assert found, reply.body
    return found.group(1)


def field(reply: Reply, name: str) -> str:
    return next(f.value for f in reply.fields if f.name.startswith(name))


def chats(core: Core) -> tuple[Chat, Chat]:
    return (
        Chat(core, User("slack", "T1", "U1", "Ada")),
        Chat(core, User("discord", GLOBAL_TENANT, "42", "ada")),
    )


async def test_link_joins_two_profiles_with_the_merge_rules(core: Core, clock: FakeClock) -> None:
    slack, discord = chats(core)
    await slack("learn python")  # learning here...
    await slack("save t001")
    await slack("roadmap done 1")
    await slack("done pytorch")  # done here, learning later there: done wins
    await slack("rate t002 down")
    clock.advance(days=1)
    await discord("done python")  # ...done there: done wins
    await discord("learn rust")
    await discord("learn pytorch")
    await discord("save t003")
    await discord("rate t002 up")  # not helpful (here first) beats helpful
    before = await discord("progress")
    assert "Profile" not in [f.name for f in before.fields]

    issued = await slack("link")
    code = code_of(issued)
    assert issued.ephemeral and issued.ok
    assert "Not linked yet" in issued.body
    done = await discord(f"link {code.lower()}")  # case does not matter
    assert done.ok, done.body
    assert "Slack and Discord" in done.body or "Discord and Slack" in done.body

    a, b = await slack("progress"), await discord("progress")
    assert a.fields == b.fields
    assert "Linked:" in field(a, "Profile")
    assert "Python" in field(a, "✅ Done") and "Rust" in field(a, "📘 Learning")
    assert "PyTorch" in field(a, "✅ Done")
    assert field(a, "Saved tips") == "2" and field(a, "Helpful votes") == "0"
    assert "1/" in field(a, "Roadmap")
    saved = await discord("saved")
    assert {f.name[:4] for f in saved.fields} == {"t001", "t003"}
    # the streak: days from both accounts
    assert field(a, "Streak").startswith("🔥 2")
    # afterwards one profile: a change on one shows on the other
    await discord("done rust")
    assert "Rust" in field(await slack("progress"), "✅ Done")
    assert "Linked: Slack and Discord" in (await discord("link")).body


async def test_one_daily_tip_is_kept_and_the_user_told(core: Core, clock: FakeClock) -> None:
    slack, discord = chats(core)
    await discord("daily 07:00 UTC")
    clock.advance(minutes=5)
    await slack("daily 09:00 Europe/Berlin")  # changed last: kept
    code = code_of(await discord("link"))
    done = await slack(f"link {code}")
    assert "Kept your daily tip at 09:00 Europe/Berlin on Slack; the one on Discord is off" in (
        done.body
    )
    status = await core.store.run(
        lambda tx: tx.subscriptions.of_user(tx.users.find_user("discord", GLOBAL_TENANT, "42") or 0)
    )
    assert status is not None and status.platform == "slack" and status.user_id == "U1"
    # set from Discord: it moves there (the DM goes to the Discord account)
    await discord("daily 08:00")
    moved = await core.store.run(
        lambda tx: tx.subscriptions.of_user(tx.users.find_user("slack", "T1", "U1") or 0)
    )
    assert moved is not None and (moved.platform, moved.user_id) == ("discord", "42")


async def test_codes_expire_work_once_and_not_for_oneself(core: Core, clock: FakeClock) -> None:
    slack, discord = chats(core)
    other = Chat(core, User("slack", "T2", "U9", "Ada at work"))
    code = code_of(await slack("link"))
    own = await slack(f"link {code}")
    assert not own.ok and "own code" in own.body
    clock.advance(minutes=10)
    late = await discord(f"link {code}")
    assert not late.ok and "expired" in late.body
    code = code_of(await slack("link"))
    clock.advance(minutes=9)
    assert (await discord(f"link {code}")).ok
    used = await other(f"link {code}")
    assert not used.ok and "already used" in used.body
    # a second workspace joins with a code from Discord
    assert (await other(f"link {code_of(await discord('link'))}")).ok
    three = await slack("link")
    assert "Slack (T1), Discord and Slack (T2)" in three.body
    # a new code makes the earlier one stop working
    first = code_of(await slack("link"))
    code_of(await slack("link"))
    assert "expired" in (await Chat(core, User("slack", "T3", "U3", "x"))(f"link {first}")).body


async def test_two_accounts_in_one_workspace_cannot_link(core: Core) -> None:
    ada = Chat(core, User("slack", "T1", "U1", "Ada"))
    bob = Chat(core, User("slack", "T1", "U2", "Bob"))
    code = code_of(await ada("link"))
    reply = await bob(f"link {code}")
    assert not reply.ok and "Slack workspace T1" in reply.body
    assert "Not linked yet" in (await bob("link")).body


async def test_wrong_codes_are_rate_limited(core: Core, clock: FakeClock) -> None:
    slack, discord = chats(core)
    code = code_of(await slack("link"))
    for _ in range(5):
        wrong = await discord("link ABCDEFGH")
        assert not wrong.ok and "doesn't work" in wrong.body
    blocked = await discord(f"link {code}")  # even the right one, for now
    assert not blocked.ok and "Too many" in blocked.body
    assert "doesn't work" not in blocked.body
    clock.advance(minutes=10, seconds=1)  # the window has passed (and the code expired)
    assert (await discord(f"link {code_of(await slack('link'))}")).ok


async def test_a_global_ceiling_bounds_guessing_by_many_accounts(
    core: Core, clock: FakeClock
) -> None:
    slack, discord = chats(core)
    code = code_of(await slack("link"))
    for n in range(25):
        guesser = Chat(core, User("slack", f"G{n}", "U", "g"))
        for _ in range(4):
            await guesser("link ZZZZZZZZ")
    blocked = await discord(f"link {code}")
    assert not blocked.ok and "Too many" in blocked.body


async def test_unlink_keeps_a_copy_and_then_they_diverge(core: Core, clock: FakeClock) -> None:
    slack, discord = chats(core)
    await slack("learn python")
    await discord("daily 07:00 UTC")
    assert (await discord(f"link {code_of(await slack('link'))}")).ok
    gone = await slack("unlink")
    assert "own profile again" in gone.body and "Discord" in gone.body
    assert "not linked" in (await slack("unlink")).body
    await discord("done python")
    assert "Python" in field(await slack("progress"), "📘 Learning")
    assert "Python" in field(await discord("progress"), "✅ Done")
    sub = await core.store.run(
        lambda tx: tx.subscriptions.of_user(tx.users.find_user("discord", GLOBAL_TENANT, "42") or 0)
    )
    assert sub is not None and (sub.platform, sub.user_id) == ("discord", "42")
    assert (
        await core.store.run(
            lambda tx: tx.subscriptions.of_user(tx.users.find_user("slack", "T1", "U1") or 0)
        )
        is None
    )


async def test_forget_on_a_linked_account_says_so_and_deletes_both(core: Core) -> None:
    slack, discord = chats(core)
    await slack("learn python")
    assert (await discord(f"link {code_of(await slack('link'))}")).ok
    ask = await discord("forget")
    assert "linked accounts: Slack" in ask.body
    await discord("forget confirm")
    found = await core.store.run(
        lambda tx: (
            tx.users.find_user("slack", "T1", "U1"),
            tx.users.find_user("discord", GLOBAL_TENANT, "42"),
        )
    )
    assert found == (None, None)
    assert field(await slack("progress"), "📘 Learning") == "—"


async def test_help_lists_link_and_unlink(core: Core) -> None:
    slack, _ = chats(core)
    text = (await slack("help")).plain_text()
    assert "`link [code]`" in text and "`unlink`" in text
    assert "code" in (await slack("help link")).plain_text()


async def test_two_slack_workspaces_name_the_workspace(core: Core, clock: FakeClock) -> None:
    home = Chat(core, User("slack", "T1", "U1", "Ada"))
    work = Chat(core, User("slack", "T2", "W7", "Ada"))
    await home("daily 07:00 UTC")
    clock.advance(minutes=1)
    await work("daily 08:30 UTC")
    done = await home(f"link {code_of(await work('link'))}")
    assert "Kept your daily tip at 08:30 UTC on Slack (T2); the one on Slack (T1) is off" in (
        done.body
    )
    assert "Slack (T1) and Slack (T2)" in field(await work("progress"), "Profile")


async def test_a_linked_profile_shares_level_settings_weekly_report_and_reviews(
    core: Core, clock: FakeClock
) -> None:
    slack, discord = chats(core)
    assert (await slack("weekly on fri 16:00 Europe/Berlin")).ok
    assert (await slack("save t001")).ok
    assert (await discord("level early")).ok
    clock.advance(minutes=5)
    assert (await discord("weekly on mon 09:00 Asia/Tokyo")).ok  # changed last: kept
    done = await slack(f"link {code_of(await discord('link'))}")
    assert done.ok, done.body
    assert (
        "Kept your weekly report on Mondays at 09:00 Asia/Tokyo on Discord; the one on Slack is off"
    ) in done.body
    # level: set on Discord before, shown on both; set on Slack after, shown on both
    for chat in (slack, discord):
        assert (await chat("level")).title == "Level: early-career"
    assert (await slack("level experienced")).ok
    assert (await discord("level")).title == "Level: experienced"
    # streak settings: set on one, the same on both
    assert (await slack("settings day-start 6")).ok
    shown = [await chat("settings") for chat in (slack, discord)]
    assert shown[0].body == shown[1].body and "starts at 06:00" in shown[0].body
    # the weekly report: the kept one on both; set again from Slack, it moves there
    weekly = [await chat("weekly") for chat in (slack, discord)]
    assert weekly[0].body == weekly[1].body and "Mondays at 09:00 Asia/Tokyo" in weekly[0].body
    assert (await slack("weekly on wed 18:00 Europe/Berlin")).ok
    assert "Wednesdays at 18:00 Europe/Berlin" in (await discord("weekly")).body
    sub = await core.store.run(
        lambda tx: tx.subscriptions.of_user(
            tx.users.find_user("discord", GLOBAL_TENANT, "42") or 0, "weekly"
        )
    )
    assert sub is not None and (sub.platform, sub.user_id) == ("slack", "U1")
    # the tip saved on Slack comes up for review on both; answered on one, done on both
    clock.advance(days=1)
    cards = [await chat("review") for chat in (slack, discord)]
    assert cards[0].body == cards[1].body and cards[0].kind == "review"
    assert [b.command for b in cards[1].buttons][0] == "review answer t001 remembered 0"
    answered = await discord("review answer t001 remembered 0", via_button=True)
    assert answered.ok and "Next review in 3 day(s)" in answered.title
    again = await slack("review answer t001 not-yet 0", via_button=True)
    assert "already answered" in again.title
    after = [await chat("review") for chat in (slack, discord)]
    assert after[0].body == after[1].body and "in 3 days" in after[0].body
    # unlink: the Slack account leaves with a copy, its weekly report stays with it
    left = await slack("unlink")
    assert "Your weekly report stays with the account it is delivered to (Slack)" in left.body
    assert (await slack("level")).title == "Level: experienced"
    assert "starts at 06:00" in (await slack("settings")).body
    assert "Wednesdays at 18:00" in (await slack("weekly")).body
    assert "Your weekly report is off" in (await discord("weekly")).body
    assert (await discord("level")).title == "Level: experienced"  # the heir's copy
