"""`orientation bench …`: the measuring tools, each registering its own sub-command."""

from __future__ import annotations

import argparse

from bench.benchmark import add_stack_command
from bench.catalogue import add_catalogue_commands
from bench.conversations import add_conversations_command
from bench.loadtest import add_load_command


def add_bench_commands(subparsers: argparse._SubParsersAction) -> None:
    bench = subparsers.add_parser("bench", help="mesures de performance").add_subparsers(dest="bench", required=True)
    add_catalogue_commands(bench)
    add_conversations_command(bench)
    add_load_command(bench)
    add_stack_command(bench)
