"""Entry point of `orientation`: `kb …`, `bench …`, `faq check …`, `rapport …`, `console …`, `purge`.

The top of the import graph: each package registers its own sub-commands; the order does not matter."""

from __future__ import annotations

import argparse
import sys

from bench.cli import add_bench_commands
from bot.server.quiet import quiet
from bot.server.stack import private_stack
from knowledge.cli import add_kb_commands, run
from staff.auth import add_console_commands
from staff.faq_check import add_faq_commands
from staff.purge import add_purge_command
from staff.report_cli import add_report_command


def main(argv: list[str] | None = None) -> int:
    quiet()
    parser = argparse.ArgumentParser(prog="orientation", description="Assistant d'orientation : outils.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_kb_commands(subparsers)
    add_bench_commands(subparsers)
    add_faq_commands(subparsers, start_assistant=private_stack)
    add_report_command(subparsers)
    add_console_commands(subparsers)
    add_purge_command(subparsers)
    return run(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
