"""The held-out conversations (tests/conversations_holdout.yml) and their runner (bench/conversations.py): the file's
shape, its independence from the training data, and the checking of answers, on hand-made answers."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

import pytest
import yaml

from bench.conversations import (CATEGORIES, HOLDOUT, MIN_CONVERSATIONS, Conversation, ConversationResult, Holdout,
                                 HoldoutError, Turn, answer_text, check, forbidden_for, load, main, parse,
                                 per_category, play, play_one, problems, report, to_send)
from tests import ROOT

pytestmark = pytest.mark.unit

EVERYWHERE = ("Je n'ai pas compris", "Je ne peux t'aider que sur l'orientation")


@pytest.fixture(scope="module")
def data() -> dict:
    return yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))


# -- the file ----------------------------------------------------------------------------------------------------

def test_the_file_is_playable(data) -> None:
    assert problems(data) == []
    holdout = load()
    assert len(holdout.conversations) >= MIN_CONVERSATIONS
    assert "Je ne peux t'aider que sur l'orientation" in holdout.forbidden_everywhere


def test_every_conversation_has_its_shape(data) -> None:
    ids = [c["id"] for c in data["conversations"]]
    assert len(ids) == len(set(ids)) >= MIN_CONVERSATIONS
    for conv in data["conversations"]:
        assert conv["category"] in CATEGORIES, conv["id"]
        assert 2 <= len(conv["turns"]) <= 4, conv["id"]
        for turn in conv["turns"]:
            assert isinstance(turn["user"], str) and turn["user"].strip(), conv["id"]
            assert isinstance(turn["must"], list) and isinstance(turn["must_not"], list), conv["id"]
            assert turn["must"] or turn.get("must_any") or turn["must_not"], conv["id"]
            for item in turn["must"]:
                assert isinstance(item, str) or (isinstance(item, list) and item and all(isinstance(a, str) for a in item))
            assert all(isinstance(f, str) and f.strip() for f in turn["must_not"]), conv["id"]


def test_every_category_is_covered(data) -> None:
    counts = Counter(c["category"] for c in data["conversations"])
    assert set(counts) == set(CATEGORIES)
    assert min(counts.values()) >= 10, counts
    # honest gaps say what the base lacks: each one expects some plain wording of it
    gaps = [c for c in data["conversations"] if c["category"] == "honest_gap"]
    assert all(any(t.get("must_any") for t in c["turns"]) for c in gaps)


def _words(text: str) -> str:
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}", lambda m: m.group(1) or m.group(2) or "", text)
    text = unicodedata.normalize("NFKD", text.replace("’", "'").casefold())
    return " ".join(re.findall(r"\w+", "".join(c for c in text if not unicodedata.combining(c))))


def _training_texts() -> set[str]:
    found: set[str] = set()

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "examples" and isinstance(value, str):
                    found.update(_words(line.strip()[2:]) for line in value.splitlines() if line.strip().startswith("- "))
                elif key == "user" and isinstance(value, str):
                    found.add(_words(value))
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    for path in sorted((ROOT / "nlu").glob("*.yml")) + sorted((ROOT / "stories").glob("*.yml")):
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return found


def test_the_conversations_stay_out_of_the_training_data() -> None:
    """Held out: no turn of four words or more is a training example (names alone and « merci » may be)."""
    training = _training_texts()
    assert len(training) > 500
    copied = [t.user for c in load().conversations for t in c.turns
              if len(_words(t.user).split()) >= 4 and _words(t.user) in training]
    assert copied == [], "phrases des conversations tenues à l'écart copiées dans nlu/ ou stories/ : " + str(copied)


@pytest.mark.parametrize("broken, message", [
    ({"conversations": []}, "au moins"),
    ({"turns": [{"user": "a", "must": ["x"], "must_not": []}]}, "il faut de 2 à 4 tours"),
    ({"turns": [{"user": "a", "must": ["x"], "must_not": []}] * 5}, "il faut de 2 à 4 tours"),
    ({"category": "bavardage"}, "catégorie"),
    ({"turns": [{"user": " ", "must": ["x"], "must_not": []}] * 2}, "« user » vide"),
    ({"turns": [{"user": "a", "must": ["x"]}] * 2}, "« must_not »"),
    ({"turns": [{"user": "a", "must_not": []}] * 2}, "« must »"),
    ({"turns": [{"user": "a", "must": "x", "must_not": []}] * 2}, "« must »"),
    ({"turns": [{"user": "a", "must": [], "must_not": []}] * 2}, "rien à vérifier"),
    ({"turns": [{"user": "a", "must": [], "must_any": [], "must_not": []}] * 2}, "« must_any »"),
    ({"turns": [{"user": "a", "must": ["x"], "must_not": [], "musts": []}] * 2}, "inconnue"),
])
def test_a_malformed_file_is_reported(broken: dict, message: str) -> None:
    good = {"id": "c", "category": "follow_up",
            "turns": [{"user": "a", "must": ["x"], "must_not": []}, {"user": "b", "must": [["y", "z"]], "must_not": []}]}
    if "conversations" in broken:
        data = broken
    else:
        data = {"conversations": [{**good, "id": f"c{i}"} for i in range(MIN_CONVERSATIONS - 1)]
                + [{**good, "id": "bad", **broken}]}
    found = problems(data)
    assert found and any(message in p for p in found), found
    with pytest.raises(HoldoutError):
        parse(data)


def test_a_bad_file_stops_the_command_before_anything_starts(tmp_path, capsys) -> None:
    path = tmp_path / "conv.yml"
    path.write_text("conversations: []\n", encoding="utf-8")
    assert main(["--file", str(path), "--url", "http://127.0.0.1:9/webhooks/rest/webhook"]) == 2
    assert "au moins" in capsys.readouterr().err


# -- checking an answer ------------------------------------------------------------------------------------------

def test_must_items_are_found_case_accent_and_space_aside() -> None:
    turn = Turn("niveau ?", must=(("niveau 6",), ("IPL (ISEFAC Paris Lille)",), ("SIRET 32800778600077",)))
    answer = "Le titre est de NIVEAU 6.\nDélivré par ipl (isefac paris lille) ; siret 328 007 786 00077."
    assert check(turn, answer).passed
    missing = check(turn, "Le titre est de niveau 5.")
    assert not missing.passed
    assert missing.missing == ["niveau 6", "IPL (ISEFAC Paris Lille)", "SIRET 32800778600077"]
    assert check(Turn("q", must=(("Île-de-France",),)), "en ile de france").passed


def test_an_item_with_alternatives_needs_one_of_them() -> None:
    turn = Turn("combien en 2019 ?", must=(("21 certifiés", "21 diplômés"),))
    assert check(turn, "En 2019 : 21 diplômés.").passed
    verdict = check(turn, "En 2019 : vingt et un.")
    assert verdict.missing == ["21 certifiés | 21 diplômés"]


def test_must_any_needs_one_plain_way_of_saying_it() -> None:
    turn = Turn("les frais ?", must_any=("ne contient pas", "pas d'information"))
    assert check(turn, "Ma base ne contient pas les frais de scolarité.").passed
    assert check(turn, "Je n'ai pas d'information sur les frais.").passed
    verdict = check(turn, "Le BTS dure 2 ans.")
    assert verdict.missing == ["l'un de : ne contient pas | pas d'information"]


def test_forbidden_texts_fail_the_turn() -> None:
    turn = Turn("et leur site ?", must=(("ecole-pstc.fr",),), must_not=("De quoi parles-tu",))
    assert check(turn, "Site : https://ecole-pstc.fr/", EVERYWHERE).passed
    verdict = check(turn, "De quoi parles-tu ? Précise une certification. (ecole-pstc.fr)", EVERYWHERE)
    assert verdict.forbidden == ["De quoi parles-tu"] and verdict.missing == []
    verdict = check(turn, "Je ne peux t'aider que sur l'orientation : métiers, études et certifications.", EVERYWHERE)
    assert verdict.forbidden == ["Je ne peux t'aider que sur l'orientation"]
    assert verdict.missing == ["ecole-pstc.fr"]


def test_a_turn_that_expects_a_general_refusal_is_not_forbidden_it() -> None:
    off_topic = Turn("une bonne pizzeria ?", must=(("orientation",),))
    assert forbidden_for(off_topic, EVERYWHERE) == ["Je n'ai pas compris"]
    assert check(off_topic, "Je ne peux t'aider que sur l'orientation.", EVERYWHERE).passed
    assert not check(off_topic, "Je n'ai pas compris. (orientation)", EVERYWHERE).passed
    plain = Turn("salaire ?", must=(("2160",),), must_not=("Je n'ai pas compris",))
    assert forbidden_for(plain, EVERYWHERE) == list(EVERYWHERE)  # no double


def test_small_talk_turns_may_expect_nothing_but_forbid_something() -> None:
    turn = Turn("lol ok", must_not=("RNCP35746",))
    assert check(turn, "Avec plaisir ! Tu as une autre question ?", EVERYWHERE).passed
    assert not check(turn, "« Chargé de communication cross-média » (RNCP35746)…", EVERYWHERE).passed


def test_the_answer_is_its_texts_and_button_titles() -> None:
    messages = [{"text": "Lequel ?", "buttons": [{"title": "Chargé de communication cross-média", "payload": "/x"}]},
                {"text": "Source : France Compétences"}, {"image": "…"}]
    text = answer_text(messages)
    assert text.splitlines() == ["Lequel ?", "Source : France Compétences", "Chargé de communication cross-média"]
    assert check(Turn("q", must=(("cross-média",),)), text).passed


def test_a_button_title_typed_sends_its_payload() -> None:
    buttons = [{"title": "Chargé de communication cross-média", "payload": '/choose_option{"choice": "RNCP35746"}'},
               {"title": "Voir plus", "payload": "/ask_more"}]
    assert to_send("chargé de communication CROSS-MEDIA", buttons) == '/choose_option{"choice": "RNCP35746"}'
    assert to_send("voir plus", buttons) == "/ask_more"
    assert to_send("le cross-média", buttons) == "le cross-média"  # a choice in words stays words
    assert to_send("Voir plus", []) == "Voir plus"


# -- playing, on a fake assistant --------------------------------------------------------------------------------

class FakeAssistant:
    """Answers from a table; records what it was sent, under which sender."""

    def __init__(self, answers: dict[str, list[dict]]):
        self.answers = answers
        self.sent: list[tuple[str, str]] = []

    def __call__(self, sender: str, text: str) -> list[dict]:
        self.sent.append((sender, text))
        if text == "panne":
            raise ConnectionRefusedError("refusé")
        return self.answers.get(text, [{"text": "Je n'ai pas compris ta question."}])


def test_a_conversation_is_played_turn_by_turn_with_button_payloads() -> None:
    fake = FakeAssistant({
        "qui délivre le titre ?": [{"text": "Lequel ?", "buttons": [
            {"title": "Chargé(e) de communication 360°", "payload": "/choose_360"},
            {"title": "Chargé de communication cross-média", "payload": "/choose_cross"}]}],
        "/choose_cross": [{"text": "Délivré par INSTITUT PROMOTION FORMATION."}],
        "et leur siret ?": [{"text": "De quoi parles-tu ?"}],
    })
    conv = Conversation("c", "choice_in_words", (
        Turn("qui délivre le titre ?", must=(("360",), ("cross",))),
        Turn("Chargé de communication cross-média", must=(("INSTITUT PROMOTION FORMATION",),)),
        Turn("et leur siret ?", must=(("32800778600077",),), must_not=("De quoi parles-tu",)),
    ))
    result = play_one(conv, fake, "outil-x", EVERYWHERE)
    assert [text for _, text in fake.sent] == ["qui délivre le titre ?", "/choose_cross", "et leur siret ?"]
    assert {sender for sender, _ in fake.sent} == {"outil-x"}
    assert [t.passed for t in result.turns] == [True, True, False]
    assert not result.passed
    assert result.turns[2].verdict.missing == ["32800778600077"]
    assert result.turns[2].verdict.forbidden == ["De quoi parles-tu"]


def test_an_unreachable_turn_fails_and_the_conversation_goes_on() -> None:
    fake = FakeAssistant({"bonjour": [{"text": "Bonjour !"}]})
    conv = Conversation("c", "small_talk_middle", (Turn("panne", must=(("x",),)), Turn("bonjour", must=(("Bonjour",),))))
    result = play_one(conv, fake, "outil-y")
    assert result.turns[0].error.startswith("ConnectionRefusedError") and not result.turns[0].passed
    assert result.turns[1].passed and not result.passed


def test_each_conversation_has_a_fresh_tool_sender_and_the_report_counts_by_category() -> None:
    fake = FakeAssistant({"a": [{"text": "ok A"}], "b": [{"text": "ok B"}]})
    holdout = Holdout((
        Conversation("un", "follow_up", (Turn("a", must=(("ok A",),)), Turn("b", must=(("ok B",),)))),
        Conversation("deux", "follow_up", (Turn("a", must=(("ok A",),)), Turn("a", must=(("ok B",),)))),
        Conversation("trois", "honest_gap", (Turn("b", must=(("ok B",),)), Turn("c", must_not=("compris",)))),
    ), EVERYWHERE)
    results = play(holdout, fake, progress=False)
    senders = [sender for sender, _ in fake.sent]
    assert len(set(senders)) == 3 and all(s.startswith("outil-conversations-") for s in senders)
    assert senders[0] == senders[1] != senders[2] == senders[3]
    assert [r.passed for r in results] == [True, False, False]
    assert per_category(results) == {"follow_up": (1, 2), "honest_gap": (0, 1)}
    text = report(results, "conv.yml", "http://127.0.0.1:1/webhooks/rest/webhook")
    assert "Conversations réussies : 1/3 (33.3 %)" in text and "tours réussis : 4/6 (66.7 %)" in text
    assert re.search(r"follow_up\s+1/2\s+50\.0 %", text) and re.search(r"honest_gap\s+0/1\s+0\.0 %", text)
    assert "[follow_up] deux" in text and "KO tour 2/2 : « a »" in text and "manque : ok B" in text
    assert "[honest_gap] trois" in text and "interdit présent : compris" in text
    assert "[follow_up] un" not in text  # only failures are detailed


def test_a_long_answer_is_cut_in_the_report() -> None:
    conv = Conversation("long", "follow_up", (Turn("a", must=(("absent",),)), Turn("b", must=(("absent",),))))
    result = play_one(conv, FakeAssistant({"a": [{"text": "mot " * 500}]}), "outil-z")
    text = report([result], "f", "u")
    line = next(line for line in text.splitlines() if "réponse :" in line)
    assert len(line) < 500 and line.endswith("… »")
    assert isinstance(result, ConversationResult)
