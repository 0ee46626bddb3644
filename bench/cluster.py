"""The scale-out profile on one machine, on spare ports: for tests/bench/test_scaleout.py and for trying it out.

`python -m bench.cluster` starts, in the foreground (Ctrl-C stops everything):

- a throwaway PostgreSQL cluster (`initdb` in a temporary folder; run as the `postgres` account when we
  are root, since PostgreSQL refuses to run as root), with a database for the conversations;
- a Redis server without persistence (the lock store);
- two action servers (`python -m bot.server.actions_server`) and two Rasa servers (`python -m bot.server.rasa_server run`,
  i.e. `rasa run` with our patches; REST channel and the other channels of credentials.yml, no HTTP API),
  each with deploy/endpoints.scale.yml as shipped: ${POSTGRES_*} and ${REDIS_*} from the environment, the
  action endpoint being nginx; its lock store is bot.server.lock_store.AtomicRedisLockStore;
- nginx in the foreground with deploy/nginx.conf as shipped, only its ports changed: one address
  round-robining the Rasa servers, one round-robining the action servers.

So every Rasa server reaches every action server through nginx, as in production (deploy/README.md).
Needs Debian's postgresql, redis-server and nginx (`make scaleout-deps`) and the model (`make model`).
Everything started is stopped and the temporary folder removed by `stop()`, even after a failed start.
"""

from __future__ import annotations

import grp
import json
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Optional

from rasa.core.lock_store import RedisLockStore

from bot.server.rasa_server import command as rasa_command
from bot.server.stack import free_port
from knowledge.conversation import tool_sender

ROOT = Path(__file__).resolve().parents[1]
MODEL = ROOT / "models" / "orientation.tar.gz"
DEPLOY = ROOT / "deploy"
BIN = Path(sys.executable).parent
DB_USER, DB_NAME = "orientation", "orientation"
MISSING = "lancez « make scaleout-deps » (apt-get install postgresql redis-server nginx)"


def scale_lock_store(redis_port: int, host: str = "127.0.0.1") -> RedisLockStore:
    """The lock store of deploy/endpoints.scale.yml (its class, db and key prefix) on a given Redis."""
    import yaml
    from rasa.shared.utils.common import class_from_module_path

    config = yaml.safe_load((DEPLOY / "endpoints.scale.yml").read_text())["lock_store"]
    kind = config.get("type", "redis")
    store_class = RedisLockStore if kind == "redis" else class_from_module_path(kind)
    return store_class(host=host, port=redis_port, db=config.get("db", 1), key_prefix=config.get("key_prefix"))


def postgres_bindir() -> Path:
    """The newest Debian PostgreSQL server binaries (/usr/lib/postgresql/<version>/bin), or $PG_BINDIR."""
    candidates = [Path(os.environ["PG_BINDIR"]) / "postgres"] if os.environ.get("PG_BINDIR") else \
        Path("/usr/lib/postgresql").glob("*/bin/postgres")
    found = [p.parent for p in candidates if p.exists() and (p.parent / "initdb").exists()]
    if not found:
        raise RuntimeError(f"PostgreSQL (initdb, postgres) introuvable dans {os.environ.get('PG_BINDIR') or '/usr/lib/postgresql'} : "
                           f"{MISSING}")
    return max(found, key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.name)] or [0])


def executable(name: str) -> str:
    path = shutil.which(name) or next((str(p) for p in (Path("/usr/sbin") / name, Path("/usr/bin") / name)
                                       if p.exists()), None)
    if not path:
        raise RuntimeError(f"{name} introuvable : {MISSING}")
    return path


def unprivileged_account() -> Optional[pwd.struct_passwd]:
    """The account PostgreSQL runs as when we are root (it refuses root); None when we are not root."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("ni compte « postgres » ni « nobody » : impossible de lancer PostgreSQL sans root")


def tail(path: Path, lines: int = 25) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(pas de journal)"


class Cluster:
    """PostgreSQL, Redis, `actions` action servers, `rasa` Rasa servers and nginx on spare ports."""

    def __init__(self, logs: Optional[Path] = None, kb_path: Optional[Path] = None, rasa: int = 2,
                 actions: int = 2, model: Optional[Path] = None) -> None:
        self.model = Path(model or os.environ.get("ORIENTATION_MODEL") or MODEL)
        self.kb_path = kb_path
        self.run_dir = Path(tempfile.mkdtemp(prefix="orientation-scaleout-"))
        self.run_dir.chmod(0o711)  # PostgreSQL's account and nginx's workers go through it
        self.logs = Path(logs) if logs else self.run_dir / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self.pg_port, self.redis_port, self.front_port, self.actions_front_port = (free_port() for _ in range(4))
        self.rasa_ports = [free_port() for _ in range(rasa)]
        self.actions_ports = [free_port() for _ in range(actions)]
        self.pg_password = secrets.token_hex(16)
        self.procs: dict[str, subprocess.Popen] = {}
        self._stop_signal: dict[str, int] = {}
        self.started_in: Optional[float] = None

    # -- addresses ---------------------------------------------------------------------------------
    @property
    def front(self) -> str:
        """nginx: the one address of the Rasa servers."""
        return f"http://127.0.0.1:{self.front_port}"

    @property
    def rasa_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    @property
    def actions_front(self) -> str:
        return f"http://127.0.0.1:{self.actions_front_port}/webhook"

    def env(self) -> dict[str, str]:
        """The environment of the Rasa servers (deploy/endpoints.scale.yml reads these ${…})."""
        env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "POSTGRES_HOST": "127.0.0.1",
               "POSTGRES_PORT": str(self.pg_port), "POSTGRES_USER": DB_USER,
               "POSTGRES_PASSWORD": self.pg_password, "POSTGRES_DB": DB_NAME, "REDIS_HOST": "127.0.0.1",
               "REDIS_PORT": str(self.redis_port)}
        if self.kb_path:
            env["ORIENTATION_KB"] = str(self.kb_path)
        env.pop("TELEGRAM_BOT_TOKEN", None)
        return env

    # -- processes ---------------------------------------------------------------------------------
    def _spawn(self, name: str, cmd: list[str], stop_signal: int = signal.SIGTERM, **kwargs) -> subprocess.Popen:
        log = open(self.logs / f"{name}.log", "ab")
        try:
            proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                    start_new_session=True, **{"cwd": ROOT, **kwargs})
        finally:
            log.close()
        self.procs[name], self._stop_signal[name] = proc, stop_signal
        return proc

    def _wait(self, what: str, ready: Callable[[], bool], names: list[str], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while True:
            for name in names:
                if self.procs[name].poll() is not None:
                    raise RuntimeError(f"{name} s'est arrêté (code {self.procs[name].returncode}) ; "
                                       f"{self.logs / (name + '.log')} :\n{tail(self.logs / (name + '.log'))}")
            try:
                if ready():
                    return
            except Exception:  # noqa: BLE001 - not ready yet
                pass
            if time.monotonic() > deadline:
                logs = "\n".join(f"--- {n} ---\n{tail(self.logs / (n + '.log'))}" for n in names)
                raise TimeoutError(f"{what} : pas prêt après {timeout:.0f} s\n{logs}")
            time.sleep(0.3)

    @staticmethod
    def _http_ok(url: str) -> bool:
        with urllib.request.urlopen(url, timeout=3) as response:
            return response.status == 200

    def start(self, timeout: float = 420) -> "Cluster":
        """Starts everything (Rasa servers in parallel) and waits until each answers; stops all on failure."""
        began = time.monotonic()
        try:
            if not self.model.exists():
                raise RuntimeError(f"modèle absent ({self.model}) : lancez « make model »")
            pg_bin, redis, nginx = postgres_bindir(), executable("redis-server"), executable("nginx")
            self._start_postgres(pg_bin)
            self._wait_postgres(timeout=60)  # and its database exists before any Rasa server connects
            self._spawn("redis", [redis, "--port", str(self.redis_port), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no", "--dir", str(self.run_dir), "--daemonize", "no"])
            for i, port in enumerate(self.actions_ports):
                self._spawn(f"actions{i + 1}", [str(BIN / "python"), "-m", "bot.server.actions_server", "--port", str(port)],
                            env=self.env())
            endpoints = self._write_endpoints()
            for i, port in enumerate(self.rasa_ports):
                self._spawn(f"rasa{i + 1}", rasa_command(BIN / "python", "run", "--model", str(self.model),
                                                         "--port", str(port), "--interface", "127.0.0.1",
                                                         "--endpoints", str(endpoints),
                                                         "--credentials", str(ROOT / "credentials.yml")),
                            stop_signal=signal.SIGINT, env=self.env())
            self._spawn("nginx", [nginx, "-e", str(self.logs / "nginx-error.log"), "-p", str(self.run_dir / "nginx"),
                                  "-c", str(self._write_nginx_conf())], stop_signal=signal.SIGQUIT)
            self._wait("redis", lambda: self._redis().ping(), ["redis"], 30)
            self._wait("nginx", lambda: socket.create_connection(("127.0.0.1", self.front_port), 1).close() is None,
                       ["nginx"], 30)
            for i, port in enumerate(self.actions_ports):
                self._wait(f"serveur d'actions {i + 1}", lambda p=port: self._http_ok(f"http://127.0.0.1:{p}/health"),
                           [f"actions{i + 1}"], 120)
            rasa_names = [f"rasa{i + 1}" for i in range(len(self.rasa_ports))]
            self._wait("serveurs Rasa", lambda: all(self._http_ok(url + "/") for url in self.rasa_urls), rasa_names,
                       max(60.0, timeout - (time.monotonic() - began)))
            # First turn of each server (TensorFlow warms up), in parallel, through the action servers.
            with ThreadPoolExecutor(len(self.rasa_urls)) as pool:
                replies = list(pool.map(lambda u: self.say(u, tool_sender(f"ping-scaleout-{secrets.token_hex(4)}"), "bonjour", 120),
                                        self.rasa_urls))
            assert all(replies), f"un serveur Rasa n'a pas répondu à « bonjour » : {replies}"
            self._wait("nginx → Rasa", lambda: self._http_ok(self.front + "/"), ["nginx"], 30)
        except BaseException:
            self.stop()
            raise
        self.started_in = time.monotonic() - began
        return self

    def _start_postgres(self, pg_bin: Path) -> None:
        account = unprivileged_account()
        pg_dir = self.run_dir / "pg"
        pg_dir.mkdir()
        password_file = pg_dir / "password"
        password_file.write_text(self.pg_password + "\n")
        demote: dict = {}
        if account:
            for path in (pg_dir, password_file):
                os.chown(path, account.pw_uid, account.pw_gid)
            demote = {"user": account.pw_uid, "group": account.pw_gid, "extra_groups": []}
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(pg_dir), "LC_ALL": "C",
               "LANG": "C"}
        init = subprocess.run([str(pg_bin / "initdb"), "-D", str(pg_dir / "data"), "-U", DB_USER, "--pwfile",
                               str(password_file), "--auth", "scram-sha-256", "-E", "UTF8", "--no-locale",
                               "--no-sync"], cwd=pg_dir, env=env, capture_output=True, text=True, **demote)
        password_file.unlink()
        (self.logs / "initdb.log").write_text(init.stdout + init.stderr)
        if init.returncode:
            raise RuntimeError(f"initdb a échoué (code {init.returncode}) :\n{init.stdout}{init.stderr}")
        self._spawn("postgres", [str(pg_bin / "postgres"), "-D", str(pg_dir / "data"), "-p", str(self.pg_port),
                                 "-k", str(pg_dir), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
                    stop_signal=signal.SIGINT, cwd=pg_dir, env=env, **demote)  # SIGINT: fast shutdown

    def _wait_postgres(self, timeout: float) -> None:
        import psycopg2

        self._wait("PostgreSQL", lambda: self.connect("postgres").close() is None, ["postgres"], timeout)
        connection = self.connect("postgres")
        try:
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(f"CREATE DATABASE {DB_NAME}")  # as `createdb` would in production
        except psycopg2.errors.DuplicateDatabase:
            pass
        finally:
            connection.close()

    def connect(self, db: str = DB_NAME):
        """A psycopg2 connection to the conversation database (the caller closes it)."""
        import psycopg2

        return psycopg2.connect(host="127.0.0.1", port=self.pg_port, user=DB_USER, password=self.pg_password,
                                dbname=db, connect_timeout=3)

    def _redis(self):
        import redis

        return redis.Redis(host="127.0.0.1", port=self.redis_port, socket_timeout=3)

    def _write_endpoints(self) -> Path:
        """deploy/endpoints.scale.yml as shipped, only the port of the action servers' nginx changed."""
        text = (DEPLOY / "endpoints.scale.yml").read_text()
        if text.count("127.0.0.1:5054") != 1:
            raise RuntimeError("deploy/endpoints.scale.yml : action_endpoint 127.0.0.1:5054 attendu une fois")
        path = self.run_dir / "endpoints.yml"
        path.write_text(text.replace("127.0.0.1:5054", f"127.0.0.1:{self.actions_front_port}"))
        return path

    def _write_nginx_conf(self) -> Path:
        """A main nginx.conf (foreground, files in the run folder) including deploy/nginx.conf, ports changed."""
        site = (DEPLOY / "nginx.conf").read_text()
        ports = {"8080": self.front_port, "5054": self.actions_front_port,
                 **{str(5005 + i): p for i, p in enumerate(self.rasa_ports)},
                 **{str(5055 + i): p for i, p in enumerate(self.actions_ports)}}
        for old, new in ports.items():
            if len(re.findall(rf"127\.0\.0\.1:{old}\b", site)) != 1:
                raise RuntimeError(f"deploy/nginx.conf : 127.0.0.1:{old} attendu une fois")
            site = re.sub(rf"127\.0\.0\.1:{old}\b", f"127.0.0.1:{new}", site)
        prefix = self.run_dir / "nginx"
        prefix.mkdir(mode=0o755)
        (prefix / "orientation.conf").write_text(site)
        user = ""
        if os.geteuid() == 0:  # the workers drop root; Debian has no "nobody" group, name one that exists
            account = next(pwd.getpwnam(n) for n in ("www-data", "nobody") if n in {p.pw_name for p in pwd.getpwall()})
            user = f"user {account.pw_name} {grp.getgrgid(account.pw_gid).gr_name};"
        temp = "\n".join(f"    {kind}_temp_path {prefix / kind};" for kind in
                         ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        conf = prefix / "nginx.conf"
        conf.write_text(f"""daemon off;
worker_processes 1;
pid {prefix / 'nginx.pid'};
error_log {self.logs / 'nginx-error.log'} notice;
{user}
events {{ worker_connections 512; }}
http {{
    log_format upstreams '$msec $server_port $request_method $request_uri $status upstream=$upstream_addr';
    access_log {self.logs / 'nginx-access.log'} upstreams;
{temp}
    include {prefix / 'orientation.conf'};
}}
""")
        return conf

    # -- talking -----------------------------------------------------------------------------------
    def say(self, base: str, sender: str, text: str, timeout: float = 90) -> list[dict]:
        """The bot messages answering `text` from `sender`, posted to the REST channel of `base`."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(f"{base}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return json.loads(response.read())
        except urllib.error.HTTPError as error:
            raise AssertionError(f"{base} : HTTP {error.code} {error.read()[:300]!r} pour « {text} »") from None

    def events(self, sender: str) -> list[tuple[str, dict]]:
        """(type, event) of a conversation, in the order of the tracker store (its ids)."""
        connection = self.connect()
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id", (sender,))
                return [(kind, json.loads(data)) for kind, data in cursor.fetchall()]
        finally:
            connection.close()

    def lock_store(self) -> RedisLockStore:
        """The servers' lock store, on this cluster's Redis."""
        return scale_lock_store(self.redis_port)

    def access_log(self) -> list[dict]:
        """nginx's access log: time, port (front or action servers'), URI, status, upstream(s) tried."""
        rows = []
        for line in tail(self.logs / "nginx-access.log", 100_000).splitlines():
            parts = line.split(" ", 5)
            if len(parts) == 6:
                rows.append({"time": float(parts[0]), "port": int(parts[1]), "uri": parts[3],
                             "status": int(parts[4]), "upstreams": parts[5].removeprefix("upstream=").split(", ")})
        return rows

    def kill(self, name: str) -> None:
        """Kills a process (and its group) at once, as a crash would: SIGKILL."""
        proc = self.procs[name]
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)

    def stop(self) -> None:
        """Stops every process started (nginx and Rasa first, PostgreSQL last), then removes the run folder."""
        for name in reversed(list(self.procs)):
            proc = self.procs[name]
            if proc.poll() is None:
                try:
                    os.killpg(proc.pid, self._stop_signal[name])
                except ProcessLookupError:
                    pass
        for name, proc in reversed(list(self.procs.items())):
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                pass
            try:  # anything left in its group (or the group of a process that was stopped already)
                os.killpg(proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
            proc.wait(timeout=30)
        shutil.rmtree(self.run_dir, ignore_errors=True)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> int:
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench.cluster", description=__doc__.splitlines()[0])
    parser.add_argument("--logs", type=Path, help="dossier des journaux (par défaut : dans le dossier temporaire)")
    args = parser.parse_args()
    os.environ.setdefault("RASA_TELEMETRY_ENABLED", "false")
    cluster = Cluster(logs=args.logs)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        cluster.start()
        print(f"Profil scale-out prêt en {cluster.started_in:.0f} s : {cluster.front}/webhooks/rest/webhook "
              f"(nginx) → Rasa {', '.join(cluster.rasa_urls)} ; PostgreSQL 127.0.0.1:{cluster.pg_port}, "
              f"Redis 127.0.0.1:{cluster.redis_port} ; journaux : {cluster.logs}. Ctrl-C pour arrêter.", flush=True)
        while all(p.poll() is None for p in cluster.procs.values()):
            time.sleep(1)
        print("Un processus s'est arrêté : arrêt de l'ensemble.", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
