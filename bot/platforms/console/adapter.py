"""The console adapter: an interactive chat (``careerbot console``) and one-shot ``say``."""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import BinaryIO, TextIO

from bot.core.app import Core
from bot.core.replies import Reply
from bot.core.requests import Request, User

PROMPT = "you> "
BYE = "Bye! Your progress is saved."
BAD_UTF8 = "That line is not valid UTF-8; please type it again."
WELCOME = "careerbot console: type 'help' for commands, 'quit' to leave."


def console_user(
    user_id: str | None = None, platform: str = "console", tenant: str = "local"
) -> User:
    uid = user_id or _login_name()
    return User(platform=platform, tenant=tenant, user_id=uid, display_name=uid)


def _login_name() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "me"


async def say(core: Core, user: User, text: str) -> Reply:
    return await core.respond(Request(user=user, text=text, is_dm=True))


async def chat(core: Core, user: User, stdin: BinaryIO, stdout: TextIO) -> int:
    """Read lines until 'quit' or EOF; answer each. Returns the exit status (0)."""
    interactive = stdin.isatty()
    stdout.write(WELCOME + "\n")
    while True:
        if interactive:
            stdout.write(PROMPT)
        stdout.flush()
        raw = await asyncio.to_thread(stdin.readline)
        if not raw:
            break
        try:
            line = raw.decode("utf-8").strip()
        except UnicodeDecodeError:
            stdout.write(BAD_UTF8 + "\n")
            continue
        if line.lower() in ("quit", "exit", "q"):
            break
        if not line:
            continue
        reply = await say(core, user, line)
        stdout.write(reply.plain_text() + "\n\n")
    stdout.write(BYE + "\n")
    stdout.flush()
    return 0


def stdin_bytes() -> BinaryIO:
    return sys.stdin.buffer
