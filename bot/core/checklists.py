"""Markdown checklists of a user's roadmap and skills (``roadmap export``,
``progress export``): GitHub-style task lists (``- [x] …``) that render in GitHub,
Obsidian, Notion and most Markdown editors, and read fine as plain text."""

from __future__ import annotations

from collections.abc import Mapping, Set
from datetime import date

from bot.bank.model import CATEGORIES, Bank
from bot.core import messages


def roadmap_lines(bank: Bank, done: Set[str]) -> list[str]:
    """One task per roadmap step, numbered as ``roadmap`` numbers them."""
    lines: list[str] = []
    for n, step in enumerate(bank.steps, 1):
        mark = "x" if step.id in done else " "
        lines.append(f"- [{mark}] {n}. {step.title}")
        lines.append(f"  {messages.EXPORT_MD_DONE_WHEN.format(text=step.done_when)}")
    return lines


def steps_summary(bank: Bank, done: Set[str]) -> str:
    finished = sum(1 for s in bank.steps if s.id in done)
    return messages.EXPORT_MD_STEPS.format(done=finished, total=len(bank.steps))


def skills_summary(statuses: Mapping[str, str]) -> str:
    values = list(statuses.values())
    return messages.EXPORT_MD_SKILLS.format(
        done=values.count("done"), learning=values.count("learning")
    )


def skill_lines(bank: Bank, statuses: Mapping[str, str]) -> list[str]:
    """The user's skills by category (the bank's order), done first, then learning."""
    lines: list[str] = []
    for category in CATEGORIES:
        mine = [
            (statuses[s.id] != "done", s.name.lower(), s.name)
            for s in bank.skills.values()
            if s.category == category and s.id in statuses
        ]
        if not mine:
            continue
        lines += ["", f"### {messages.EXPORT_MD_CATEGORY.get(category, category)}", ""]
        lines += [f"- [{' ' if open_ else 'x'}] {name}" for open_, _, name in sorted(mine)]
    return lines or ["", messages.EXPORT_MD_NO_SKILLS]


def roadmap_markdown(bank: Bank, done: Set[str], today: date) -> str:
    head = [
        f"# {messages.EXPORT_MD_ROADMAP}",
        "",
        messages.EXPORT_MD_EXPORTED.format(date=today.isoformat()),
        f"{steps_summary(bank, done)}.",
        "",
    ]
    return "\n".join(head + roadmap_lines(bank, done)) + "\n"


def progress_markdown(
    bank: Bank, statuses: Mapping[str, str], done_steps: Set[str], today: date
) -> str:
    head = [
        f"# {messages.EXPORT_MD_PROGRESS}",
        "",
        messages.EXPORT_MD_EXPORTED.format(date=today.isoformat()),
        f"{skills_summary(statuses)}; {steps_summary(bank, done_steps)}.",
        "",
        f"## {messages.EXPORT_MD_SKILLS_HEADING}",
    ]
    roadmap = ["", f"## {messages.EXPORT_MD_ROADMAP}", ""] + roadmap_lines(bank, done_steps)
    return "\n".join(head + skill_lines(bank, statuses) + roadmap) + "\n"
