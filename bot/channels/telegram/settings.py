"""The Telegram channel's settings, read from the environment (nothing is stored on disk)."""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from typing import Mapping, Optional
from urllib.parse import urlparse

DEFAULT_RASA_URL = "http://127.0.0.1:5005/webhooks/rest/webhook"
SECRET_TOKEN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")  # what Telegram accepts as a webhook secret


class ConfigError(ValueError):
    """A missing or invalid setting: `python -m bot.channels.telegram` prints it and exits with code 2."""


@dataclass(frozen=True)
class Webhook:
    url: str  # public HTTPS address Telegram posts to (a reverse proxy forwards it to listen:port)
    secret: str  # checked on every request (X-Telegram-Bot-Api-Secret-Token)
    listen: str
    port: int

    @property
    def path(self) -> str:
        return urlparse(self.url).path.strip("/")


@dataclass(frozen=True)
class Settings:
    token: str
    rasa_url: str = DEFAULT_RASA_URL
    rasa_timeout: float = 30.0
    api_url: Optional[str] = None  # Bot API base URL (PTB appends the token); None = api.telegram.org
    sender_salt: str = ""
    webhook: Optional[Webhook] = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Settings":
        token = env.get("TELEGRAM_BOT_TOKEN", "").strip()
        if not token:
            raise ConfigError("TELEGRAM_BOT_TOKEN n'est pas défini : donne le jeton fourni par @BotFather.")
        try:
            timeout = float(env.get("RASA_TIMEOUT", "30"))
        except ValueError:
            raise ConfigError("RASA_TIMEOUT doit être un nombre de secondes.") from None
        # Default: the local Rasa the launcher starts (on RASA_PORT, which it passes on to us).
        rasa_url = env.get("RASA_URL", "").strip() or DEFAULT_RASA_URL.replace("5005", env.get("RASA_PORT") or "5005")
        if urlparse(rasa_url).scheme not in ("http", "https"):
            raise ConfigError(f"RASA_URL doit être une adresse http(s) : {rasa_url!r}")
        return cls(
            token=token,
            rasa_url=rasa_url,
            rasa_timeout=timeout,
            api_url=env.get("TELEGRAM_API_URL", "").strip() or None,
            # The salt keeps raw chat ids out of Rasa's tracker store; by default the (secret) token.
            sender_salt=env.get("TELEGRAM_SENDER_SALT", "") or token,
            webhook=_webhook(env),
        )


def _webhook(env: Mapping[str, str]) -> Optional[Webhook]:
    url = env.get("TELEGRAM_WEBHOOK_URL", "").strip()
    if not url:
        return None
    if urlparse(url).scheme not in ("http", "https"):
        raise ConfigError(f"TELEGRAM_WEBHOOK_URL doit être une adresse https : {url!r}")
    # Without a configured secret, a random one per process: set_webhook sends it to Telegram at start.
    secret = env.get("TELEGRAM_WEBHOOK_SECRET", "").strip() or secrets.token_urlsafe(32)
    if not SECRET_TOKEN.match(secret):
        raise ConfigError("TELEGRAM_WEBHOOK_SECRET : 1 à 256 caractères parmi A-Z, a-z, 0-9, _ et -.")
    try:
        port = int(env.get("TELEGRAM_WEBHOOK_PORT", "8443"))
    except ValueError:
        raise ConfigError("TELEGRAM_WEBHOOK_PORT doit être un numéro de port.") from None
    listen = env.get("TELEGRAM_WEBHOOK_LISTEN", "").strip() or "127.0.0.1"
    return Webhook(url=url, secret=secret, listen=listen, port=port)
