"""`python -m bot.server.actions_server`: the rasa-sdk action server, bound to loopback.

rasa-sdk's own command (`python -m rasa_sdk`) listens on every interface (0.0.0.0): anyone who can reach
the machine could run the actions with a forged tracker. Only Rasa, on the same machine, calls this
server, so it listens on 127.0.0.1 (port ACTIONS_PORT, 5055 by default). No CORS: browsers never call it.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys

from bot.server.quiet import quiet

HOST = "127.0.0.1"


def main(argv: list[str] | None = None) -> int:
    quiet()
    parser = argparse.ArgumentParser(prog="python -m bot.server.actions_server", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("ACTIONS_PORT", "5055")))
    parser.add_argument("--actions", default="actions", help="paquet des actions (par défaut : actions)")
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    from rasa_sdk import utils
    from rasa_sdk.endpoint import create_app
    from rasa_sdk.plugin import plugin_manager

    utils.update_sanic_log_level()
    app = create_app(args.actions, cors_origins=None)
    plugin_manager().hook.attach_sanic_app_extensions(app=app)
    logging.getLogger("orientation.actions").info("Serveur d'actions : http://%s:%s/webhook", HOST, args.port)
    app.run(host=HOST, port=args.port, workers=1, access_log=False, motd=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
