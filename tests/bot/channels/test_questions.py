"""Several questions in one message (issue 16, part 3): the splitter (bot/channels/questions.py) and the guard's
turn runner that plays its parts (bot/channels/guard.py), with a fake Rasa: no model, no server."""

from __future__ import annotations

import asyncio
import re
from typing import Any, Optional

import pytest

from bot.channels.guard import PART, TECHNICAL_HICCUP, Guard, Limits, Rejected
from bot.channels.questions import MAX_PARTS, play_order, split_questions
from tests import ROOT

pytestmark = pytest.mark.unit


# -- the splitter ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, parts", [
    # the example: a name, « : », questions ended by « ? »
    ("le titre 360 : niveau ? certificateur ? débouchés ?",
     ["le titre 360 : niveau ?", "certificateur ?", "débouchés ?"]),
    ("le titre 360 : niveau ? certificateur ?", ["le titre 360 : niveau ?", "certificateur ?"]),
    ("infirmière : salaire ? durée des études ?", ["infirmière : salaire ?", "durée des études ?"]),
    # several full questions
    ("qui délivre le titre 360 ? il est de quel niveau ?", ["qui délivre le titre 360 ?", "il est de quel niveau ?"]),
    ("le titre 360 il a quels codes ROME ? et quel code NSF ?",
     ["le titre 360 il a quels codes ROME ?", "et quel code NSF ?"]),
    ("que fait un chef de pub ?? et il gagne combien ?!", ["que fait un chef de pub ??", "et il gagne combien ?!"]),
    ("que fait un chef de pub ?\net combien il gagne ?", ["que fait un chef de pub ?", "et combien il gagne ?"]),
    ("Que fait un chef de pub ? Quelles études ?", ["Que fait un chef de pub ?", "Quelles études ?"]),
    ("qui délivre le titre 360 ? il est officiel ?", ["qui délivre le titre 360 ?", "il est officiel ?"]),
    ("c'est quoi un chef de pub ? c'est bien payé ?", ["c'est quoi un chef de pub ?", "c'est bien payé ?"]),
    ("que fait un chef de pub ? et pour un graphiste ?", ["que fait un chef de pub ?", "et pour un graphiste ?"]),
    # a name, « : » and a list with commas or « et »
    ("BTS com : durée, niveau et débouchés ?", ["BTS com : durée", "niveau", "et débouchés ?"]),
    ("directeur artistique : études, salaire, code ROME ?",
     ["directeur artistique : études", "salaire", "code ROME ?"]),
    ("pour le cross-média : le niveau, qui le délivre et combien de blocs ?",
     ["pour le cross-média : le niveau", "qui le délivre", "et combien de blocs ?"]),
    ("directeur de communication : combien d'années d'études et quelles qualités ?",
     ["directeur de communication : combien d'années d'études", "et quelles qualités ?"]),
    ("concepteur rédacteur : il fait quoi, et il gagne combien ?",
     ["concepteur rédacteur : il fait quoi", "et il gagne combien ?"]),
    ("cross-média : combien de certifiés en 2020 et le taux d'insertion à 6 mois ?",
     ["cross-média : combien de certifiés en 2020", "et le taux d'insertion à 6 mois ?"]),
    # two questions joined by « et »
    ("que fait un chef de publicité et quelles études faut-il ?",
     ["que fait un chef de publicité", "et quelles études faut-il ?"]),
    ("qui délivre le 360 et c'est où ?", ["qui délivre le 360", "et c'est où ?"]),
    ("c'est quoi les blocs du 360 et comment ils sont évalués ?",
     ["c'est quoi les blocs du 360", "et comment ils sont évalués ?"]),
    ("le 360 ça va jusqu'à quand au RNCP et c'est quel niveau ?",
     ["le 360 ça va jusqu'à quand au RNCP", "et c'est quel niveau ?"]),
    ("chef de pub, c'est combien le salaire et faut quel niveau ?",
     ["chef de pub, c'est combien le salaire", "et faut quel niveau ?"]),
    ("comment devenir chef de pub et combien ça gagne ?", ["comment devenir chef de pub", "et combien ça gagne ?"]),
    ("que fait un chef de pub et quel salaire ?", ["que fait un chef de pub", "et quel salaire ?"]),
    # « ? » and « et » together, each part as written
    ("que fait un chef de publicité et quelles études faut-il ? et le salaire ?",
     ["que fait un chef de publicité", "et quelles études faut-il ?", "et le salaire ?"]),
    # follow-ups without a name, about the conversation's subject
    ("niveau ? certificateur ?", ["niveau ?", "certificateur ?"]),
    ("et le salaire ? et les études ?", ["et le salaire ?", "et les études ?"]),
    # a short question after the last « ? », without its own « ? »
    ("le titre 360 : niveau ? certificateur ? débouchés",
     ["le titre 360 : niveau ?", "certificateur ?", "débouchés"]),
    ("que fait un chef de pub ? et combien il gagne", ["que fait un chef de pub ?", "et combien il gagne"]),
])
def test_questions_are_split_in_order_as_written(text, parts):
    assert split_questions(text) == parts
    for part in parts:
        assert part in text  # a slice of the message: nothing added or reworded


@pytest.mark.parametrize("text, parts, order", [
    ("le code rome et le salaire d'un community manager ?",
     ["le code rome", "et le salaire d'un community manager ?"], [1, 0]),
    ("quel niveau et quel certificateur pour le titre 360 ?",
     ["quel niveau", "et quel certificateur pour le titre 360 ?"], [1, 0]),
    ("quel est le salaire et quelles études pour un chef de pub ?",
     ["quel est le salaire", "et quelles études pour un chef de pub ?"], [1, 0]),
    ("les prérequis et les modalités de sélection du cross média ?",
     ["les prérequis", "et les modalités de sélection du cross média ?"], [1, 0]),
    ("le niveau, la durée et les débouchés du BTS MCO ?",
     ["le niveau", "la durée", "et les débouchés du BTS MCO ?"], [2, 0, 1]),
    ("niveau et durée du BTS MCO ?", ["niveau", "et durée du BTS MCO ?"], [1, 0]),
    ("études et débouchés du BTS MCO", ["études", "et débouchés du BTS MCO"], [1, 0]),
    # of no name: follow-ups about the conversation's subject, as written
    ("et le niveau, et le certificateur ?", ["et le niveau", "et le certificateur ?"], [0, 1]),
    ("c'est quoi le niveau et la durée ?", ["c'est quoi le niveau", "et la durée ?"], [0, 1]),
    # a subject named first: played as written
    ("le titre 360 : niveau ? certificateur ?", ["le titre 360 : niveau ?", "certificateur ?"], [0, 1]),
    ("que fait un chef de publicité et quelles études faut-il ?",
     ["que fait un chef de publicité", "et quelles études faut-il ?"], [0, 1]),
])
def test_facts_of_a_subject_named_last_are_split_and_that_part_is_played_first(text, parts, order):
    assert split_questions(text) == parts
    assert play_order(parts) == order


@pytest.mark.parametrize("text", [
    # one question
    "quelles études pour devenir chef de pub ?",
    "le titre 360 : niveau ?",
    "c'est quoi le BTS MCO",
    "bonjour",
    # a first question without a name, a later one naming one: the first may be about either
    "c'est quel niveau ? et le titre 360 ?",
    "combien il gagne ? et un graphiste ?",
    "salut ça va ? tu connais le métier de chef de pub ?",
    # facts of a name the words do not tell as one (it may be the subject)
    "le salaire et les études d'infirmière",
    # one question about one thing named with « et »
    "c'est quoi la com externe et la com interne ?",
    "c'est quoi la différence entre un BTS et un BUT ?",
    "ingénieur son et lumière c'est quoi ?",
    "technicien de maintenance et d'exploitation, il gagne combien ?",
    "quelles études pour un métier et qui paie bien ?",
    "vous connaissez quels métiers et quelles certifications ?",
    "quels secteurs et métiers après la certification chargé de communication cross-media ?",
    "le contact humain c'est mon truc, je fais quel métier plus tard ?",
    "le programme en compétences, c'est quoi ?",
    "si on est salarié, on peut l'obtenir en formation continue ?",
    "« certificateur ? », « débouchés ? »",
    "traffic manager et média planneur, c'est quel niveau pour chacun ?",
    # a list that gives the options of one question
    "les voies d'accès du titre pro DWWM : alternance, VAE, formation continue ?",
    "modalités d'accès au RNCP 35746 : VAE, alternance ?",
    "chargé de communication 360 : niveau 5, 6 ou 7 ?",
    # words after the last « ? » that are no question
    "c'est quoi un chef de pub ? je suis en terminale",
    "À 50 ans, est-il encore réaliste de se reconvertir ? Je suis cadre dans l'industrie et je rêve de quelque chose "
    "de plus utile socialement, sans savoir quoi exactement.",
    "que fait un chef de pub ? merci !",
    "que fait un chef de pub ? merci beaucoup",
    "que fait un chef de pub ? ?",
    "élagueuse c'est quoi les conditions de travail ? c'est risqué ?",
    "ça vaut le coup niveau emploi le titre chargé de communication 360 ? les gens trouvent ?",
    "tes infos elles viennent d'ou ? onisep ?",
    "?? que fait un chef de pub ?",
    # a « ? » that ends no question, a colon that opens no list
    "voir https://exemple.fr/page?id=3 c'est quoi ?",
    "tu comprends « niveau ? » et « certificateur ? » tout seuls ?",
    "rdv à 14:30 pour le BTS ?",
    "merci ! et le taux d'insertion ?",
    "bonjour : que fait un chef de pub ?",
    # comparisons: one side-by-side answer holds every fact asked
    "Comparer orthophoniste et psychomotricien svp : études, salaire, conditions de travail",
    "prof des écoles ou CPE, la durée des études et le salaire de départ pour les deux ?",
    "On peut faire l'alternance en BTS SIO et en BTS CIEL ? lequel est mieux pour les réseaux",
    # commands and button payloads
    '/choose_option{"option": "RNCP36390"}',
    '/choose_option{"option": "le titre 360 : niveau ? certificateur ?"}',
    "/restart",
])
def test_one_question_is_never_split(text):
    assert split_questions(text) == [text]


def test_parts_are_capped_the_last_keeps_the_rest():
    text = "qui délivre le titre 360 ? il est de quel niveau ? et les débouchés ? et la VAE ? et le salaire ?"
    parts = split_questions(text)
    assert len(parts) == MAX_PARTS == 4
    assert parts[:3] == ["qui délivre le titre 360 ?", "il est de quel niveau ?", "et les débouchés ?"]
    assert parts[3] == "et la VAE ? et le salaire ?"


@pytest.mark.parametrize("text", ["", " ", "?", "? ? ?", ":", "et", "et ?", ",, et ;", "? et ?"])
def test_odd_messages_are_left_whole(text):
    assert split_questions(text) == [text]


def test_every_part_of_every_training_message_is_a_non_empty_slice():
    texts = [re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line.strip()[2:])  # « [titre 360](certification) »
             for path in sorted((ROOT / "nlu").glob("*.yml"))
             for line in path.read_text(encoding="utf-8").splitlines() if line.strip().startswith("- ")]
    assert len(texts) > 1000
    for text in texts:
        parts = split_questions(text)
        assert 1 <= len(parts) <= MAX_PARTS and all(part.strip() for part in parts), text
        position = 0
        for part in parts:  # slices of the message, in order
            position = text.index(part, position) + len(part)


def test_a_cap_of_one_splits_nothing():
    assert split_questions("niveau ? certificateur ?", max_parts=1) == ["niveau ? certificateur ?"]


# -- the guard plays the parts as successive turns -------------------------------------------------------------

class FakeRasa:
    """Answers each text with scripted messages (text, outcome kind, buttons) and records what it was sent."""

    def __init__(self, script: dict[str, list[tuple[str, Optional[str], list]]]) -> None:
        self.script, self.received = script, []

    async def __call__(self, message: Any) -> None:
        self.received.append((message.text, message.sender_id, message.input_channel, message.metadata))
        for text, kind, buttons in self.script.get(message.text, []):
            reply: dict[str, Any] = {"text": text, **({"buttons": buttons} if buttons else {})}
            if kind:
                reply.update({"answer_kind": kind, "answer_record": "RNCP36390", "answer_source": "RNCP36390"})
            await message.output_channel.send_response(message.sender_id, reply)


def play(script: dict, text: str, sender: str = "eleve-1") -> tuple[list[dict], FakeRasa]:
    rasa = FakeRasa(script)
    replies = asyncio.run(Guard(Limits()).run_turn(rasa, text, sender, "rest"))
    return replies, rasa


LEVEL = ("Le titre 360 est de niveau 6.", "answer", [])
CERTIFIER = ("Le titre 360 est délivré par IPL (ISEFAC Paris Lille).", "answer", [])
JOBS = ("Il mène aux métiers de chargé de communication.", "answer", [])


def test_each_part_is_a_turn_of_the_same_sender_and_the_answers_come_in_order():
    replies, rasa = play({"le titre 360 : niveau ?": [LEVEL], "certificateur ?": [CERTIFIER], "débouchés ?": [JOBS]},
                         "le titre 360 : niveau ? certificateur ? débouchés ?")
    assert [r["text"] for r in replies] == [LEVEL[0], CERTIFIER[0], JOBS[0]]
    assert [r["recipient_id"] for r in replies] == ["eleve-1"] * 3
    assert [(t, s, c) for t, s, c, _ in rasa.received] == [
        ("le titre 360 : niveau ?", "eleve-1", "rest"), ("certificateur ?", "eleve-1", "rest"),
        ("débouchés ?", "eleve-1", "rest")]
    assert [m[PART] for *_, m in rasa.received] == [
        {"part": i, "parts": 3, "message": "le titre 360 : niveau ? certificateur ? débouchés ?"} for i in (1, 2, 3)]
    assert all(set(r) <= {"recipient_id", "text", "buttons"} for r in replies)  # no outcome leaks to the client


def test_one_question_is_one_turn_without_metadata():
    replies, rasa = play({"quel niveau pour le titre 360 ?": [LEVEL]}, "quel niveau pour le titre 360 ?")
    assert [r["text"] for r in replies] == [LEVEL[0]]
    assert rasa.received == [("quel niveau pour le titre 360 ?", "eleve-1", "rest", None)]


def test_an_answer_repeated_by_a_later_part_is_said_once():
    replies, _ = play({"c'est long de devenir vétérinaire ?": [("6 ans d'études.", "answer", [])],
                       "combien d'années ?": [("6 ans d'études.", "answer", [])]},
                      "c'est long de devenir vétérinaire ? combien d'années ?")
    assert [r["text"] for r in replies] == ["6 ans d'études."]


def test_a_part_not_understood_is_left_out_when_another_is_answered():
    described = ("Le titre 360 forme des chargés de communication.", "answer", [])
    replies, _ = play({"c'est quoi le titre 360 ?": [described],
                       "et ça recrute ?": [("Je n'ai pas bien compris. Peux-tu reformuler ?", "fallback", [])]},
                      "c'est quoi le titre 360 ? et ça recrute ?")
    assert [r["text"] for r in replies] == [described[0]]


def test_when_no_part_is_understood_the_first_failure_alone_is_said():
    replies, _ = play({"niveau ?": [("De quoi parles-tu ? Précise le métier.", "clarify", [])],
                       "certificateur ?": [("De quoi parles-tu ? Précise la certification.", "clarify", [])]},
                      "niveau ? certificateur ?")
    assert [r["text"] for r in replies] == ["De quoi parles-tu ? Précise le métier."]


def test_when_the_first_question_naming_the_subject_is_not_understood_the_message_is_played_whole():
    fallback = ("Je n'ai pas bien compris. Peux-tu reformuler ?", "fallback", [])
    rome = ("Code ROME pour le métier de directeur artistique : E1104.", "answer", [])
    text = "directeur artistique : études, salaire, code ROME ?"
    replies, rasa = play({"directeur artistique : études": [fallback], "salaire": [LEVEL], "code ROME ?": [LEVEL],
                          text: [rome]}, text)
    # its follow-ups are not played (they would be about an earlier subject): the whole message is, as before
    assert [t for t, *_ in rasa.received] == ["directeur artistique : études", text]
    assert rasa.received[1][3][PART] == {"part": 0, "parts": 3, "message": text}
    assert [r["text"] for r in replies] == [rome[0]]


def test_when_the_whole_message_is_not_understood_either_the_first_failure_alone_is_said():
    fallback = ("Je n'ai pas bien compris. Peux-tu reformuler ?", "fallback", [])
    counsellor = ("Je n'arrive pas à comprendre ta demande, désolé.", "fallback", [])
    text = "directeur artistique : études, salaire, code ROME ?"
    replies, rasa = play({"directeur artistique : études": [fallback], text: [counsellor]}, text)
    assert len(rasa.received) == 2
    assert [r["text"] for r in replies] == [fallback[0]]


def test_after_a_name_not_understood_only_the_questions_naming_their_own_subject_are_played():
    fallback = ("Je n'ai pas bien compris. Peux-tu reformuler ?", "fallback", [])
    described = ("Le chef de publicité fait le lien entre l'agence et l'annonceur.", "answer", [])
    salary = ("Un graphiste débutant gagne 1 800 euros.", "answer", [])
    replies, rasa = play({"que fait un chef de pub ?": [described], "directeur artistique : études ?": [fallback],
                          "salaire ?": [LEVEL], "et combien gagne un graphiste ?": [salary]},
                         "que fait un chef de pub ? directeur artistique : études ? salaire ? "
                         "et combien gagne un graphiste ?")
    assert [t for t, *_ in rasa.received] == ["que fait un chef de pub ?", "directeur artistique : études ?",
                                              "et combien gagne un graphiste ?"]  # not « salaire ? » (whose?)
    assert [r["text"] for r in replies] == [described[0], salary[0]]


def test_follow_ups_after_a_question_without_a_name_are_played_even_if_it_failed():
    fallback = ("Je n'ai pas bien compris. Peux-tu reformuler ?", "fallback", [])
    replies, rasa = play({"bon alors ?": [fallback], "et le certificateur ?": [CERTIFIER]},
                         "bon alors ? et le certificateur ?")
    assert [r["text"] for r in replies] == [CERTIFIER[0]]


def test_the_part_naming_the_subject_is_played_first_and_the_answers_come_in_the_order_asked():
    rome = ("Code ROME pour le métier de community manager : E1101.", "answer", [])
    salary = ("Salaire pour un community manager qui débute : 2230 euros.", "answer", [])
    replies, rasa = play({"le code rome": [rome], "et le salaire d'un community manager ?": [salary]},
                         "le code rome et le salaire d'un community manager ?")
    assert [t for t, *_ in rasa.received] == ["et le salaire d'un community manager ?", "le code rome"]
    assert [m[PART]["part"] for *_, m in rasa.received] == [2, 1]  # the rank as written
    assert [r["text"] for r in replies] == [rome[0], salary[0]]


def test_a_choice_asked_by_the_part_played_first_names_the_others_in_the_order_asked():
    buttons = [{"title": "Titre 360", "payload": "/choose_option{\"option\": \"RNCP28684\"}"}]
    which = ("Laquelle veux-tu ?", "ambiguous", buttons)
    replies, rasa = play({"et les débouchés du titre de chargé de com ?": [which]},
                         "le niveau, la durée et les débouchés du titre de chargé de com ?")
    assert len(rasa.received) == 1
    assert replies[0]["buttons"] == buttons
    assert "« le niveau », « la durée »" in replies[1]["text"]


def test_a_choice_asked_ends_the_message_with_its_buttons_and_a_note():
    buttons = [{"title": "Titre 360", "payload": "/choose_option{\"option\": \"RNCP36390\"}"},
               {"title": "Cross-média", "payload": "/choose_option{\"option\": \"RNCP35746\"}"}]
    replies, rasa = play({"le titre de chargé de com : niveau ?": [("Laquelle veux-tu ?", "ambiguous", buttons)]},
                         "le titre de chargé de com : niveau ? certificateur ? débouchés ?")
    assert [t for t, *_ in rasa.received] == ["le titre de chargé de com : niveau ?"]  # the rest is not played
    assert replies[0]["buttons"] == buttons
    assert "« certificateur ? », « débouchés ? »" in replies[1]["text"] and len(replies) == 2


def test_an_unknown_name_ends_the_message_too():
    replies, rasa = play({"que fait un youtubeur ?": [("Je ne connais pas « youtubeur ».", "unknown", [])]},
                         "que fait un youtubeur ? et combien il gagne ?")
    assert len(rasa.received) == 1
    assert replies[-1]["text"].endswith("repose-moi ta question « et combien il gagne ? ».")


def test_greetings_and_other_responses_without_outcome_are_kept():
    replies, _ = play({"salut ça va ?": [("Bonjour ! Je suis l'assistant d'orientation.", None, [])],
                       "niveau ?": [LEVEL]}, "salut ça va ? niveau ?")
    assert [r["text"] for r in replies] == ["Bonjour ! Je suis l'assistant d'orientation.", LEVEL[0]]


def test_a_silent_part_gets_the_friendly_message_and_ends_the_message():
    replies, rasa = play({"le titre 360 : niveau ?": [LEVEL]}, "le titre 360 : niveau ? certificateur ? débouchés ?")
    assert [r["text"] for r in replies] == [LEVEL[0], TECHNICAL_HICCUP]
    assert len(rasa.received) == 2


def test_a_silent_command_stays_silent_and_a_silent_question_gets_the_friendly_message():
    assert play({}, "/restart")[0] == []
    assert [r["text"] for r in play({}, "que fait un chef de pub ?")[0]] == [TECHNICAL_HICCUP]


def test_the_whole_message_takes_one_token_of_the_sender_rate():
    guard = Guard(Limits(sender_rate=1, rate_period=60))
    rasa = FakeRasa({"niveau ?": [LEVEL], "certificateur ?": [CERTIFIER]})
    assert len(asyncio.run(guard.run_turn(rasa, "niveau ? certificateur ?", "eleve-2", "rest"))) == 2
    with pytest.raises(Rejected) as refused:
        asyncio.run(guard.run_turn(rasa, "niveau ?", "eleve-2", "rest"))
    assert refused.value.status == 429


def test_the_timeout_covers_the_whole_message():
    async def slow(message: Any) -> None:
        await asyncio.sleep(0.6)
        await message.output_channel.send_response(message.sender_id, {"text": "ok"})

    guard = Guard(Limits(response_timeout=1))
    with pytest.raises(asyncio.TimeoutError):
        asyncio.run(guard.run_turn(slow, "niveau ? certificateur ?", "eleve-3", "rest"))
