"""Threads a store owns: its blocking driver calls run there, off the event loop.

``await workers.call(fn)`` queues ``fn`` and awaits its result, which the thread hands
back with ``loop.call_soon_threadsafe`` — public APIs only. A plain thread and a queue
rather than a ``ThreadPoolExecutor``: the same pattern without the executor's extra
future and locks, about half the cost per hop (a tenth of a command's). SQLite uses one
thread (its connection stays on the thread that made it); PostgreSQL several, one per
pooled connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import queue
import threading
from collections.abc import Callable
from typing import Any, TypeVar, cast

T = TypeVar("T")
_Job = tuple["asyncio.Future[Any]", Callable[[], Any]]


class Workers:
    """``n`` threads taking calls from one queue (each runs one call at a time)."""

    def __init__(self, n: int, name: str) -> None:
        self._jobs: queue.SimpleQueue[_Job | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(
                target=self._serve, name=name if n == 1 else f"{name}-{i}", daemon=True
            )
            for i in range(n)
        ]
        for thread in self._threads:
            thread.start()
        self._open = True

    @property
    def is_open(self) -> bool:
        return self._open

    def _serve(self) -> None:
        while (job := self._jobs.get()) is not None:
            future, fn = job
            try:
                result, error = fn(), None
            except BaseException as exc:  # handed back to the awaiting coroutine
                result, error = None, exc
            with contextlib.suppress(RuntimeError):  # a closed loop: nobody is waiting
                future.get_loop().call_soon_threadsafe(_settle, future, result, error)

    async def call(self, fn: Callable[[], T]) -> T:
        if not self._open:
            raise RuntimeError("the store is closed")
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._jobs.put((future, fn))
        return cast(T, await future)

    def stop(self) -> None:
        """Let each thread end after the calls queued before."""
        if self._open:
            self._open = False
            for _ in self._threads:
                self._jobs.put(None)


def _settle(future: asyncio.Future[Any], result: Any, error: BaseException | None) -> None:
    if future.cancelled():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)
