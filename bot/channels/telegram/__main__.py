"""`python -m bot.channels.telegram`: run the Telegram bot (long polling, or a webhook if TELEGRAM_WEBHOOK_URL is set).

Environment: TELEGRAM_BOT_TOKEN (required), RASA_URL, RASA_TIMEOUT, TELEGRAM_API_URL, TELEGRAM_SENDER_SALT,
TELEGRAM_WEBHOOK_URL, TELEGRAM_WEBHOOK_SECRET, TELEGRAM_WEBHOOK_PORT, TELEGRAM_WEBHOOK_LISTEN.
"""

from __future__ import annotations

import logging
import os
import sys

from bot.channels.telegram.settings import ConfigError, Settings
from bot.server.quiet import quiet


def main() -> int:
    quiet()
    logging.basicConfig(level=os.environ.get("TELEGRAM_LOG_LEVEL", "INFO"),
                        format="%(asctime)s %(name)s %(levelname)s %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per Bot API call, token in the URL
    try:
        settings = Settings.from_env(os.environ)
    except ConfigError as exc:
        print(f"Telegram : {exc}", file=sys.stderr)
        return 2
    from bot.channels.telegram.app import run  # imported late: a missing token is reported without loading PTB

    run(settings)
    return 0


if __name__ == "__main__":
    sys.exit(main())
