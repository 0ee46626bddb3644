"""Answers about the national records: the ONISEP Idéo fiches métiers and formations of June 2024 and ROME 4.0,
built into the test base with the school's documents (tests/conftest.py). Facts asserted here are read from the
shipped exports (knowledge/sources/national/)."""

from __future__ import annotations

import re

import pytest

from actions.compose import PHONE
from actions.explore import Exploration
from actions.routing import ROUTES

pytestmark = pytest.mark.unit

NURSE, JOURNALIST, BTS_MCO = "MET.38", "MET.45", "FOR.2317"


def job(value):
    return [{"entity": "job", "value": value}]


def texts(messages: list[dict]) -> str:
    return "\n".join(m["text"] for m in messages)


def bullets(text: str) -> list[str]:
    return [line[2:] for line in text.split("\n") if line.startswith("• ")]


def test_beginner_salary_of_a_nurse_is_the_fiche_s_paragraph(ask):
    messages, slots = ask("combien gagne une infirmière qui débute ?", "ask_salary", job("infirmière"))
    text = messages[0]["text"]
    assert "Salaire pour une infirmière qui débute" in text
    assert "1890 euros pour un infirmier débutant dans la fonction publique" in text
    assert "ne contient pas" not in text and messages[0]["answer_kind"] == "answer"
    assert re.search(r"\nEn savoir plus : https://\S+MET\.38\n", text)
    assert text.endswith("Source : Onisep, fiche MET.38 (juin 2024)")
    assert slots["subject"] == NURSE and slots["gender"] == "f"


def test_what_a_journaliste_does_from_the_accroche_and_the_nature_of_the_work(ask):
    messages, slots = ask("que fait un journaliste ?", "ask_description", job("journaliste"))
    text = texts(messages)
    assert text.startswith("Journaliste, en bref :\nJRI (journaliste-reporter d'images), web rédacteur")
    assert "• Transmettre une information : la mission essentielle du journaliste consiste à rechercher" in text
    assert "<p>" not in text and "&lt;" not in text and "\n\n" not in text
    assert all(m["text"].endswith("Source : Onisep, fiche MET.45 (juin 2024)") for m in messages)
    assert slots["subject"] == JOURNALIST


def test_formations_leading_to_a_job_with_their_level_and_length(ask):
    messages, _ = ask("quelles études pour devenir infirmier ?", "ask_studies", job("infirmier"))
    text = texts(messages)
    assert "Niveau d'accès minimum : bac + 3." in text
    assert "• Diplôme d'Etat d'infirmier (bac + 3, 3 ans)" in text  # level and length of fiche FOR.2378
    assert messages[-1]["text"].endswith("Source : Onisep, fiches MET.38, FOR.2378 (juin 2024)")


def test_a_long_list_of_formations_goes_on_with_voir_plus(ask):
    messages, slots = ask("quelles formations pour être journaliste ?", "ask_studies", job("journaliste"))
    first = bullets(texts(messages))
    assert 3 <= len(first) <= 8 and "Journaliste (ESJ Paris) (bac + 3, 3 ans)" in first
    assert messages[-1]["buttons"][-1] == {"title": "Voir plus", "payload": "/ask_more"}
    assert slots["next_page"] == f"ask_studies|{JOURNALIST}|{len(first)}"
    messages, slots = ask("la suite", "ask_more", slots={"next_page": slots["next_page"], "subject": JOURNALIST})
    following = bullets(texts(messages))
    assert following and not set(following) & set(first)
    assert texts(messages).startswith("Pour devenir journaliste :\nAutres formations recommandées")


def test_what_a_formation_leads_to_jobs_and_further_studies(ask):
    messages, slots = ask("après le BTS management commercial opérationnel je peux faire quoi ?", "ask_jobs",
                          [{"entity": "formation", "value": "BTS management commercial opérationnel"}])
    text = texts(messages)
    assert "Métiers accessibles après « BTS management commercial opérationnel » (1 à 8 sur" in text
    assert "• chef de rayon" in text
    assert "Poursuites d'études : Le BTS a pour objectif l'insertion professionnelle" in text
    buttons = [b["title"] for b in messages[-1]["buttons"]]
    assert len(buttons) == 9 and buttons[-1] == "Voir plus" and "chef de rayon" in buttons
    assert slots["subject"] == BTS_MCO and slots["pending_intent"] == "ask_description"
    assert "FOR.2317" in messages[-1]["text"].split("\n")[-1]  # the fiche formation is cited
    # a job of the list picked by its rank
    options = slots["pending_options"]
    messages, slots = ask("le troisième", "choose_option", slots={"pending_options": options,
                                                                   "pending_intent": "ask_description"})
    assert slots["subject"] == options[2] and messages[0]["answer_kind"] == "answer"


def test_rome_code_with_its_rome_4_label_and_definition(ask):
    messages, _ = ask("c'est quoi le code rome d'une infirmière ?", "ask_rome_code", job("infirmière"))
    text = messages[0]["text"]
    assert "Code ROME pour le métier d'infirmière : J1506 (Infirmier / Infirmière en soins généraux (IDE))." in text
    assert "Définition de la fiche ROME : L’infirmier en soins généraux (IDE) dispense des soins" in text
    assert text.endswith("Sources : Onisep, fiche MET.38 (juin 2024) ; France Travail, ROME 4.0, fiche J1506 (v460)")


def test_interest_asked_in_the_middle_of_an_exploration_gives_a_short_list_of_jobs_with_buttons_and_more(ask, kb):
    interest = "CI.ma-vocation-est-de-soigner"
    total = len(kb.metiers_for_interest(interest))
    assert total > 8
    asked_level = {"exploration": Exploration(interests=["CI.j-aime-la-nature"], step="level").slot()}
    messages, slots = ask("ma vocation est de soigner, quels métiers ?", "ask_jobs",
                          [{"entity": "interest", "value": "ma vocation est de soigner"}], slots=asked_level)
    text = texts(messages)
    first = bullets(text)
    assert f"je connais {total} métiers. En voici 8 :" in text and len(first) == 8
    assert [b["title"] for b in messages[-1]["buttons"]] == first + ["Voir plus", "Reprendre l'exploration"]
    assert slots["pending_options"] and slots["next_page"] == f"ask_jobs|{interest}|8"
    assert "Onisep, fiches MET." in text.split("\n")[-1]
    messages, slots = ask("montre-m'en d'autres", "ask_more", slots={"next_page": slots["next_page"]})
    second = bullets(texts(messages))
    assert len(second) == 8 and not set(second) & set(first)
    assert f"(9 à 16 sur {total})" in texts(messages) and slots["next_page"] == f"ask_jobs|{interest}|16"


def test_more_without_a_list_says_so(ask):
    messages, slots = ask("encore", "ask_more")
    assert "pas d'autre résultat" in messages[0]["text"] and slots["next_page"] is None


def test_a_seed_job_merged_with_its_onisep_twin_cites_both_sources(ask):
    messages, slots = ask("où travaille une cheffe de publicité ?", "ask_working_conditions",
                          job("cheffe de publicité"))
    text = texts(messages)
    assert text.startswith("Conditions de travail d'une cheffe de publicité :")
    assert "Ce métier figure dans l'organigramme d'une agence de communication." in text  # the agency note
    assert "Secteurs : " in text  # the ONISEP fiche MET.8
    assert messages[-1]["text"].endswith("Sources : Note « Agence de communication » ; Onisep, fiche MET.8 (juin 2024)")
    assert slots["subject"] == "JOB.chef-de-publicite"  # one record, not two


def test_a_question_naming_another_job_is_not_taken_for_a_choice(ask):
    """After a list of jobs, « combien gagne un plombier ? » asks about the plumber, not the first option."""
    messages, _ = ask("combien gagne un plombier ?", "ask_salary", job("plombier"),
                      slots={"pending_options": [NURSE, JOURNALIST], "pending_intent": "ask_description"})
    assert "plombier" in messages[0]["text"] and messages[0]["answer_record"] not in (NURSE, JOURNALIST)


def test_national_answers_fit_a_phone_screen(kb):
    """Every kind of answer about a sample of national jobs and formations (and their next page): messages of
    at most PHONE characters, plain text, each with its source line."""
    sample = kb.ids("metier")[::23] + [NURSE, JOURNALIST] + kb.ids("formation")[::60] + [BTS_MCO]
    checked = 0
    for record in (kb.get(i) for i in sample):
        if not record.source.edition:
            continue  # the school's documents keep their answers
        for intent, routes in ROUTES.items():
            compose = routes.get(record.type)
            if compose is None:
                continue
            answers = [compose(kb, record, "f")]
            if answers[0].more is not None:
                answers.append(compose(kb, record, "f", start=answers[0].more))
            for answer in answers:
                for message in answer.messages():
                    checked += 1
                    text = message["text"]
                    assert len(text) <= PHONE, (intent, record.id, len(text))
                    assert "\n\n" not in text and not re.search(r"</?[a-z]+>", text), (intent, record.id)
                    assert re.search(r"\nSources? : [^\n]+$", text), (intent, record.id)
    assert checked > 500


def test_a_generic_word_offers_the_likeliest_few_and_asks_to_say_more(ask):
    messages, slots = ask("quelles études pour être ingénieure ?", "ask_studies", job("ingénieure"))
    text, buttons = messages[0]["text"], messages[0]["buttons"]
    assert messages[0]["answer_kind"] == "ambiguous" and 2 <= len(buttons) <= 5
    assert re.search(r"correspond à \d+ fiches", text) and "précise ta demande" in text
    assert all(b["title"].startswith("ingénieure") for b in buttons)  # in the student's gender
    assert slots["gender"] == "f" and slots["pending_intent"] == "ask_studies"


def test_further_studies_after_a_formation(ask):
    messages, slots = ask("après le BTS management commercial opérationnel, quelles études ?", "ask_studies",
                          [{"entity": "formation", "value": "BTS management commercial opérationnel"}])
    text = texts(messages)
    assert text.startswith("Après « BTS management commercial opérationnel » :\nPoursuites d'études : Le BTS")
    assert "• licence pro mention management des activités commerciales" in text
    assert re.search(r"à \d+ métiers? : demande-moi « quels métiers \? »", text) and slots["subject"] == BTS_MCO


def test_options_that_differ_past_the_cut_keep_buttons_apart(kb):
    """Two titles alike for their first 64 characters: each button shows its start and the words that differ."""
    from actions.compose import BUTTON_TITLE, choice_buttons
    titles = [b["title"] for b in choice_buttons([kb.get("FOR.8472"), kb.get("FOR.8473")])]
    assert len(set(titles)) == 2 and all(len(t) <= BUTTON_TITLE for t in titles)
    assert titles[0].startswith("BTS cybersécurité") and titles[0].endswith("option A informatique et réseaux")
    assert titles[1].endswith("option B électronique et réseaux")


def test_a_formation_named_whole_with_its_option_letter(ask):
    messages, slots = ask("quel est le niveau du BTS cybersécurité, informatique et réseaux, électronique option B "
                          "électronique et réseaux ?", "ask_level")
    assert slots["subject"] == "FOR.8473" and "bac + 2" in messages[0]["text"]


@pytest.mark.parametrize("record,said", [
    ("MET.167", "la fiche n'indique pas de niveau de diplôme minimum (« autre formation »)"),
    ("MET.689", "on peut commencer après la 3e (fin du collège)"),
])
def test_access_levels_that_are_no_diploma_read_as_sentences(ask, record, said):
    messages, _ = ask("il faut quel niveau ?", "ask_level", slots={"subject": record, "metier_id": record})
    assert said in messages[0]["text"] and "minimum est autre" not in messages[0]["text"]


def test_the_sentence_names_more_than_a_generic_entity(ask):
    """The NLU tags « technicienne » alone (148 fiches): the sentence's « technicienne de laboratoire » wins."""
    messages, _ = ask("quelles études pour devenir technicienne de laboratoire ?", "ask_studies", job("technicienne"))
    titles = [b["title"] for b in messages[0]["buttons"]]
    assert "technicienne biologiste" in titles and len(titles) <= 5
    assert "technicienne de laboratoire" in messages[0]["text"] and "148" not in messages[0]["text"]


def test_a_loose_word_of_a_follow_up_keeps_the_subject(ask):
    """« certif » only looks like the 12 « Certificat … » formations: after the cross-média title, the question
    is about it; in a new conversation the same words still ask which fiche."""
    messages, _ = ask("et qui la délivre cette certif ?", "ask_certifier", fixture="after_cross_media_title")
    assert "INSTITUT PROMOTION FORMATION" in messages[0]["text"] and not messages[0].get("buttons")
    messages, _ = ask("et qui la délivre cette certif ?", "ask_certifier")
    assert messages[0].get("buttons")


@pytest.mark.parametrize("text,intent,entities,lacking,name", [
    ("c'est combien les frais d'inscription pour le BTS communication ?", "ask_level",
     [{"entity": "formation", "value": "BTS communication"}], "les frais de scolarité", "« BTS communication »"),
    ("y a beaucoup de chômage chez les chefs de pub ?", "ask_working_conditions", job("chefs de pub"),
     "de chiffres sur le chômage", "« chef de publicité »"),
    ("j'ai combien de chances d'être admise en diplôme d'état d'infirmier ?", "ask_level", [],
     "les chances d'admission", "« Diplôme d'Etat d'infirmier »"),
])
def test_a_fact_no_fiche_holds_is_said_plainly(ask, text, intent, entities, lacking, name):
    """Fees, admission chances, unemployment: the base has none; the answer says so about the record named,
    never a nearby fact, and offers what can be asked instead."""
    messages, _ = ask(text, intent, entities)
    said = messages[0]["text"]
    assert said.startswith(f"Ma base ne contient pas {lacking} pour {name}.") and "conseiller" in said
    assert messages[0].get("buttons")
