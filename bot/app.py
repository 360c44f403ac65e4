"""Assembles the core in one place: the tip bank, the store and :class:`~bot.core.app.Core`.

``careerbot console``, ``careerbot say`` and ``careerbot run`` all enter
:func:`open_core`; nothing else builds a ``Core`` from settings.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from bot.bank import load_bank
from bot.config import Settings
from bot.core.app import Clock, Core, utcnow
from bot.core.errors import StoreError
from bot.core.ports import Store
from bot.storage import open_store

log = logging.getLogger(__name__)


@asynccontextmanager
async def open_core(
    settings: Settings, *, clock: Clock = utcnow, close_timeout: float | None = None
) -> AsyncIterator[Core]:
    """The core with its bank loaded and its store migrated; closes the store on exit.

    Raises :class:`~bot.bank.BankError` (the bank is invalid) or
    :class:`~bot.core.errors.StoreError` (the database cannot be opened), each with a
    one-line reason, before yielding. Closing the store on exit is given
    ``close_timeout`` seconds (None: no limit); a failure there is logged, not raised.
    """
    bank = load_bank(settings.tips_dir)
    store = await _open_store(settings.db)
    try:
        yield Core(bank, store, clock=clock)
    finally:
        await _close(store, close_timeout)


async def _open_store(location: str) -> Store:
    try:
        return await open_store(location)
    except StoreError:
        raise
    except Exception as exc:  # unreadable file, newer schema, disk full, ...
        log.debug("opening the database failed", exc_info=True)
        raise StoreError(f"cannot open the database: {exc}") from exc


async def _close(store: Store, limit: float | None) -> None:
    try:
        await asyncio.wait_for(store.close(), timeout=limit)
    except TimeoutError:
        log.error("closing the database took longer than %.1f s; moving on", limit)
    except Exception:
        log.exception("closing the database failed")
