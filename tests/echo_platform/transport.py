"""The echo platform's transport: two JSON-lines files, read and appended."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

INBOX = "in.jsonl"
OUTBOX = "out.jsonl"


class Transport:
    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self._offset = 0  # bytes of in.jsonl already read

    @property
    def inbox(self) -> Path:
        return self.dir / INBOX

    @property
    def outbox(self) -> Path:
        return self.dir / OUTBOX

    def open(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        self.inbox.touch()
        self.outbox.touch()

    def receive(self) -> list[dict[str, Any]]:
        """The whole lines appended to in.jsonl since the last call."""
        with self.inbox.open("rb") as f:
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1  # a line still being written waits for next time
        self._offset += end
        return [json.loads(line) for line in data[:end].splitlines() if line.strip()]

    def send(self, event: dict[str, Any]) -> None:
        with self.outbox.open("a", encoding="utf-8") as f:
            f.write(json.dumps(event, ensure_ascii=False) + "\n")

    def sent(self) -> list[dict[str, Any]]:
        text = self.outbox.read_text(encoding="utf-8") if self.outbox.exists() else ""
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    def post(self, user: str, text: str) -> None:
        """What a user types (the test's side of the transport)."""
        with self.inbox.open("a", encoding="utf-8") as f:
            f.write(json.dumps({"user": user, "text": text}) + "\n")
