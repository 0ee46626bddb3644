"""`orientation purge [--jours N]`: delete the conversations whose last event is older than N days.

Works on Rasa's SQL tracker store of endpoints.yml (SQLite or PostgreSQL, through SQLAlchemy): table
`events` (sender_id, timestamp in Unix seconds). A conversation is deleted whole, and only when its *last*
event is older than the limit: a conversation with one recent event is kept entirely. N defaults to
`retention_jours` in orientation.yml (ORIENTATION_RETENTION_JOURS overrides it).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

import sqlalchemy as sa
import yaml

from .unanswered import engine_from_endpoints

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_RETENTION_DAYS = 90
CHUNK = 500  # senders per DELETE (bound parameters stay well under the limits of SQLite and PostgreSQL)


def retention_days() -> int:
    """$ORIENTATION_RETENTION_JOURS, else `retention_jours` in orientation.yml, else 90."""
    value = os.environ.get("ORIENTATION_RETENTION_JOURS")
    if not value:
        path = Path(os.environ.get("ORIENTATION_SETTINGS") or ROOT / "orientation.yml")
        data = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
        value = data.get("retention_jours", DEFAULT_RETENTION_DAYS)
    days = int(value)
    if days < 1:
        raise ValueError(f"retention_jours doit être un nombre de jours positif, pas {value!r}")
    return days


@dataclass(frozen=True)
class PurgeResult:
    conversations: int
    events: int
    cutoff: dt.datetime


def purge(engine: sa.engine.Engine, days: int, now: Optional[float] = None, dry_run: bool = False) -> PurgeResult:
    """Delete (or, with dry_run, count) the conversations whose last event is older than `days` days."""
    if days < 1:
        raise ValueError("la durée de conservation doit être d'au moins un jour")
    cutoff = (time.time() if now is None else now) - days * 86400
    when = dt.datetime.fromtimestamp(cutoff)
    if not sa.inspect(engine).has_table("events"):
        return PurgeResult(0, 0, when)
    events = sa.Table("events", sa.MetaData(), autoload_with=engine)
    old = (sa.select(events.c.sender_id).group_by(events.c.sender_id)
           .having(sa.func.max(events.c.timestamp) < cutoff))
    conversations = deleted = 0
    with engine.begin() as connection:
        if engine.dialect.name == "sqlite":
            connection.exec_driver_sql("PRAGMA secure_delete = ON")  # deleted text overwritten in the file
        senders = [row[0] for row in connection.execute(old)]
        if dry_run:
            count = sa.select(sa.func.count()).select_from(events).where(events.c.sender_id.in_(old))
            return PurgeResult(len(senders), connection.execute(count).scalar() or 0, when)
        recent = events.alias("recent")
        for start in range(0, len(senders), CHUNK):
            chunk = senders[start:start + CHUNK]
            # Checked again in the DELETE itself: a conversation that has just got a new message is kept.
            younger = sa.exists().where(recent.c.sender_id == events.c.sender_id, recent.c.timestamp >= cutoff)
            result = connection.execute(sa.delete(events).where(events.c.sender_id.in_(chunk), ~younger))
            deleted += result.rowcount
            left = connection.execute(sa.select(sa.func.count(sa.distinct(events.c.sender_id)))
                                      .where(events.c.sender_id.in_(chunk))).scalar() or 0
            conversations += len(chunk) - left
    return PurgeResult(conversations, deleted, when)


def cmd_purge(args: argparse.Namespace) -> int:
    try:
        days = args.jours or retention_days()
        result = purge(engine_from_endpoints(args.endpoints), days, dry_run=args.simulation)
    except ValueError as error:
        print(f"Erreur : {error}", file=sys.stderr)
        return 2
    except sa.exc.SQLAlchemyError as error:
        print(f"Erreur : le tracker store est illisible ({type(error).__name__}: {error})", file=sys.stderr)
        return 2
    verb = "à supprimer (simulation, rien n'est supprimé)" if args.simulation else "supprimée(s)"
    print(f"Conservation : {days} jour{'s' if days > 1 else ''} — conversations sans activité depuis le "
          f"{result.cutoff.strftime('%d/%m/%Y %H:%M')}")
    print(f"{result.conversations} conversation(s) {verb}, {result.events} événement(s)")
    return 0


def _days(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("nombre de jours attendu (au moins 1)")
    return value


def add_purge_command(subparsers: argparse._SubParsersAction) -> None:
    purge_parser = subparsers.add_parser("purge", help="supprimer les conversations trop anciennes")
    purge_parser.add_argument("--jours", type=_days, default=None,
                              help="conservation en jours (défaut : retention_jours de orientation.yml)")
    purge_parser.add_argument("--simulation", action="store_true", help="compter sans rien supprimer")
    purge_parser.add_argument("--endpoints", type=Path,
                              default=Path(os.environ.get("ORIENTATION_ENDPOINTS") or ROOT / "endpoints.yml"))
    purge_parser.set_defaults(func=cmd_purge)
