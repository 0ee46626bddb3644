"""The staff password: stored as a salted PBKDF2 hash, compared in constant time."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Optional

import yaml

ROOT = Path(__file__).resolve().parents[1]
ITERATIONS = 200_000


def hash_password(password: str, salt: Optional[bytes] = None) -> str:
    """« pbkdf2_sha256$iterations$salt$digest » (base64)."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, ITERATIONS)
    return "$".join(["pbkdf2_sha256", str(ITERATIONS), base64.b64encode(salt).decode(), base64.b64encode(digest).decode()])


def verify_password(password: str, stored: str) -> bool:
    try:
        scheme, iterations, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "pbkdf2_sha256":
        return False
    computed = hashlib.pbkdf2_hmac("sha256", password.encode(), base64.b64decode(salt), int(iterations))
    return hmac.compare_digest(computed, base64.b64decode(digest))


def configured_hash() -> Optional[str]:
    """The staff password hash: $STAFF_PASSWORD_HASH, else `console.mot_de_passe_hash` in orientation.yml,
    else a hash of $STAFF_PASSWORD (for development). None: the console is closed."""
    if os.environ.get("STAFF_PASSWORD_HASH"):
        return os.environ["STAFF_PASSWORD_HASH"]
    path = Path(os.environ.get("ORIENTATION_SETTINGS") or ROOT / "orientation.yml")
    data = (yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else None) or {}
    stored = (data.get("console") or {}).get("mot_de_passe_hash")
    if stored:
        return stored
    if os.environ.get("STAFF_PASSWORD"):
        return hash_password(os.environ["STAFF_PASSWORD"])
    return None


def cmd_console_hash(args) -> int:
    """Ask for the staff password twice and print its hash, to paste into orientation.yml."""
    import getpass

    first = getpass.getpass("Mot de passe du personnel : ")
    if len(first) < 10:
        print("Choisissez au moins 10 caractères.")
        return 1
    if getpass.getpass("Encore une fois : ") != first:
        print("Les deux saisies diffèrent.")
        return 1
    print(f'console:\n  mot_de_passe_hash: "{hash_password(first)}"')
    return 0


def add_console_commands(subparsers) -> None:
    console = subparsers.add_parser("console", help="console du personnel").add_subparsers(dest="console", required=True)
    console.add_parser("hash", help="calculer le hash du mot de passe").set_defaults(func=cmd_console_hash)
