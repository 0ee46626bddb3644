"""The scale-out profile (deploy/): real PostgreSQL, Redis, nginx, two Rasa servers, two action servers.

bench/cluster.py starts them on spare ports with deploy/endpoints.scale.yml and deploy/nginx.conf as shipped
(only the ports changed). Needs `make scaleout-deps` (Debian's postgresql, redis-server, nginx) and the
model: a missing piece fails the test with the command to run, nothing is skipped. About two minutes.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from bench.cluster import Cluster, scale_lock_store

pytestmark = pytest.mark.scaleout

STUDIES = "quelles études pour devenir {} ?"
# Each answer names the job asked about (in the knowledge base or not), so an answer tells its question.
JOBS = ["directeur de communication", "chef de publicité", "directrice artistique", "graphiste", "photographe",
        "journaliste"]


@pytest.fixture(scope="module")
def cluster(kb_path, tmp_path_factory):
    running = Cluster(logs=tmp_path_factory.mktemp("scaleout-logs"), kb_path=kb_path).start()  # stops on failure
    try:
        yield running
    finally:
        running.stop()  # every process, and the temporary folder (PostgreSQL's data, nginx's files)


def texts(replies: list[dict]) -> str:
    return "\n".join(r.get("text", "") for r in replies)


def turns(cluster: Cluster, sender: str) -> list[tuple[str, list[str]]]:
    """The conversation as stored in PostgreSQL, in the store's order: (user message, [bot messages after it
    and before the next user message])."""
    out: list[tuple[str, list[str]]] = []
    for kind, event in cluster.events(sender):
        if kind == "user":
            out.append((event["text"], []))
        elif kind == "bot":
            assert out, f"message du bot avant tout message de l'élève : {event['text']!r}"
            out[-1][1].append(event["text"])
    return out


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, what
        time.sleep(0.1)
    return value


def burst(cluster: Cluster, sender: str, gap: float) -> tuple[ThreadPoolExecutor, list]:
    """Sends the JOBS questions of one sender through nginx, `gap` seconds apart, without waiting for answers."""
    pool = ThreadPoolExecutor(len(JOBS))
    futures = []
    for job in JOBS:
        futures.append(pool.submit(cluster.say, cluster.front, sender, STUDIES.format(job)))
        time.sleep(gap)
    return pool, futures


def assert_each_answer_is_about_its_job(job: str, answer: str) -> None:
    assert job in answer and not any(other in answer for other in JOBS if other != job), (job, answer)


def front_requests(cluster: Cluster, since: float, count: int) -> list[list[str]]:
    """The Rasa servers nginx tried for each message it received since `since` (its access log, written just
    after the answer is sent: waits for `count` lines)."""
    def rows():
        found = [row["upstreams"] for row in cluster.access_log()
                 if row["port"] == cluster.front_port and row["time"] >= since and row["uri"] == "/webhooks/rest/webhook"]
        return found if len(found) >= count else None
    return wait_for(rows, 10, f"journal de nginx : moins de {count} requêtes")


def assert_both_servers_served(cluster: Cluster, since: float) -> None:
    """nginx's log: the messages of the burst went to both Rasa servers (round robin)."""
    served = {upstreams[-1] for upstreams in front_requests(cluster, since, len(JOBS))}
    assert served == {url.removeprefix("http://") for url in cluster.rasa_urls}, served


def test_conversation_keeps_its_memory_across_servers(cluster):
    sender = f"scaleout-memoire-{uuid.uuid4().hex[:8]}"
    server_a, server_b = cluster.rasa_urls
    first = texts(cluster.say(server_a, sender, STUDIES.format("directeur de communication")))
    assert first.startswith("Pour devenir directeur de communication") and "Source : Onisep" in first
    # Server B has never seen this student: the job comes from the conversation kept in PostgreSQL.
    second = texts(cluster.say(server_b, sender, "et le niveau d'accès ?"))
    assert "directeur de communication" in second and "bac + 5" in second, second
    third = texts(cluster.say(cluster.front, sender, "et ses qualités ?"))
    assert "directeur de communication" in third and "Source : Onisep" in third, third

    stored = turns(cluster, sender)  # the three turns, whichever server took them, in PostgreSQL
    assert [user for user, _ in stored] == [STUDIES.format("directeur de communication"), "et le niveau d'accès ?",
                                            "et ses qualités ?"]
    assert ["\n".join(bots) for _, bots in stored] == [first, second, third]
    subject = [e["value"] for kind, e in cluster.events(sender) if kind == "slot" and e["name"] == "subject"]
    assert subject and subject[0], "le sujet de la conversation (slot « subject ») n'est pas dans PostgreSQL"


def test_concurrent_messages_are_queued_in_redis_and_answered_in_order(cluster):
    """Six messages of one sender, 0.1 s apart through nginx, while the test holds the conversation's lock
    (Rasa's ticket lock, in Redis, taken as a Rasa server would). So all six are waiting at once, on both
    servers: Redis then holds 1 + 6 tickets and PostgreSQL nothing from them. Once released, PostgreSQL must
    hold exactly user 1, its answer, user 2, its answer… in the order of sending: each server took its
    ticket when the message arrived (idle servers, 0.1 s apart: arrival order is send order) and a ticket
    lock serves tickets in order, one at a time, whichever server holds it."""
    sender = f"scaleout-ordre-{uuid.uuid4().hex[:8]}"
    store = cluster.lock_store()
    since = time.time()
    ticket = store.issue_ticket(sender)
    try:
        pool, futures = burst(cluster, sender, gap=0.1)
        waiting = wait_for(lambda: len((store.get_lock(sender) or store.create_lock(sender)).tickets) == 1 + len(JOBS),
                           30, "les six messages n'attendent pas tous dans le verrou Redis de la conversation")
        assert waiting and not turns(cluster, sender), "un message a été traité malgré le verrou tenu"
    finally:
        store.cleanup(sender, ticket)
    with pool:
        replies = [texts(future.result()) for future in futures]

    for job, reply in zip(JOBS, replies):
        assert_each_answer_is_about_its_job(job, reply)  # every HTTP reply answers its own question
    stored = turns(cluster, sender)
    assert [user for user, _ in stored] == [STUDIES.format(job) for job in JOBS]  # in the order of sending
    for job, reply, (_, bots) in zip(JOBS, replies, stored):
        assert "\n".join(bots) == reply  # its answer, stored right after it, before the next message
        assert_each_answer_is_about_its_job(job, reply)
    assert store.get_lock(sender) is None  # no ticket left behind
    assert_both_servers_served(cluster, since)


@pytest.mark.parametrize("round_", range(3))
def test_bursts_of_one_sender_are_handled_one_message_at_a_time(cluster, round_):
    """The same burst, 30 ms apart, without the test's help: messages reach the servers while the first
    ones are being processed. Every message must be answered (no stuck lock: an error after 60 s), with its
    own answer, and PostgreSQL must hold each message followed by its answer, never two messages handled at
    once. Their order is the order in which the servers took their tickets, not asserted here: a server busy
    with a message may take the next one's ticket a few milliseconds late."""
    sender = f"scaleout-rafale{round_}-{uuid.uuid4().hex[:8]}"
    since = time.time()
    pool, futures = burst(cluster, sender, gap=0.03)
    with pool:
        replies = [texts(future.result()) for future in futures]
    for job, reply in zip(JOBS, replies):
        assert_each_answer_is_about_its_job(job, reply)
    stored = turns(cluster, sender)
    assert sorted(user for user, _ in stored) == sorted(STUDIES.format(job) for job in JOBS)
    for user, bots in stored:
        job = next(job for job in JOBS if user == STUDIES.format(job))
        assert bots, f"« {user} » sans réponse enregistrée"
        assert_each_answer_is_about_its_job(job, "\n".join(bots))
    assert cluster.lock_store().get_lock(sender) is None  # no ticket left behind
    assert_both_servers_served(cluster, since)


def take_turns(redis_port: int, run: str, rounds: int, start, counters_db: int = 2) -> None:
    """In a child process, as a Rasa server would: for each round, 4 messages of one conversation take the
    lock of endpoints.scale.yml at once (polling every 20 ms), at the same moment as the other process's 4."""
    store, counters = scale_lock_store(redis_port), redis.Redis(host="127.0.0.1", port=redis_port, db=counters_db)

    async def message(conversation: str) -> None:
        async with store.lock(conversation, wait_time_in_seconds=0.02):
            if counters.incr(f"{run}:inside:{conversation}") != 1:
                counters.incr(f"{run}:overlaps")  # two messages of one conversation handled at once
            await asyncio.sleep(0.005)
            counters.decr(f"{run}:inside:{conversation}")
            counters.incr(f"{run}:served")

    async def main() -> None:
        start.wait()
        began = time.time()
        for k in range(rounds):
            await asyncio.sleep(max(0.0, began + 0.3 * k - time.time()))
            await asyncio.wait_for(asyncio.gather(*(message(f"{run}-{k}") for _ in range(4))), timeout=20)

    asyncio.run(main())


def test_lock_store_serialises_two_servers_under_contention(cluster):
    """The lock store of endpoints.scale.yml, hammered by two processes (two Rasa servers): 25 conversations,
    8 messages each at the same moment. Each message must get the lock (no LockError, no endless wait), alone.
    Rasa 3.6's own RedisLockStore fails this within a few rounds (RasaHQ/rasa#9213): its ticket changes
    (GET, change, SET) interleave between servers; bot.server.lock_store.AtomicRedisLockStore makes each atomic."""
    run, rounds = f"contention-{uuid.uuid4().hex[:8]}", 25
    context = multiprocessing.get_context("spawn")
    start = context.Barrier(2)
    workers = [context.Process(target=take_turns, args=(cluster.redis_port, run, rounds, start)) for _ in range(2)]
    for worker in workers:
        worker.start()
    try:
        for worker in workers:
            worker.join(120)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.kill()
                worker.join()
    assert [w.exitcode for w in workers] == [0, 0], "un processus a échoué (LockError ou attente sans fin)"
    counters = redis.Redis(host="127.0.0.1", port=cluster.redis_port, db=2)
    assert int(counters.get(f"{run}:overlaps") or 0) == 0, "deux messages d'une conversation traités à la fois"
    assert int(counters.get(f"{run}:served") or 0) == 2 * rounds * 4
    store = cluster.lock_store()
    assert not store.red.keys(f"{store.key_prefix}{run}-*"), "verrous laissés dans Redis"


def test_a_server_crash_loses_no_conversation(cluster):
    """Last test of the module: it kills the first Rasa server."""
    sender = f"scaleout-panne-{uuid.uuid4().hex[:8]}"
    server_a, server_b = cluster.rasa_urls
    first = texts(cluster.say(server_a, sender, STUDIES.format("directeur de communication")))
    assert first.startswith("Pour devenir directeur de communication")
    cluster.kill("rasa1")
    since = time.time()
    for question, expected in [("et le niveau d'accès ?", "bac + 5"), ("et ses qualités ?", "Source : Onisep"),
                               ("et le niveau d'accès ?", "bac + 5")]:
        reply = texts(cluster.say(cluster.front, sender, question))  # nginx retries on the other server
        assert "directeur de communication" in reply and expected in reply, reply
    tried = front_requests(cluster, since, 3)
    a, b = server_a.removeprefix("http://"), server_b.removeprefix("http://")
    assert [upstreams[-1] for upstreams in tried] == [b] * 3, tried  # all answered by B…
    assert any(upstreams == [a, b] for upstreams in tried), tried  # …one after nginx found A down (round robin)
    assert len(turns(cluster, sender)) == 4
