"""The national base against the documents alone in the stack benchmark (bench/benchmark.py, issue 15 part 7):
the questions both runs play, the three targets and their table. Nothing is started nor timed here."""

from __future__ import annotations

import json

import pytest
import yaml

from bench.benchmark import (
    MAX_NATIONAL_EXTRA_COLD_START_S,
    MAX_NATIONAL_EXTRA_RSS_MB,
    MAX_NATIONAL_P50_RATIO,
    TECHNICAL_HICCUP,
    Script,
    Turn,
    answered_as_expected,
    answered_figures,
    comparison_scripts,
    compute_targets,
    conversation_scripts,
    documents_manifest,
    documents_store,
    faq_scripts,
    finish,
    judge_scripts,
    new_document,
    render_table,
    reply_text,
    store_info,
)

pytestmark = pytest.mark.unit

CSV = """\ufeffquestion;attendu;interdit;conversation
que fait un dircom ?;élabore la stratégie;;
combien gagne un plombier débutant ?;1800;ne contient pas;
bonjour;Bonjour;;
parle-moi du titre cross média;RNCP35746;;c2
qui la délivre ?;INSTITUT PROMOTION FORMATION|LEARNING;;c2
c'est quoi le métier de cadreur ?;prise de vues;;c5
quel est son statut ?;intermittent;;c5
quel niveau pour le titre 360 ?;niveau 6;;
"""


def _faq(tmp_path) -> list[Script]:
    path = tmp_path / "faq.csv"
    path.write_text(CSV, encoding="utf-8")
    return faq_scripts(path, size=2)


def _answer(text: str, *buttons: str) -> list[dict]:
    return [{"recipient_id": "x", "text": text, "buttons": [{"title": b, "payload": "/x"} for b in buttons]}]


def test_faq_scripts_keep_each_questions_expectations(tmp_path) -> None:
    faq = _faq(tmp_path)
    assert [s.follow_ups for s in faq] == [True, True, False, False]
    assert faq[0].turns[1] == Turn("qui la délivre ?", ("INSTITUT PROMOTION FORMATION", "LEARNING"))
    assert faq[2].turns == (Turn("que fait un dircom ?", ("élabore la stratégie",)),
                            Turn("combien gagne un plombier débutant ?", ("1800",), ("ne contient pas",)))
    assert faq[3].questions == ("quel niveau pour le titre 360 ?",)  # the byte-order mark is no header
    assert conversation_scripts(tmp_path / "faq.csv", size=2) == [s.questions for s in faq]


def test_an_answer_is_judged_as_the_faq_check_judges_it() -> None:
    turn = Turn("qui délivre le titre ?", ("Institut promotion", "bac + 5"), ("ISEFAC",))
    assert answered_as_expected(turn, _answer("L'INSTITUT PROMOTION formation, niveau Bac+5."))
    assert answered_as_expected(turn, _answer("Laquelle ?", "Institut Promotion", "Bac + 5"))  # button titles too
    assert not answered_as_expected(turn, _answer("Institut promotion, bac + 5, ou ISEFAC"))  # forbidden item
    assert not answered_as_expected(turn, _answer("Je ne connais pas ce titre."))  # an item missing
    assert not answered_as_expected(Turn("x"), [{"recipient_id": "x", "text": TECHNICAL_HICCUP}])
    assert not answered_as_expected(Turn("x"), None)  # the request failed
    assert answered_as_expected(Turn("x"), _answer("Je ne connais pas « x »."))  # no expectation: any answer
    assert reply_text(_answer("a", "b", "c") + [{"image": "i.png"}]) == "a\nb\nc"


def test_both_runs_play_the_questions_the_documents_alone_answer_as_expected(tmp_path) -> None:
    faq = _faq(tmp_path)
    replies = [
        [_answer("Le titre RNCP35746"), _answer("INSTITUT PROMOTION FORMATION et LEARNING MANAGEMENT")],
        [_answer("Je ne connais pas « cadreur »."), _answer("De quel métier parles-tu ?")],
        [_answer("Il élabore la stratégie."), _answer("Ma base ne contient pas de données de salaire.")],
        [_answer("Niveau 6 (ex-niveau II).")],
    ]
    verdicts = judge_scripts(faq, replies)
    assert verdicts == [[True, True], [False, False], [True, False], [True]]
    compared = comparison_scripts(faq, verdicts, size=2)
    # the conversation whole, the one without an answer left out, the other passing questions regrouped by 2
    assert [s.questions for s in compared] == [("parle-moi du titre cross média", "qui la délivre ?"),
                                               ("que fait un dircom ?", "quel niveau pour le titre 360 ?")]
    assert [s.follow_ups for s in compared] == [True, False]
    half = comparison_scripts(faq, [[True, False], [True, True], [False, False], [False]], size=2)
    assert [s.questions for s in half] == [("c'est quoi le métier de cadreur ?", "quel est son statut ?")]
    assert comparison_scripts(faq, [[], [], [], []]) == []  # no answer at all (the warm-up failed)
    figures = answered_figures(faq, verdicts)
    assert (figures["questions"], figures["passed"]) == (7, 4)
    assert figures["not_passed"] == ["c'est quoi le métier de cadreur ?", "quel est son statut ?",
                                     "combien gagne un plombier débutant ?"]


def test_the_documents_manifest_leaves_the_national_exports_out(tmp_path) -> None:
    from knowledge.build import MANIFEST, national_entries, seed_entries

    entries = yaml.safe_load(documents_manifest(MANIFEST))
    assert national_entries(MANIFEST) and not any("import" in e for e in entries)
    assert [e["format"] for e in entries] == [e["format"] for e in seed_entries(MANIFEST)]
    assert all(e["file"].startswith("/") and (MANIFEST.parent / e["file"]).exists() for e in entries)


def test_the_documents_store_is_built_once_and_holds_the_documents_only(tmp_path) -> None:
    store, built = documents_store(tmp_path)
    assert built and store == tmp_path / "knowledge-documents.sqlite"
    info = store_info(store)
    assert info["counts"]["metier"] == 9 and info["records"] < 100  # the five documents, no ONISEP export
    assert documents_store(tmp_path) == (store, False)  # current: not rebuilt
    assert store_info(tmp_path / "absent.sqlite") == {"store": str(tmp_path / "absent.sqlite"), "size_mb": None,
                                                      "records": None, "counts": {}}


def _bot(p50: float, rss: float, cold: float) -> dict:
    level = {"p50_ms": p50, "p95_ms": 2 * p50, "answers_per_s": 1000 / p50, "cpu_ms_per_answer": p50 / 2,
             "error_count": 0}
    return {"cold_start": {"rasa_http_s": cold - rss / 1000, "first_answer_s": cold, "cpu_s_to_first_answer": 2 * cold},
            "memory_idle": {"total_rss_mb": rss - 50}, "levels": {"1": level},
            "memory": {"total_rss_mb": rss, "processes": []},
            "answered_as_expected": {"questions": 110, "passed": 40 if rss < 1000 else 110, "not_passed": []}}


def _document(national: dict | None, alone: dict | None, documents: bool = True) -> dict:
    document = new_document([1], 5.0, [("a", "b")], {}, documents=documents)
    if national is not None:
        national = {**_bot(30, 1200.0, 20.0), "documents_questions": national}
    document.update(assistant=national, baseline=_bot(20, 1900.0, 38.0), documents=alone,
                    knowledge={"national": {"store": "build/knowledge.sqlite", "records": 8000, "size_mb": 80.0,
                                            "current": True},
                               "documents": {"store": "build/bench/knowledge-documents.sqlite", "records": 28,
                                             "size_mb": 0.2, "built": False}},
                    comparison={"scripts": 12, "messages": 40, "questions": 110, "answered_on_documents": 40,
                                "also_answered_on_national": 39})
    return finish(document)


def _national(p50: float, rss: float) -> dict:
    return {"levels": {"1": _bot(p50, rss, 0)["levels"]["1"]}, "memory": {"total_rss_mb": rss, "processes": []}}


def test_the_three_targets_of_the_national_base() -> None:
    alone = _bot(30.0, 900.0, 18.5)
    document = _document(_national(32.0, 1040.0), alone)  # cold start of the national run: 20.0 s
    part7 = document["targets"][5:]
    assert len(document["targets"]) == 8
    assert [(t["value"], t["target"], t["met"], t["unit"]) for t in part7] == [
        (1.067, MAX_NATIONAL_P50_RATIO, True, "ratio"),
        (140.0, MAX_NATIONAL_EXTRA_RSS_MB, True, "Mo"),
        (1.5, MAX_NATIONAL_EXTRA_COLD_START_S, True, "s")]
    assert "32.0 ms contre 30.0 ms, 40 questions" in part7[0]["detail"]
    assert compute_targets(document) == document["targets"]  # a pure function of the figures
    worse = _document(_national(33.5, 1051.0), _bot(30.0, 900.0, 14.9))
    assert [(t["value"], t["met"]) for t in worse["targets"][5:]] == [(1.117, False), (151.0, False), (5.1, False)]
    assert worse["all_met"] is False


def test_a_failed_documents_run_misses_its_targets_and_no_comparison_adds_none() -> None:
    failed = _document(None, {"error": "RuntimeError: documents seuls s'est arrêté au démarrage"})
    assert [(t["value"], t["met"]) for t in failed["targets"][5:]] == [(None, False)] * 3
    assert "en échec : RuntimeError" in render_table(failed)
    without = _document(_national(32.0, 1040.0), None, documents=False)
    assert len(without["targets"]) == 5 and "documents seuls" not in render_table(without)


def test_the_table_shows_both_bases_side_by_side() -> None:
    document = json.loads(json.dumps(_document(_national(32.0, 1040.0), _bot(30.0, 900.0, 18.5))))
    assert document["settings"]["documents_comparison"] is True
    table = render_table(document)
    section = table[table.index("Base nationale contre documents seuls"):table.index("Objectifs :")]
    assert "40 sur 110, dont 39 aussi sur la base nationale (12 conversations, 40 messages)" in section
    lines = {line[:44].strip(): line[44:].split() for line in section.splitlines() if len(line) > 44}
    assert lines["Base : fiches"] == ["8000", "28"]
    assert lines["Démarrage à froid → 1re réponse (s)"] == ["20.0", "18.5", "1.08"]
    assert lines["1 conv. : latence p50 (ms)"] == ["32", "30", "1.07"]
    assert lines["dont Rasa prêt → 1re réponse (s)"] == ["1.20", "0.90"]  # the action server's part
    assert lines["RSS totale après ces conversations (Mo)"] == ["1040", "900", "1.16"]
    assert lines["FAQ répondue comme attendu (questions)"] == ["110", "40"]
    assert "[OK] p50 réponse base nationale / documents seuls (mêmes questions, 1 conversation) : 1.07 ≤ 1.10" in table
    assert "[OK] RSS totale base nationale − documents seuls (Mo) : 140 ≤ 150" in table
    assert "[OK] démarrage à froid base nationale − documents seuls (s) : 1.5 ≤ 5.0" in table
    stale = _document(_national(32.0, 1040.0), _bot(30.0, 900.0, 18.5))
    stale["knowledge"]["national"]["current"] = False
    assert "n'est pas à jour" in render_table(stale)


def test_the_paired_pass_gives_both_stacks_the_same_messages_in_turn() -> None:
    """Two in-process HTTP answerers on loopback stand for the two stacks (no server process)."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
    from types import SimpleNamespace

    from bench.benchmark import paired_order, run_paired_level

    assert [paired_order(2, n) for n in range(3)] == [[0, 1], [1, 0], [0, 1]]
    assert paired_order(3, 4) == [1, 2, 0]
    heard: list[tuple[str, str, str]] = []

    def answerer(name: str) -> ThreadingHTTPServer:
        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                heard.append((name, body["sender"].rsplit("-", 2)[-1], body["message"]))
                reply = json.dumps([{"recipient_id": body["sender"], "text": "ok"}]).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args) -> None:
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server

    servers = [answerer("documents"), answerer("nationale")]
    try:
        bots = [SimpleNamespace(name=name, proc=None,
                                url=f"http://127.0.0.1:{server.server_address[1]}/webhooks/rest/webhook")
                for name, server in zip(("documents", "nationale"), servers)]
        alone, national = run_paired_level(bots, [("a", "b"), ("c",)], 0.3)  # type: ignore[arg-type]
    finally:
        for server in servers:
            server.shutdown()
    names = ("documents", "nationale")
    scripts = [("a", "b"), ("c",)]
    expected = [(names[index], str(number), text) for number in range(100)
                for index in paired_order(2, number) for text in scripts[number % 2]]
    assert len(heard) >= 6 and heard == expected[:len(heard)]  # each conversation on both, who goes first in turn
    assert alone["answers"] == national["answers"] == len(heard) // 2  # whole rounds: the same messages
    assert alone["error_count"] == national["error_count"] == 0
    assert alone["paired"] == national["paired"] == ["documents", "nationale"] and alone["cpu_s"] is None
    assert 0 < alone["seconds"] < alone["pass_seconds"]  # its own share of the pass
