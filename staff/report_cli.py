"""`orientation rapport --depuis 7j --sortie rapport.html`: unanswered questions from the tracker store."""

from __future__ import annotations

import argparse
import os
import re
import sys
from pathlib import Path

from .unanswered import engine_from_endpoints, report_html

ROOT = Path(__file__).resolve().parents[1]


def days(text: str) -> int:
    """« 7j », « 7 », « 2s » (semaines) → a number of days."""
    match = re.fullmatch(r"\s*(\d+)\s*([js]?)\s*", text.lower())
    if not match or int(match[1]) < 1:
        raise argparse.ArgumentTypeError("durée attendue : 7j, 30j, 2s…")
    return int(match[1]) * (7 if match[2] == "s" else 1)


def cmd_rapport(args: argparse.Namespace) -> int:
    try:
        engine = engine_from_endpoints(args.endpoints)
        html = report_html(engine, args.depuis)
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except Exception as error:  # noqa: BLE001 - a store that cannot be read is said plainly
        print(f"Erreur : le tracker store est illisible ({type(error).__name__}: {error})", file=sys.stderr)
        return 2
    args.sortie.parent.mkdir(parents=True, exist_ok=True)
    args.sortie.write_text(html, encoding="utf-8")
    print(f"Rapport écrit : {args.sortie}")
    return 0


def add_report_command(subparsers: argparse._SubParsersAction) -> None:
    report = subparsers.add_parser("rapport", help="questions sans réponse des derniers jours")
    report.add_argument("--depuis", type=days, default=7, help="période : 7j, 30j, 2s… (défaut 7j)")
    report.add_argument("--sortie", type=Path, default=Path("rapport.html"))
    report.add_argument("--endpoints", type=Path,
                        default=Path(os.environ.get("ORIENTATION_ENDPOINTS") or ROOT / "endpoints.yml"))
    report.set_defaults(func=cmd_rapport)
