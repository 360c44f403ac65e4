"""roadmap export, progress export: Markdown checklists as a file."""

from __future__ import annotations

from bot.core import checklists, messages
from bot.core.app import Context
from bot.core.commands import command
from bot.core.replies import Attachment, Reply

G = "Progress"
MARKDOWN = "text/markdown"


@command("roadmap export", "Your roadmap as a Markdown checklist file", group=G)
def roadmap_export(ctx: Context) -> Reply:
    done = ctx.tx.progress.roadmap_done(ctx.user.pk)
    text = checklists.roadmap_markdown(ctx.bank, done, ctx.today)
    summary = checklists.steps_summary(ctx.bank, done)
    return Reply(
        title=messages.EXPORT_ROADMAP_TITLE,
        body=messages.EXPORT_MD_BODY.format(summary=summary),
        kind="export",
        attachment=Attachment(f"careerbot-roadmap-{ctx.today.isoformat()}.md", text, MARKDOWN),
    )


@command("progress export", "Your skills and roadmap as a Markdown checklist file", group=G)
def progress_export(ctx: Context) -> Reply:
    statuses = ctx.tx.progress.skill_statuses(ctx.user.pk)
    done = ctx.tx.progress.roadmap_done(ctx.user.pk)
    text = checklists.progress_markdown(ctx.bank, statuses, done, ctx.today)
    summary = f"{checklists.skills_summary(statuses)}; {checklists.steps_summary(ctx.bank, done)}"
    return Reply(
        title=messages.EXPORT_PROGRESS_TITLE,
        body=messages.EXPORT_MD_BODY.format(summary=summary),
        kind="export",
        attachment=Attachment(f"careerbot-progress-{ctx.today.isoformat()}.md", text, MARKDOWN),
    )
