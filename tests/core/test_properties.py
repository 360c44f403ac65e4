"""Property-based: any text at all gets a reply (never an exception) and corrupts nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bank import Bank
from bot.core.app import Core
from bot.core.commands import REGISTRY, clean_text
from bot.core.errors import CareerbotError
from bot.core.requests import Request, User
from bot.storage import open_store
from tests.conftest import FakeClock

WORDS = st.sampled_from(
    [c.name for c in REGISTRY] + ["rust", "k8s", "t001", "confirm", "up", "3", "-1", "'", ";"]
)
TEXT = st.one_of(
    st.text(max_size=600),
    st.lists(st.one_of(WORDS, st.text(max_size=30)), max_size=6).map(" ".join),
)


@given(TEXT)
def test_parser_either_parses_or_raises_a_user_error(text: str) -> None:
    try:
        REGISTRY.parse(clean_text(text))
    except CareerbotError as err:
        assert err.message and "\n" not in err.message.strip()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(TEXT, min_size=1, max_size=8))
def test_core_answers_any_text_and_keeps_the_database_sound(
    tmp_path_factory: pytest.TempPathFactory, fixture_bank: Bank, texts: list[str]
) -> None:
    async def run() -> None:
        path = tmp_path_factory.mktemp("prop") / "p.db"
        store = await open_store(path)
        core = Core(fixture_bank, store, clock=FakeClock(datetime(2026, 5, 1, tzinfo=UTC)))
        user = User("console", "local", "fuzz")
        try:
            await core.respond(Request(user, "learn rust"))
            for text in texts:
                reply = await core.respond(Request(user, text))
                assert reply.title
                assert "Traceback" not in reply.plain_text()
            assert await store.integrity_check() == []
            other = await core.respond(Request(User("console", "local", "other"), "progress"))
            assert other.ok
        finally:
            await store.close()

    asyncio.run(run())
