"""skill, skills, learn, done, drop"""

from __future__ import annotations

import difflib

from bot.bank.model import CATEGORIES, Skill
from bot.core import messages
from bot.core.app import Context
from bot.core.cards import source_button
from bot.core.commands import Option, command
from bot.core.errors import NotFound
from bot.core.replies import Button, Field, Reply

G = "Skills and roles"


@command(
    "skill",
    "A skill card: what it is, why it matters, how to learn it",
    Option("name", "skill", "a skill, e.g. pytorch, k8s, sql"),
    group=G,
)
def skill(ctx: Context, name: str) -> Reply:
    found = ctx.skill(name)
    status = (ctx.tx.progress.skill_statuses(ctx.user.pk)).get(found.id)
    return skill_card(ctx, found, status)


def skill_card(ctx: Context, s: Skill, status: str | None) -> Reply:
    bank = ctx.bank
    related = [bank.skills[r].name for r in s.related if r in bank.skills]
    roles = [bank.roles[r].name for r in s.roles if r in bank.roles]
    fields = [
        Field("Why it matters for ML engineers", s.why),
        Field("How to learn it", "\n".join(f"• {step}" for step in s.learn)),
    ]
    if related:
        fields.append(Field("Related skills", ", ".join(related), inline=True))
    if roles:
        fields.append(Field("Roles", ", ".join(roles), inline=True))
    if s.levels:  # shown to everyone: a card is never hidden by the user's level
        levels = ", ".join(messages.LEVEL_SHORT[x] for x in s.levels)
        fields.append(Field(messages.CARD_LEVELS, levels, inline=True))
    fields.append(Field("Your status", messages.SKILL_STATUS[status], inline=True))
    buttons = []
    if status != "learning":
        buttons.append(Button("Learn", f"learn {s.id}", "primary"))
    if status != "done":
        buttons.append(Button("Done", f"done {s.id}"))
    buttons.append(Button("Tips", f"tip {s.id}"))
    if status is not None:
        buttons.append(Button("Drop", f"drop {s.id}", "danger"))
    buttons.append(source_button(s.id))
    return Reply(
        title=f"{s.name} ({s.category})",
        body=s.what,
        fields=tuple(fields),
        source=ctx.source(s),
        buttons=tuple(buttons),
        kind="skill",
        replace=ctx.request.via_button,
    )


@command(
    "skills",
    "All skills grouped by category",
    Option("category", "text", "only this category", required=False),
    group=G,
)
def skills(ctx: Context, category: str | None = None) -> Reply:
    statuses = ctx.tx.progress.skill_statuses(ctx.user.pk)
    wanted: tuple[str, ...] = CATEGORIES
    if category:
        # "soft skill", "Soft_Skills" and "soft-skill" name the category "soft-skill"
        key = "-".join(category.lower().replace("_", " ").split()).rstrip("s")
        wanted = tuple(c for c in CATEGORIES if c.rstrip("s") == key or c.startswith(key))
        if not wanted:
            close = difflib.get_close_matches(key, CATEGORIES, n=3, cutoff=0.5)
            raise NotFound("category", category[:40], close, listing="skills")
    fields = []
    for cat in wanted:
        members = sorted(
            (s for s in ctx.bank.skills.values() if s.category == cat), key=lambda s: s.name.lower()
        )
        if members:
            names = ", ".join(_marked(s.name, statuses.get(s.id)) for s in members)
            fields.append(Field(f"{cat} ({len(members)})", names))
    count = sum(1 for s in ctx.bank.skills.values() if s.category in wanted)
    return Reply(
        title=messages.SKILLS_TITLE.format(count=count),
        body=messages.SKILLS_BODY,
        fields=tuple(fields),
        kind="skills",
    )


def _set_status(ctx: Context, name: str, status: str | None) -> Reply:
    found = ctx.skill(name)
    current = (ctx.tx.progress.skill_statuses(ctx.user.pk)).get(found.id)
    if current == status:
        template = messages.STATUS_NOT_SET if status is None else messages.STATUS_ALREADY[status]
        text = template.format(skill=found.name)
        return Reply(title=text, kind="notice")
    ctx.tx.progress.set_skill(ctx.user.pk, found.id, status, ctx.now)
    if status is not None:
        ctx.mark_active()
    buttons = (Button("Tip for it", f"tip {found.id}", "primary"),) if status == "learning" else ()
    return Reply(
        title=messages.STATUS_SET[status].format(skill=found.name), kind="notice", buttons=buttons
    )


@command(
    "learn",
    "Add a skill to your learning list",
    Option("skill", "skill", "the skill"),
    group="Progress",
)
def learn(ctx: Context, skill: str) -> Reply:
    return _set_status(ctx, skill, "learning")


@command("done", "Mark a skill as done", Option("skill", "skill", "the skill"), group="Progress")
def done(ctx: Context, skill: str) -> Reply:
    return _set_status(ctx, skill, "done")


@command(
    "drop", "Remove a skill from your list", Option("skill", "skill", "the skill"), group="Progress"
)
def drop(ctx: Context, skill: str) -> Reply:
    return _set_status(ctx, skill, None)


def _marked(name: str, status: str | None) -> str:
    mark = messages.STATUS_MARK.get(status or "")
    return f"{mark} {name}" if mark else name
