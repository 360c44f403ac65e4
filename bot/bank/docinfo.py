"""Title and source URL of a seed document, read from its first lines.

Scraped documents start with ``=== SCRAPED CONTENT FROM: <title> ===`` and a
``URL: <url>`` line; others have neither, and their first non-empty line is the title.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.bank.model import DocInfo

_HEADER = re.compile(r"^=+\s*SCRAPED CONTENT FROM:\s*(?P<title>.*?)\s*=*\s*$")
_URL = re.compile(r"^URL:\s*(?P<url>\S+)\s*$")


def parse_header(raw: str, name: str) -> DocInfo:
    lines = [line.strip() for line in raw.splitlines() if line.strip()]
    if not lines:
        return DocInfo(name=name, title=name, url=None)
    header = _HEADER.match(lines[0])
    if header is None:
        return DocInfo(name=name, title=lines[0][:200], url=None)
    url = None
    if len(lines) > 1 and (m := _URL.match(lines[1])):
        url = m.group("url")
    title = header.group("title").rstrip(". ").strip() or name
    return DocInfo(name=name, title=title, url=url)


def read_doc_infos(seeds: Path) -> dict[str, DocInfo]:
    """Every ``*.txt`` document in ``seeds`` by file name; empty when the folder is absent."""
    if not seeds.is_dir():
        return {}
    return {
        p.name: parse_header(p.read_text(encoding="utf-8", errors="replace"), p.name)
        for p in sorted(seeds.glob("*.txt"))
    }
