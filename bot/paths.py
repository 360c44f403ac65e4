"""Where the bundled data lives.

The tip bank (``tips/``) and the seed documents (``seeds/``) sit at the top of a
checkout. ``bot/_data/tips`` and ``bot/_data/seeds`` are symlinks to them, and the
wheel ships their contents as package data, so one path works both from a checkout
and from a non-editable install.

A bank of your own (``CAREERBOT_TIPS_DIR``) may carry its documents in its own
``seeds/`` folder (the shipped documents and a team's: its career ladder, its stack);
:func:`seeds_for` finds them, for ``tips check`` and for the bot's source lines.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "_data"


def tips_dir() -> Path:
    return DATA_DIR / "tips"


def seeds_dir() -> Path:
    return DATA_DIR / "seeds"


def seeds_for(tips_dir: Path | None) -> Path:
    """The documents the bank in ``tips_dir`` quotes: its own ``seeds/`` folder when it
    has one, else the bundled seeds."""
    if tips_dir is not None and (tips_dir / "seeds").is_dir():
        return tips_dir / "seeds"
    return seeds_dir()
