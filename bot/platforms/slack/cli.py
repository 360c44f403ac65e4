"""Slack's part of the command line: ``careerbot run``'s HTTP-mode arguments."""

from __future__ import annotations

import argparse


def run_arguments(run: argparse.ArgumentParser) -> None:
    """``--http``, ``--host``, ``--port``: they reach the adapter as ``build`` options."""
    run.add_argument("--http", action="store_true", help="Slack HTTP mode (signing secret)")
    run.add_argument("--host", help="HTTP mode: address to bind")
    run.add_argument("--port", type=int, help="HTTP mode: port")
