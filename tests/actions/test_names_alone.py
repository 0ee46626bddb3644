"""A name typed alone presents its fiche with buttons of what can be asked next, whatever the NLU made of it
(issue 16, part 2): the intents below are those the current model gives these messages (a choice, a question,
the fallback, off topic). Several records ask which; corrections and names typed instead of pressing an option
ask the question just asked about the record named; small talk is left alone."""

from __future__ import annotations

import asyncio

import pytest

from actions.actions import ActionCounsellor, ActionFallback, ActionOutOfScope
from actions.resolve import AGAIN, DESCRIBE_IT, PRESENT, alone
from tests.actions.conftest import run, turn

pytestmark = pytest.mark.unit

CHEF_DE_PUB, NURSE, BTS_MCO, TITLE_360, CROSS_MEDIA = (
    "JOB.chef-de-publicite", "MET.38", "FOR.2317", "RNCP28684", "RNCP35746")
OFF_TOPIC = ("Je ne peux t'aider que sur l'orientation : métiers, études et certifications. "
             "Pose-moi une question sur ces sujets !")
TECHNICIANS = ["MET.7956", "MET.175", "MET.36", "MET.574", "MET.550"]  # the five « technicien » options offered


def entity(kind, value):
    return [{"entity": kind, "value": value}]


def texts(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def follow_ups(messages: list[dict]) -> list[str]:
    return [b["payload"] for b in messages[-1].get("buttons") or []]


def fallback(runner_up: str = "ask_studies") -> list[dict]:
    """The NLU's ranking when it stays under its threshold, as the current model gives it for a name alone."""
    return [{"name": "nlu_fallback", "confidence": 0.45}, {"name": runner_up, "confidence": 0.29}]


def test_rncp_code_alone_presents_the_certification(ask, domain):
    messages, slots = ask("RNCP28684", "choose_option", entity("certification", "RNCP28684"))
    text = texts(messages)
    assert "Je n'ai pas compris" not in text
    assert text.startswith("« Chargé(e) de communication 360° » (RNCP28684) est une certification professionnelle")
    assert text.endswith("Source : France Compétences, RNCP28684")
    buttons = follow_ups(messages)
    assert buttons[0] == "/ask_certifier" and 2 <= len(buttons) <= 4
    assert {b[1:] for b in buttons} <= set(domain["intents"])  # Rasa maps « /intent » to the intent itself
    assert slots["subject"] == TITLE_360 and slots["certification_id"] == TITLE_360
    assert messages[-1]["answer_kind"] == "answer" and messages[-1]["answer_question"] == "ask_description"


def test_rncp_number_typed_with_a_space_is_the_same_name(ask):
    messages, slots = ask("RNCP 28684", "choose_option", entity("certification", "RNCP 28684"))
    assert messages[-1]["answer_record"] == TITLE_360 and follow_ups(messages)


def test_chef_de_publicite_alone_is_one_record_then_its_buttons_answer_about_it(ask):
    messages, slots = ask("chef de publicité", "choose_option", entity("job", "chef de publicité"))
    text = texts(messages)
    assert text.startswith("Chef de publicité — en bref :\nLe chef de publicité est un commercial de terrain")
    assert messages[-1]["answer_record"] == CHEF_DE_PUB and messages[-1]["answer_kind"] == "answer"
    assert follow_ups(messages)[:2] == ["/ask_studies", "/ask_salary"]
    assert slots["subject"] == CHEF_DE_PUB and slots["metier_id"] == CHEF_DE_PUB
    # the studies button: its intent alone, about the subject just presented (the ONISEP fiche MET.8 merged in)
    messages, _ = ask("/ask_studies", "ask_studies", slots=slots)
    assert texts(messages).startswith("Pour devenir chef de publicité :")
    assert "Onisep, fiche MET.8" in messages[0]["text"]


def test_feminine_name_alone_presents_the_fiche_in_her_gender(ask):
    messages, slots = ask("infirmière", "ask_studies", entity("job", "infirmière"))  # the model's intent for it
    assert texts(messages).startswith("Infirmière, en bref :")
    assert "Pour devenir" not in texts(messages)  # the fiche presented, not the studies
    assert slots["subject"] == NURSE and slots["gender"] == "f"
    assert "/ask_salary" in follow_ups(messages)
    messages, _ = ask("/ask_salary", "ask_salary", slots=slots)
    assert "Salaire pour une infirmière qui débute" in messages[0]["text"]


def test_formation_sigle_alone_presents_the_formation(ask):
    messages, slots = ask("BTS MCO", "ask_jobs", entity("formation", "BTS MCO"))
    text = texts(messages)
    assert text.startswith("« BTS management commercial opérationnel » : brevet de technicien supérieur")
    assert "Métiers accessibles" not in text
    assert follow_ups(messages) == ["/ask_level", "/ask_jobs", "/ask_studies"]
    assert slots["subject"] == BTS_MCO


def test_name_alone_under_the_nlu_threshold_is_presented_by_the_fallback(dispatcher, domain):
    tracker = turn(text="chef de publicité", intent="nlu_fallback", entities=entity("job", "chef de publicité"),
                   ranking=fallback("out_of_scope"))
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, domain))
    assert dispatcher.messages[0]["answer_record"] == CHEF_DE_PUB and "reformuler" not in dispatcher.messages[0]["text"]
    assert {"event": "slot", "timestamp": None, "name": "failures", "value": 0.0} in events


def test_name_alone_the_nlu_finds_off_topic_is_presented(domain):
    messages, slots = run(ActionOutOfScope(), turn(text="plombier ?", intent="out_of_scope",
                                                   entities=entity("job", "plombier")), domain)
    assert texts(messages).startswith("Plombier, en bref :") and slots["subject"] == "MET.266"
    messages, slots = run(ActionOutOfScope(), turn(text="raconte-moi une blague drôle", intent="out_of_scope"),
                          domain)
    assert [m["text"] for m in messages] == [OFF_TOPIC] and not slots


def test_job_alone_taken_for_a_counsellor_request_is_presented(domain):
    messages, _ = run(ActionCounsellor(), turn(text="conseillère en économie sociale et familiale",
                                               intent="ask_counsellor"), domain)
    assert "orientation@lycee-test.fr" in messages[0]["text"]  # « conseil… »: the counsellor is offered
    messages, _ = run(ActionCounsellor(), turn(text="ergothérapeute", intent="ask_counsellor"), domain)
    assert messages[0]["text"].startswith("Ergothérapeute, en bref :")


def test_generic_name_alone_asks_which_with_at_most_five_buttons(dispatcher, domain):
    tracker = turn(text="technicien", intent="nlu_fallback", entities=entity("job", "technicien"),
                   ranking=fallback())
    events = asyncio.run(ActionFallback().run(dispatcher, tracker, domain))
    message = dispatcher.messages[0]
    assert message["text"].startswith("« technicien » correspond à ") and message["answer_kind"] == "ambiguous"
    assert 2 <= len(message["buttons"]) <= 5
    assert all(b["payload"].startswith("/choose_option") for b in message["buttons"])
    slots = {e["name"]: e["value"] for e in events if e["event"] == "slot"}
    assert slots["pending_intent"] == "ask_description" and len(slots["pending_options"]) == len(message["buttons"])


def test_feminine_generic_name_asks_in_her_gender_and_the_choice_is_presented(ask):
    messages, slots = ask("technicienne", "ask_studies", entity("job", "technicienne"))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert 2 <= len(titles) <= 5 and all(t.startswith("technicienne") for t in titles)
    assert slots["gender"] == "f" and slots["pending_intent"] == "ask_description"
    picked = slots["pending_options"][2]
    messages, slots = ask(f'/choose_option{{"choice": "{picked}"}}', "choose_option", entity("choice", picked),
                          slots=slots)
    assert messages[-1]["answer_record"] == picked and slots["subject"] == picked
    assert texts(messages).startswith("Technicienne ") and follow_ups(messages)  # presented, with what to ask next


def test_partial_name_of_several_records_asks_instead_of_picking_one(ask):
    messages, slots = ask("chargée de communication", "choose_option", entity("job", "chargée de communication"))
    assert messages[0]["answer_kind"] == "ambiguous" and 2 <= len(messages[0]["buttons"]) <= 5
    assert {TITLE_360, CROSS_MEDIA} <= set(slots["pending_options"])
    assert "subject" not in slots


def test_same_title_for_records_of_different_kinds_says_each_kind(ask):
    messages, slots = ask("directrice artistique", "choose_option", entity("job", "directrice artistique"))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert titles == ["directrice artistique (métier)", "Directeur artistique (formation)"]
    assert slots["pending_options"] == ["JOB.directeur-artistique", "FOR.8035"]


@pytest.mark.parametrize("text,intent", [
    ("bonjour", "greet"), ("merci", "thank"), ("oui", "affirm"), ("non", "deny"), ("ok", "affirm"),
    ("combien gagne un plombier ?", "ask_salary"), ("quelles études pour devenir infirmière ?", "ask_studies"),
    ("stage", "out_of_scope"), ("la météo", "out_of_scope"), ("/ask_salary", "ask_salary"),
    ('/choose_option{"choice": "RNCP35746"}', "choose_option"),
])
def test_small_talk_questions_and_payloads_are_no_name_alone(text, intent, kb, domain):
    assert alone(kb, text, []) is None
    if intent == "out_of_scope":
        messages, _ = run(ActionOutOfScope(), turn(text=text, intent=intent), domain)
        assert [m["text"] for m in messages] == [OFF_TOPIC]


def test_small_talk_keeps_its_answers(ask, dispatcher, domain):
    messages, _ = ask("oui", "affirm")
    assert messages[0]["text"].startswith("D'accord !")
    tracker = turn(text="merci", intent="nlu_fallback", ranking=fallback("thank"))
    asyncio.run(ActionFallback().run(dispatcher, tracker, domain))
    assert "reformuler" in dispatcher.messages[0]["text"]
    messages, slots = ask("quelles études pour devenir infirmière ?", "ask_studies", entity("job", "infirmière"))
    assert texts(messages).startswith("Pour devenir infirmière") and not follow_ups(messages)


@pytest.mark.parametrize("text,mode", [
    ("chef de publicité", PRESENT), ("le dircom ?", PRESENT), ("c'est quoi un chef de pub", DESCRIBE_IT),
    ("parle-moi du titre cross-média", DESCRIBE_IT), ("non, je parlais du cross-média", AGAIN),
    ("plutôt le cross-média", AGAIN), ("et la directrice de communication ?", AGAIN),
])
def test_what_a_name_alone_asks(text, mode, kb):
    said = alone(kb, text, [])
    assert said is not None and said.mode == mode and said.mention.status == "found"


def test_correction_in_words_asks_the_previous_question_about_the_record_named(ask):
    # the level of the cross-média title was just answered (the bot message's metadata says so)
    for text, intent in [("non, je parlais du titre 360", "deny"), ("plutôt le titre 360", "choose_option"),
                         ("et le titre 360 ?", "ask_description")]:
        messages, slots = ask(text, intent, entity("certification", "titre 360"), fixture="after_cross_media_level")
        assert messages[0]["text"].startswith("« Chargé(e) de communication 360° » (RNCP28684) est de niveau 6"), text
        assert messages[0]["answer_question"] == "ask_level" and slots["subject"] == TITLE_360


def test_correction_reads_the_previous_question_of_an_older_conversation(ask):
    # after « quelles études pour devenir directeur de communication ? » (no question in the bot's metadata)
    messages, slots = ask("non, je parlais du chef de pub", "deny", entity("job", "chef de pub"),
                          fixture="after_director_studies")
    assert texts(messages).startswith("Pour devenir chef de publicité :") and slots["subject"] == CHEF_DE_PUB


def test_correction_or_choice_in_words_with_options_pending(ask):
    # « qui délivre le titre de chargé de communication ? » offered the two titles
    messages, _ = ask("plutôt le cross-média", "choose_option", entity("certification", "cross-média"),
                      fixture="two_titles_offered")
    assert "INSTITUT PROMOTION FORMATION" in messages[0]["text"]
    messages, slots = ask("non, je parlais du titre 360", "deny", entity("certification", "titre 360"),
                          fixture="two_titles_offered")
    assert "IPL (ISEFAC Paris Lille)" in messages[0]["text"] and slots["pending_options"] is None
    # another name, which the question does not fit: its fiche, and the options are dropped
    messages, slots = ask("chef de publicité", "choose_option", entity("job", "chef de publicité"),
                          fixture="two_titles_offered")
    assert messages[-1]["answer_record"] == CHEF_DE_PUB and "en bref" in texts(messages)
    assert slots["pending_options"] is None


def test_name_typed_instead_of_an_option_answers_the_question_asked(ask):
    # « quel salaire pour un technicien ? » offered five technicians; the student names another one
    messages, slots = ask("technicien de maintenance éolienne", "choose_option", entity("job", "technicien"),
                          slots={"pending_options": TECHNICIANS, "pending_intent": "ask_salary"})
    assert messages[0]["answer_record"] == "MET.383" and messages[0]["answer_question"] == "ask_salary"
    assert "salaire" in messages[0]["text"] and slots["pending_options"] is None


def test_correction_naming_a_job_and_a_formation_answers_the_one_the_question_is_about(ask):
    # options pending for a ROME code question: the correction's name is a job and a formation, only a job has one
    messages, slots = ask("non, celui de directeur artistique", "deny", entity("job", "directeur artistique"),
                          slots={"pending_options": ["JOB.traffic-manager", "MET.650"],
                                 "pending_intent": "ask_rome_code"})
    assert messages[0]["text"].startswith("Code ROME pour le métier de directeur artistique")
    assert slots["subject"] == "JOB.directeur-artistique" and slots["pending_options"] is None


def test_interest_in_a_job_named_presents_it_whatever_the_intent(ask):
    messages, _ = ask("je m'intéresse au métier de community manager", "ask_studies",
                      entity("job", "community manager"))
    assert "réseaux sociaux" in texts(messages) and "Pour devenir" not in texts(messages)
