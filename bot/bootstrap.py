"""Assemble the core from settings: load the bank, open the database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.bank import load_bank
from bot.config import Settings
from bot.core.app import Clock, Core, utcnow
from bot.storage import open_store


@asynccontextmanager
async def open_core(settings: Settings, *, clock: Clock = utcnow) -> AsyncIterator[Core]:
    """The core with its bank loaded and its store migrated; closes the store on exit."""
    bank = load_bank(settings.tips_dir)
    store = await open_store(settings.db)
    try:
        yield Core(bank, store, clock=clock)
    finally:
        await store.close()
