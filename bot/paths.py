"""Where the bundled data lives.

The tip bank (``tips/``) and the seed documents (``seeds/``) sit at the top of a
checkout. ``bot/_data/tips`` and ``bot/_data/seeds`` are symlinks to them, and the
wheel ships their contents as package data, so one path works both from a checkout
and from a non-editable install.
"""

from __future__ import annotations

from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "_data"


def tips_dir() -> Path:
    return DATA_DIR / "tips"


def seeds_dir() -> Path:
    return DATA_DIR / "seeds"
