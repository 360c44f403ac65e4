"""Discord shards split across two ``careerbot run`` processes on one PostgreSQL database.

One fake Discord serves guilds on both shards of two; each process reaches it through
its own port (:meth:`FakeDiscord.listen`), so the port an answer came in on names the
process that sent it. Discord routes a guild's interactions to the connection of its
shard and DMs to shard 0: each process answers its own guild's interactions and only
those, and the DM is answered by the process running shard 0.
"""

from __future__ import annotations

from pathlib import Path

from tests.deploy.live import read_until, sigterm_and_time, start_bot
from tests.fakes.discord import GUILD_ID, FakeDiscord
from tests.storage.postgres_server import PgServer

ON_SHARD_1 = (7 << 22) + 123  # (guild_id >> 22) % 2 == 1
START = 60.0  # seconds; a hang guard only


async def test_two_processes_split_the_shards(tmp_path: Path, pg_server: PgServer) -> None:
    db = pg_server.fresh()
    async with FakeDiscord(guilds=[GUILD_ID, ON_SHARD_1]) as fake:
        ports = {0: fake.port, 1: await fake.listen()}

        def env(shard: int) -> dict[str, str]:
            return {
                "CAREERBOT_DB": db,
                "XDG_DATA_HOME": str(tmp_path / f"shard-{shard}"),  # its own heartbeat
                "DISCORD_TOKEN": fake.token,
                "DISCORD_API_URL": fake.api_url_at(ports[shard]),
                "DISCORD_GATEWAY_URL": fake.gateway_url_at(ports[shard]),
                "DISCORD_SHARD_COUNT": "2",
                "DISCORD_SHARD_IDS": str(shard),
            }

        procs, started = [], []
        try:
            for shard in (0, 1):  # one after the other: the first one migrates the database
                proc = await start_bot(env(shard), "--platform", "discord")
                procs.append(proc)
                started.append(await read_until(proc, "discord: connected as", START))
            assert sorted((i["shard"], i["port"]) for i in fake.identified) == [
                ([0, 2], ports[0]),
                ([1, 2], ports[1]),
            ]
            answered = {}
            for where in (GUILD_ID, ON_SHARD_1, None):
                iid = await fake.slash("career", "tip", guild=where, dm=where is None)
                callback = await fake.wait_callback(iid, wait=START)
                assert callback["type"] == 4
                answered[where] = callback["port"]
            assert answered == {GUILD_ID: ports[0], ON_SHARD_1: ports[1], None: ports[0]}
            assert not any("acknowledged" in reason for _, reason in fake.rejected)
            # only the process running shard 0 registered the commands
            puts = [(m, p) for m, p in fake.requests if m == "PUT"]
            assert puts == [("PUT", "/api/v10/applications/900/commands")]
        finally:
            outputs = [(await sigterm_and_time(proc))[0] for proc in procs]
        for out in started + outputs:
            assert "Traceback" not in out, out
        assert "connected as careerbot (shards 0 of 2)" in started[0]
        assert "connected as careerbot (shards 1 of 2)" in started[1]
        assert "commands are synced by the process running shard 0" in started[1]
