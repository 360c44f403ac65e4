"""roadmap, roadmap done, roadmap undo"""

from __future__ import annotations

from bot.bank.model import serves
from bot.core import messages
from bot.core.app import Context
from bot.core.commands import Option, command
from bot.core.errors import UsageError
from bot.core.progress import bar
from bot.core.replies import Button, Field, Reply

G = "Progress"
STEP = Option("n", "int", "the step number", min_value=1, max_value=99)


@command("roadmap", "The step-by-step path to ML engineer, with your checkmarks", group=G)
def roadmap(ctx: Context) -> Reply:
    done = ctx.tx.progress.roadmap_done(ctx.user.pk)
    level = ctx.user.level
    steps = ctx.bank.steps
    fields = []
    for n, step in enumerate(steps, 1):  # every step keeps its number ('roadmap done n')
        mark = "✅" if step.id in done else "⬜"
        other = ""
        if not serves(step.levels, level):
            names = ", ".join(messages.LEVEL_SHORT[x] for x in step.levels)
            other = messages.ROADMAP_OTHER_LEVEL.format(levels=names)
        fields.append(Field(f"{mark} {n}. {step.title}{other}", step.done_when))
    finished = sum(1 for s in steps if s.id in done)
    next_open = next(
        (n for n, s in enumerate(steps, 1) if s.id not in done and serves(s.levels, level)),
        next((n for n, s in enumerate(steps, 1) if s.id not in done), None),
    )
    label = messages.LEVEL_SHORT[level or "all"]
    buttons = (
        (Button(f"Mark step {next_open} done", f"roadmap done {next_open}", "primary"),)
        if next_open
        else ()
    )
    return Reply(
        title=messages.ROADMAP_TITLE,
        body=(
            f"{bar(finished, len(steps))}  {messages.ROADMAP_HINT}\n"
            + messages.LEVEL_LINE.format(label=label)
        ),
        fields=tuple(fields),
        buttons=buttons,
        kind="roadmap",
        replace=ctx.request.via_button,
    )


def _mark(ctx: Context, n: int, done: bool) -> Reply:
    steps = ctx.bank.steps
    if not 1 <= n <= len(steps):
        raise UsageError(messages.STEP_RANGE.format(n=n, total=len(steps)))
    step = steps[n - 1]
    buttons = (Button("Show roadmap", "roadmap"),)
    if (step.id in ctx.tx.progress.roadmap_done(ctx.user.pk)) == done:
        text = messages.STEP_ALREADY_DONE if done else messages.STEP_NOT_DONE
        return Reply(title=text.format(n=n, title=step.title), kind="notice", buttons=buttons)
    ctx.tx.progress.set_step(ctx.user.pk, step.id, done, ctx.now)
    if done:
        ctx.mark_active()
    text = messages.STEP_DONE if done else messages.STEP_UNDONE
    return Reply(title=text.format(n=n, title=step.title), kind="notice", buttons=buttons)


@command("roadmap done", "Check off roadmap step n", STEP, group=G)
def roadmap_done(ctx: Context, n: int) -> Reply:
    return _mark(ctx, n, True)


@command("roadmap undo", "Un-check roadmap step n", STEP, group=G)
def roadmap_undo(ctx: Context, n: int) -> Reply:
    return _mark(ctx, n, False)
