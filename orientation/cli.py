"""Entry point of `orientation`: `kb …`, `bench …` (`bench load`, `bench stack`), `faq check …`, `rapport …`, `purge`."""

from __future__ import annotations

import argparse
import sys

from bot.benchmark import add_stack_command
from bot.loadtest import add_load_command
from knowledge.bench import add_bench_commands
from knowledge.cli import add_kb_commands, run
from staff.auth import add_console_commands
from staff.faq_check import add_faq_commands
from staff.purge import add_purge_command
from staff.report_cli import add_report_command


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="orientation", description="Assistant d'orientation : outils.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_kb_commands(subparsers)
    add_bench_commands(subparsers)
    add_load_command(subparsers)
    add_stack_command(subparsers)
    add_faq_commands(subparsers)
    add_report_command(subparsers)
    add_console_commands(subparsers)
    add_purge_command(subparsers)
    return run(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
