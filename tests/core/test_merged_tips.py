"""A tip merged into another: what users saved, rated or were sent under the old id
follows it to the kept tip (``merged:`` in tips.yaml)."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.bank import Bank, load_bank
from bot.core.app import Core
from bot.storage import Store
from tests.conftest import FIXTURE_BANK, Chat, FakeClock

OLD_T031 = """
  - id: t031
    text: "Port a NumPy matrix routine to Rust's ndarray and benchmark the two versions."
    skills: [rust]
    source:
      doc: 000_771acf05c7e0b478.txt
      quote: "Leveraging Rust libraries for data science, such as ndarray and Polars ."
"""


def _banks(tmp_path: Path) -> tuple[Bank, Bank]:
    """The fixture bank before (with t031) and after t031 was merged into t005."""
    before, after = tmp_path / "before", tmp_path / "after"
    shutil.copytree(FIXTURE_BANK, before)
    shutil.copytree(FIXTURE_BANK, after)
    tips = (FIXTURE_BANK / "tips.yaml").read_text(encoding="utf-8").rstrip("\n") + "\n"
    (before / "tips.yaml").write_text(tips + OLD_T031, encoding="utf-8")
    (after / "tips.yaml").write_text(tips + "\nmerged:\n  t031: t005\n", encoding="utf-8")
    return load_bank(before), load_bank(after)


async def test_a_tip_saved_before_a_merge_shows_as_the_kept_tip(
    tmp_path: Path, store: Store, clock: FakeClock, alice: Chat
) -> None:
    old_bank, new_bank = _banks(tmp_path)
    old = Chat(Core(old_bank, store, clock=clock), alice.user)
    assert (await old("save t031")).ok
    await old("rate t031 down")

    new = Chat(Core(new_bank, store, clock=clock), alice.user)
    saved = await new("saved")
    assert [f.name.split(" ")[0] for f in saved.fields] == ["t005"]
    assert saved.fields[0].value.startswith(new_bank.tips["t005"].text)
    assert [b.command for b in saved.buttons if b.command.startswith("unsave")] == ["unsave t005"]

    # buttons on old messages still carry t031: they act on t005
    assert "t005" in (await new("save t031")).title
    assert "t005" in (await new("rate t031 up")).title
    assert [f.name.split(" ")[0] for f in (await new("saved")).fields] == ["t005"]

    # unsaving the kept tip clears the save made under the old id too
    await new("unsave t005")
    assert not (await new("saved")).fields


async def test_a_merged_tip_rated_unhelpful_keeps_the_kept_tip_out_of_rotation(
    tmp_path: Path, store: Store, clock: FakeClock, alice: Chat
) -> None:
    old_bank, new_bank = _banks(tmp_path)
    old = Chat(Core(old_bank, store, clock=clock), alice.user)
    assert (await old("rate t031 down")).ok

    new = Chat(Core(new_bank, store, clock=clock), alice.user)
    shown = [(await new("tip rust")).footer.split(" ")[0] for _ in range(4)]
    assert "t005" not in shown and set(shown) == {"t003"}
