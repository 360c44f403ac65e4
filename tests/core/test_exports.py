"""roadmap export / progress export (issue 14 item 6): Markdown checklists as a file."""

from __future__ import annotations

from bot.bank import Bank
from bot.core.commands import REGISTRY
from tests.conftest import Chat, FakeClock


async def test_roadmap_export_is_a_markdown_checklist(
    alice: Chat, fixture_bank: Bank, clock: FakeClock
) -> None:
    await alice("roadmap done 2")
    reply = await alice("roadmap export")
    assert reply.ok and reply.kind == "export" and reply.ephemeral
    att = reply.attachment
    assert att is not None and att.mime == "text/markdown"
    assert att.filename == f"careerbot-roadmap-{clock.now.date().isoformat()}.md"
    lines = att.content.splitlines()
    assert lines[0] == "# Roadmap to ML engineer"
    assert f"Exported from careerbot on {clock.now.date().isoformat()}." in lines
    tasks = [ln for ln in lines if ln.startswith("- [")]
    steps = fixture_bank.steps
    assert tasks == [f"- [{'x' if n == 2 else ' '}] {n}. {s.title}" for n, s in enumerate(steps, 1)]
    assert f"1 of {len(steps)} roadmap steps done" in reply.body
    # the console prints the file below the reply
    assert att.content.strip() in reply.plain_text()


async def test_progress_export_groups_the_users_skills(alice: Chat, fixture_bank: Bank) -> None:
    for text in ("learn rust", "done python", "learn kubernetes", "done pytorch", "roadmap done 1"):
        assert (await alice(text)).ok
    reply = await alice("progress export")
    att = reply.attachment
    assert att is not None and att.filename.startswith("careerbot-progress-")
    assert att.filename.endswith(".md")
    text = att.content
    assert text.startswith("# My ML engineering progress\n")
    assert "2 skills done, 2 learning" in text and "2 skills done, 2 learning" in reply.body
    skills = text.split("## Skills")[1].split("## Roadmap")[0]
    sections = {
        part.split("\n", 1)[0].strip(): [ln for ln in part.splitlines() if ln.startswith("- [")]
        for part in skills.split("### ")[1:]
    }

    def name(sid: str) -> str:
        return fixture_bank.skills[sid].name

    # one heading per category, done (checked) before learning (unchecked)
    assert sections["Languages"] == [f"- [x] {name('python')}", f"- [ ] {name('rust')}"]
    assert [ln for v in sections.values() for ln in v if "Kubernetes" in ln] == [
        f"- [ ] {name('kubernetes')}"
    ]
    assert f"- [x] {name('pytorch')}" in skills
    roadmap = text.split("## Roadmap to ML engineer")[1]
    assert f"- [x] 1. {fixture_bank.steps[0].title}" in roadmap


async def test_progress_export_without_skills_says_how_to_start(alice: Chat) -> None:
    reply = await alice("progress export")
    assert reply.attachment is not None
    assert "No skills on your list yet: add one with `learn <skill>`." in reply.attachment.content
    assert "0 skills done, 0 learning" in reply.body


async def test_exports_are_registry_commands_with_discord_slugs() -> None:
    for name in ("roadmap export", "progress export"):
        cmd = REGISTRY.get(name)
        assert cmd is not None and not cmd.button_only and cmd.group == "Progress"
        assert cmd.slug == name.replace(" ", "-")


async def test_extra_words_change_nothing(alice: Chat) -> None:
    bad = await alice("roadmap export now please")
    assert not bad.ok and "Too many words for 'roadmap export'" in bad.body
