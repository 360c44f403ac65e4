"""link, unlink: one profile across platforms (issue 14).

``link`` gives a one-time code (8 characters without look-alikes: about 40 bits),
shown only to the person who asked, valid :data:`CODE_MINUTES` minutes, used once;
the store keeps only its SHA-256. ``link CODE`` on another platform (or another Slack
workspace) joins the two profiles in the command's transaction (the merge rules are in
``bot/storage/link.py``). Guessing is bounded: at most :data:`MAX_WRONG` wrong codes per
account and :data:`MAX_WRONG_ALL` for everyone in :data:`WINDOW` seconds; the answer to a
wrong code never says what was wrong with it. ``unlink`` separates the account it is
typed from: it takes a copy of the profile as it is, then both change separately.
"""

from __future__ import annotations

import hashlib
import secrets

from bot.core import messages
from bot.core.app import Context
from bot.core.commands import Option, command
from bot.core.handlers.weekly import FULL_DAYS
from bot.core.records import Identity, SubRow
from bot.core.replies import Reply
from bot.core.requests import GLOBAL_TENANT
from bot.core.schedule import schedule_of, time_of_minute

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 8
CODE_MINUTES = 10
WINDOW = 600  # seconds
MAX_WRONG = 5  # wrong codes per account per window
MAX_WRONG_ALL = 100  # wrong codes by everyone per window
G = "Your data"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def code_hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def normalize(text: str) -> str:
    """What people type: lower case, spaces or dashes inside."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def place(who: Identity, *, tenant: bool = False) -> str:
    name = who.platform.capitalize()
    return f"{name} ({who.tenant})" if tenant else name


def accounts(found: list[Identity]) -> str:
    """'Slack and Discord' (the workspace too when one platform appears twice)."""
    platforms = [a.platform for a in found]
    names = [place(a, tenant=platforms.count(a.platform) > 1) for a in found]
    return " and ".join(names) if len(names) < 3 else ", ".join(names[:-1]) + " and " + names[-1]


def _me(ctx: Context) -> Identity:
    who = ctx.request.user
    me = ctx.tx.links.identity(who.platform, who.tenant, who.user_id)
    assert me is not None  # the unit created the account before the handler ran
    return me


def status_line(ctx: Context) -> str | None:
    """'Linked: Slack and Discord' for a linked profile, else None (for ``progress``)."""
    found = ctx.tx.links.identities(ctx.user.pk)
    return messages.LINK_STATUS.format(accounts=accounts(found)) if len(found) > 1 else None


def _refusal(text: str) -> Reply:
    # returned, not raised: the wrong code's count must commit with the answer
    return Reply(title=messages.ERROR_TITLE, body=text, ok=False, kind="error")


@command(
    "link",
    "One profile on Slack and Discord: get a code, or give the code from your other account",
    Option("code", "word", "the code 'link' gave you on your other account", required=False),
    group=G,
)
def link(ctx: Context, code: str | None = None) -> Reply:
    me = _me(ctx)
    now = int(ctx.now.timestamp())
    if code is None:
        fresh = new_code()
        ctx.tx.links.issue(me.pk, code_hash(fresh), now, now + CODE_MINUTES * 60)
        linked = ctx.tx.links.identities(me.profile_pk)
        state = (
            messages.LINK_STATUS.format(accounts=accounts(linked))
            if len(linked) > 1
            else messages.LINK_NONE.format(account=place(me))
        )
        body = messages.LINK_CODE.format(code=fresh, minutes=CODE_MINUTES)
        return Reply(title=messages.LINK_TITLE, body=f"{body}\n{state}", kind="link")
    links = ctx.tx.links
    mine, everyone = links.failures(me.platform, me.tenant, me.user_id, now - WINDOW)
    if mine >= MAX_WRONG or everyone >= MAX_WRONG_ALL:
        return _refusal(messages.LINK_TOO_MANY)
    typed = normalize(code)
    found = links.code(code_hash(typed)) if 6 <= len(typed) <= 10 else None
    problem: str | None = None
    if found is None:
        problem = messages.LINK_WRONG
    elif found.used_at is not None:
        problem = messages.LINK_USED
    elif found.expires_at <= now:
        problem = messages.LINK_EXPIRED
    if problem is not None or found is None:
        links.fail(me.platform, me.tenant, me.user_id, now, now - WINDOW)
        return _refusal(problem or messages.LINK_WRONG)
    if found.identity.pk == me.pk:
        return _refusal(messages.LINK_OWN.format(code=typed))
    if found.identity.profile_pk == me.profile_pk:
        return _refusal(messages.LINK_ALREADY)
    theirs = links.identities(found.identity.profile_pk)
    ours = links.identities(me.profile_pk)
    clash = {(a.platform, a.tenant) for a in theirs} & {(a.platform, a.tenant) for a in ours}
    if clash:
        platform, tenant = sorted(clash)[0]
        name = platform.capitalize()
        where = name if tenant in ("", GLOBAL_TENANT) else f"{name} workspace {tenant}"
        return _refusal(messages.LINK_SAME_PLACE.format(where=where))
    done = links.link(code_hash(typed), me.pk, now)
    if done is None:  # used by someone else a moment ago
        links.fail(me.platform, me.tenant, me.user_id, now, now - WINDOW)
        return _refusal(messages.LINK_USED)
    everyone_now = links.identities(done.profile_pk)
    body = messages.LINK_DONE.format(accounts=accounts(everyone_now))
    if done.kept is not None and done.dropped is not None:
        body += "\n" + messages.LINK_KEPT_DAILY.format(
            time=f"{time_of_minute(done.kept.minute):%H:%M}",
            zone=done.kept.tz,
            **_names(done.kept, done.dropped),
        )
    if done.weekly_kept is not None and done.weekly_dropped is not None:
        plan = schedule_of(done.weekly_kept)
        body += "\n" + messages.LINK_KEPT_WEEKLY.format(
            day=FULL_DAYS[min(plan.days)],
            time=f"{plan.at:%H:%M}",
            zone=plan.tz,
            **_names(done.weekly_kept, done.weekly_dropped),
        )
    return Reply(title=messages.LINK_DONE_TITLE, body=body, kind="link")


def _names(kept: SubRow, dropped: SubRow) -> dict[str, str]:
    """Where each daily tip went: the platform, and the workspace when both are Slack."""
    same = kept.platform == dropped.platform

    def where(sub: SubRow) -> str:
        name = sub.platform.capitalize()
        return f"{name} ({sub.tenant})" if same else name

    return {"kept": where(kept), "dropped": where(dropped)}


@command("unlink", "Separate this account's profile from your linked ones (keeps a copy)", group=G)
def unlink(ctx: Context) -> Reply:
    me = _me(ctx)
    sub = ctx.tx.subscriptions.of_user(me.profile_pk)
    weekly = ctx.tx.subscriptions.of_user(me.profile_pk, "weekly")
    if not ctx.tx.links.unlink(me.pk):
        return Reply(title=messages.UNLINK_TITLE, body=messages.UNLINK_NOT_LINKED, kind="notice")
    body = messages.UNLINK_DONE.format(account=place(me))
    if sub is not None and sub.status != "off":
        body += "\n" + messages.UNLINK_DAILY.format(where=sub.platform.capitalize())
    if weekly is not None and weekly.status != "off":
        body += "\n" + messages.UNLINK_WEEKLY.format(where=weekly.platform.capitalize())
    return Reply(title=messages.UNLINK_TITLE, body=body, kind="notice")
