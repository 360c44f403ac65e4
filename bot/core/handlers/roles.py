"""roles, role"""

from __future__ import annotations

from bot.core import messages
from bot.core.app import Context
from bot.core.cards import source_button
from bot.core.commands import Option, command
from bot.core.progress import bar, coverage
from bot.core.replies import Button, Field, Reply

G = "Skills and roles"


@command("roles", "Career paths and how much of each you cover", group=G)
def roles(ctx: Context) -> Reply:
    statuses = ctx.tx.progress.skill_statuses(ctx.user.pk)
    done = {s for s, st in statuses.items() if st == "done"}
    fields = []
    for r in ctx.bank.roles.values():
        have, need = coverage(r.skills, done)
        fields.append(Field(r.name, f"{bar(have, need)} · {have}/{need} skills"))
    if ctx.bank.industries:
        lines = [f"• {i.name}: {i.hires_for}" for i in ctx.bank.industries.values()]
        fields.append(Field("Industries hiring ML engineers", "\n".join(lines)))
    return Reply(
        title=messages.ROLES_TITLE, body=messages.ROLES_BODY, fields=tuple(fields), kind="roles"
    )


@command(
    "role",
    "A career path: what it is, the skills it needs, your coverage",
    Option("name", "role", "a role, e.g. nlp engineer"),
    group=G,
)
def role(ctx: Context, name: str) -> Reply:
    found = ctx.role(name)
    statuses = ctx.tx.progress.skill_statuses(ctx.user.pk)
    done = {s for s, st in statuses.items() if st == "done"}
    have, need = coverage(found.skills, done)
    lines = []
    for sid in found.skills:
        s = ctx.bank.skills[sid]
        mark = messages.STATUS_MARK.get(statuses.get(sid, ""), "▫️")
        lines.append(f"{mark} {s.name}")
    todo = [sid for sid in found.skills if statuses.get(sid) is None]
    buttons = tuple(
        Button(f"Learn {ctx.bank.skills[sid].name}"[:40], f"learn {sid}") for sid in todo[:3]
    ) + (source_button(found.id),)
    return Reply(
        title=found.name,
        body=found.summary,
        fields=(
            Field("Your coverage", messages.ROLE_COVERAGE.format(bar=bar(have, need))),
            Field(f"Skills ({need})", "\n".join(lines)),
        ),
        source=ctx.source(found),
        buttons=buttons,
        kind="role",
    )
