"""The custom actions, run as the action server runs them: a tracker from a JSON fixture (tests/actions/trackers/),
a `CollectingDispatcher`, the domain, and the real knowledge base (tests/actions/conftest.py)."""

from __future__ import annotations

import asyncio

import pytest

from actions.actions import ActionCounsellor, ActionFallback
from tests.actions.conftest import run, turn

pytestmark = pytest.mark.unit


def job(value):
    return [{"entity": "job", "value": value}]


def test_studies_for_directrice_is_gendered_and_sourced(ask):
    messages, slots = ask("quelles études pour devenir directrice de communication ?", "ask_studies",
                          job("directrice de communication"))
    text = messages[0]["text"]
    assert text.startswith("Pour devenir directrice de communication")
    assert "bac + 5" in text and "master mention information, communication" in text
    assert text.endswith("Source : Onisep, fiche MET.650")
    assert slots["metier_id"] == "MET.650" and slots["gender"] == "f"


def test_follow_up_reuses_the_last_job(ask):
    messages, _ = ask("et le code rome ?", "ask_rome_code", fixture="after_director_studies")
    assert "E1103 (Communication)" in messages[0]["text"]


def test_mention_found_by_sentence_scan_without_entity(ask):
    messages, slots = ask("que fait un chef de pub ?", "ask_description")
    assert "commercial de terrain" in messages[0]["text"] and slots["subject"] == "JOB.chef-de-publicite"
    assert messages[0]["text"].endswith("Source : Note « Agence de communication »")


def test_insertion_rate_of_cross_media_title(ask):
    messages, slots = ask("quel est le taux d'insertion du titre chargé de communication cross-média ?",
                          "ask_insertion_stats", [{"entity": "certification", "value": "chargé de communication cross-média"}])
    text = messages[0]["text"]
    assert "2020 : 23 certifiés (dont 0 par VAE) ; insertion globale à 6 mois : 86 %" in text
    assert "à 2 ans : non renseigné" in text
    assert text.endswith("Source : France Compétences, RNCP35746") and slots["certification_id"] == "RNCP35746"


def test_certifier_follow_up_uses_the_last_certification(ask):
    messages, _ = ask("qui la délivre ?", "ask_certifier", fixture="after_360_title")
    assert "IPL (ISEFAC Paris Lille)" in messages[0]["text"]


def test_ambiguous_mention_offers_buttons_then_choice_by_ordinal(ask):
    messages, slots = ask("quel niveau pour chargé de communication ?", "ask_level",
                          [{"entity": "certification", "value": "chargé de communication"}])
    assert len(messages[0]["buttons"]) == 2  # the question is about certifications: only the two titles
    assert slots["pending_intent"] == "ask_level"
    options = slots["pending_options"]
    messages, slots = ask("le deuxième", "choose_option", slots={"pending_options": options,
                                                                  "pending_intent": "ask_level"})
    assert "niveau 6" in messages[0]["text"] and slots["subject"] == options[1]
    assert slots["pending_options"] is None


def test_stop_word_entity_beside_the_real_name_is_skipped(ask):
    """What a fresh DIET returns for this question: « de » tagged as a certification beside the real name."""
    messages, slots = ask("qui délivre le titre de chargé de communication ?", "ask_certifier", [
        {"entity": "certification", "value": "de", "start": 21, "end": 23, "confidence_entity": 0.52},
        {"entity": "certification", "value": "chargé de communication", "start": 24, "end": 47,
         "confidence_entity": 0.68}])
    assert "Je ne connais pas" not in messages[0]["text"]
    assert {b["title"] for b in messages[0]["buttons"]} == {"Chargé de communication cross-média",
                                                            "Chargé(e) de communication 360°"}
    assert slots["pending_intent"] == "ask_certifier"


def test_choice_by_name_and_by_button_payload(ask):
    messages, _ = ask("le 360", "choose_option", fixture="two_titles_offered")
    assert "IPL (ISEFAC Paris Lille)" in messages[0]["text"]
    messages, _ = ask('/choose_option{"choice": "RNCP35746"}', "choose_option",
                      [{"entity": "choice", "value": "RNCP35746"}], fixture="two_titles_offered")
    assert "INSTITUT PROMOTION FORMATION" in messages[0]["text"]


def test_unknown_job_is_said_honestly_with_the_counsellor(ask):
    messages, _ = ask("quelles études pour devenir youtubeur ?", "ask_studies", job("youtubeur"))
    text = messages[0]["text"]
    assert "Je ne connais pas « youtubeur »" in text and "orientation@lycee-test.fr" in text
    assert "Source" not in text


def test_missing_fact_is_not_invented(ask):
    messages, _ = ask("combien gagne un dircom ?", "ask_salary", job("dircom"))
    assert "ne contient pas de données de salaire" in messages[0]["text"]
    messages, _ = ask("que fait un planneur stratégique", "ask_description", job("planneur stratégique"))
    assert "sans le décrire" in messages[0]["text"]


def test_job_from_the_local_authority_text_lists_missions(ask):
    messages, _ = ask("missions du chargé de communication en collectivité", "ask_description",
                      job("chargé de communication en collectivité"))
    assert "Ses missions :\n• Élaborer une communication relative à l'image" in messages[0]["text"]


def test_certification_question_about_a_job_offers_its_certifications(ask):
    messages, slots = ask("quel est le taux d'insertion pour devenir dircom ?", "ask_insertion_stats", job("dircom"))
    assert {b["title"] for b in messages[0]["buttons"]} == {"Chargé de communication cross-média",
                                                            "Chargé(e) de communication 360°"}


def test_follow_up_in_the_other_family_keeps_the_subject(ask):
    messages, _ = ask("et le niveau ?", "ask_level", fixture="after_director_studies")
    assert "niveau d'accès minimum est bac + 5" in messages[0]["text"]


def test_sector_and_interest_questions(ask):
    messages, _ = ask("quels métiers dans une agence de communication ?", "ask_jobs",
                      [{"entity": "sector", "value": "agence de communication"}])
    assert "• média planneur (sans description dans ma source)" in messages[0]["text"]
    messages, _ = ask("différence entre communication interne et externe", "ask_internal_external_communication")
    assert "Communication externe : La communication externe se traduit" in messages[0]["text"]
    messages, _ = ask("j'aime communiquer, quel métier ?", "ask_jobs",
                      [{"entity": "interest", "value": "j'aime communiquer"}])
    assert "directeur de communication" in messages[0]["text"]


def test_no_subject_at_all_asks_which(ask):
    messages, _ = ask("et les qualités ?", "ask_profile")
    assert messages[0]["text"].startswith("De quoi parles-tu ?")


def test_fallback_twice_offers_the_counsellor(domain):
    messages, slots = run(ActionFallback(), turn(text="blabla", intent="nlu_fallback"), domain)
    assert "reformuler" in messages[0]["text"] and slots["failures"] == 1.0
    messages, slots = run(ActionFallback(), turn(text="blabla", intent="nlu_fallback", slots={"failures": 1.0}),
                          domain)
    assert "orientation@lycee-test.fr" in messages[0]["text"] and slots["failures"] == 0.0


def test_counsellor_contact_comes_from_configuration(domain):
    messages, _ = run(ActionCounsellor(), turn(text="je veux un conseiller", intent="ask_counsellor"), domain)
    assert "orientation@lycee-test.fr" in messages[0]["text"]


def test_what_the_assistant_knows_is_read_from_the_base(ask, kb):
    messages, _ = ask("tu connais quels métiers ?", "ask_bot_knowledge")
    text = messages[0]["text"]
    counts = kb.counts()
    assert f"{counts['metier']} métiers, {counts['certification']} certifications" in text
    assert "Chargé de communication cross-média (RNCP35746)" in text


def test_each_answer_is_one_message_with_its_source(ask):
    messages, _ = ask("parle-moi du titre cross média", "ask_description",
                      [{"entity": "certification", "value": "cross média"}])
    assert len(messages) == 1 and "\n\n" not in messages[0]["text"]
    assert messages[0]["text"].endswith("\nSource : France Compétences, RNCP35746")


def test_fallback_rescues_a_question_that_names_a_job(dispatcher, domain):
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "ask_description", "confidence": 0.41},
               {"name": "ask_description", "confidence": 0.38}]
    tracker = turn(text="que fait une directrice de la clientèle ?", intent="nlu_fallback", ranking=ranking)
    asyncio.run(ActionFallback().run(dispatcher, tracker, domain))
    assert "ambassadeur" in dispatcher.messages[0]["text"]
    assert dispatcher.messages[0]["answer_record"] == "JOB.directeur-de-la-clientele"


def test_fallback_compares_two_records_named_in_a_comparison(dispatcher, domain):
    """The NLU unsure, but two names of the base and a comparison's words: the two side by side."""
    entities = [{"entity": "job", "value": "traffic manager", "record_ids": ["JOB.traffic-manager"],
                 "status": "found", "total": 1},
                {"entity": "job", "value": "media planner", "record_ids": ["JOB.media-planneur"], "status": "found",
                 "total": 1}]
    tracker = turn(text="c'est la même chose traffic manager et media planner ?", intent="nlu_fallback",
                   entities=entities, ranking=[{"name": "nlu_fallback", "confidence": 0.45}])
    asyncio.run(ActionFallback().run(dispatcher, tracker, domain))
    first = dispatcher.messages[0]
    assert first["text"].startswith("Côte à côte : traffic manager / média planneur")
    assert first["answer_question"] == "ask_comparison" and first["answer_kind"] == "answer"


def test_fallback_without_a_named_record_asks_to_rephrase(dispatcher, domain):
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "ask_description", "confidence": 0.41}]
    tracker = turn(text="euh bah jsp trop", intent="nlu_fallback", ranking=ranking)
    asyncio.run(ActionFallback().run(dispatcher, tracker, domain))
    assert "reformuler" in dispatcher.messages[0]["text"] and dispatcher.messages[0]["answer_kind"] == "fallback"


def test_unknown_job_without_entity_is_named_honestly(ask):
    messages, _ = ask("que fait une youtubeuse ?", "ask_description")  # in none of the sources
    assert "Je ne connais pas « youtubeuse »" in messages[0]["text"]
    assert messages[0]["answer_kind"] == "unknown"


def test_follow_up_without_entity_keeps_context_instead_of_unknown(ask):
    messages, _ = ask("et il faut quel niveau d'études ?", "ask_level", fixture="after_director_studies")
    assert "bac + 5" in messages[0]["text"]


def test_fallback_rescues_a_follow_up_with_context(dispatcher, domain):
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "ask_level", "confidence": 0.4}]
    tracker = turn("after_director_studies", "et quel est le niveau d'accès ?", "nlu_fallback", ranking=ranking)
    asyncio.run(ActionFallback().run(dispatcher, tracker, domain))
    assert "bac + 5" in dispatcher.messages[0]["text"]


def test_question_words_are_not_taken_for_an_unknown_job(kb):
    assert kb.linker.content_words("et quel est le niveau d'accès ?") == []
    assert kb.linker.content_words("que fait une infirmière ?") == ["infirmière"]


# One intent per kind of question: the record named picks the fact.
@pytest.mark.parametrize("text,intent,entities,expected,record", [
    ("quel niveau pour le titre cross média ?", "ask_level", [{"entity": "certification", "value": "titre cross média"}],
     ["est de niveau 6 de la nomenclature européenne", "titre ou diplôme de niveau 5"], "RNCP35746"),
    ("quels prérequis pour le titre 360 ?", "ask_level", [{"entity": "certification", "value": "titre 360"}],
     ["(RNCP28684) est de niveau", "Ma base ne contient pas de prérequis d'entrée"], "RNCP28684"),
    ("il faut quel niveau pour être dircom ?", "ask_level", job("dircom"),
     ["niveau d'accès minimum est bac + 5"], "MET.650"),
    ("quel profil pour devenir directrice de la communication ?", "ask_profile", job("directrice de la communication"),
     ["Qualités attendues pour être directrice de communication", "peut te plaire si"], "MET.650"),
    ("qu'est-ce qu'on apprend dans le titre 360 ?", "ask_profile", [{"entity": "certification", "value": "titre 360"}],
     ["Les 3 blocs de compétences", "Bloc n°1"], "RNCP28684"),
    ("c'est quoi une agence de communication ?", "ask_description", [{"entity": "sector", "value": "agence de communication"}],
     ["Le but de cette dernière consiste"], "SECT.agence-de-communication"),
    ("c'est quoi le titre chargé de communication 360 ?", "ask_description", [],
     ["est une certification professionnelle de niveau"], "RNCP28684"),
])
def test_same_question_kind_answered_by_record_type(text, intent, entities, expected, record, ask):
    messages, slots = ask(text, intent, entities)
    for part in expected:
        assert part in messages[0]["text"]
    assert slots["subject"] == record


def test_follow_up_reads_the_latest_subject_whatever_its_type(ask):
    messages, _ = ask("et le niveau ?", "ask_level", fixture="after_cross_media_title")
    assert "(RNCP35746) est de niveau 6" in messages[0]["text"]
    messages, _ = ask("et le code rome ?", "ask_rome_code", fixture="after_cross_media_title")  # the title's own codes
    assert "Codes ROME de « Chargé de communication cross-média » (RNCP35746) : E1402" in messages[0]["text"]


def test_tracker_fixtures_hold_the_domain_slots(domain):
    """The JSON conversations stay what Rasa would send: every slot of the domain (and only those), events
    that Tracker.from_dict reads back with their slots."""
    from tests.actions.conftest import TRACKERS, _state

    names = sorted(p.stem for p in TRACKERS.glob("*.json"))
    assert "new_conversation" in names and len(names) >= 5
    for name in names:
        state = _state(name)
        assert set(state["slots"]) == set(domain["slots"]) | {"session_started_metadata"}, name
        tracker = turn(name, "bonjour", "greet")
        assert tracker.latest_message["text"] == "bonjour" and tracker.events[-1]["event"] == "user"
        for event in state["events"]:
            if event["event"] == "slot":
                assert tracker.get_slot(event["name"]) == state["slots"][event["name"]], (name, event)


def test_a_job_named_after_a_feminine_one_is_in_its_own_gender(chat):
    chat.say("quelles études pour devenir directrice artistique ?", "ask_studies",
             [{"entity": "job", "value": "directrice artistique"}])
    said = chat.say("quelles études pour devenir chef de publicité ?", "ask_studies",
                    [{"entity": "job", "value": "chef de publicité"}])
    assert "Pour devenir chef de publicité" in said and "cheffe" not in said
    said = chat.say("et son salaire ?", "ask_salary")
    assert "cheffe" not in said
