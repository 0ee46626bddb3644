"""Choices and corrections in words (issue 16, part 2): an option picked by its certifier (« celui de la Paris
School », « pas celui de l'ISEFAC, l'autre »), a generic name completed by the next message (« pilote » then
« de ligne »), whatever intent the NLU gives the answer, and a correction that says which kind of record it
means (« le métier d'architecte d'intérieur »)."""

from __future__ import annotations

import pytest

from actions.actions import ActionFallback, ActionOutOfScope

pytestmark = pytest.mark.unit

CROSS_MEDIA, TITLE_360 = "RNCP35746", "RNCP28684"



def options(chat) -> list[str]:
    return chat.slots.get("pending_options") or []


def test_certification_chosen_by_its_certifiers_name(chat):
    chat.say("jusqu'à quand est enregistré le titre de chargé de communication ?", "ask_validity_dates",
             [{"entity": "certification", "value": "chargé de communication"}])
    assert set(options(chat)) >= {CROSS_MEDIA, TITLE_360}
    said = chat.say("celui de la Paris School of Tourism and Communication", "choose_option")
    assert "8 juillet 2023" in said and "RNCP28684" not in said


def test_not_this_certifier_means_the_other_certification(chat):
    chat.say("le taux d'insertion du titre chargé de communication ?", "ask_insertion_stats",
             [{"entity": "certification", "value": "chargé de communication"}])
    if set(options(chat)) != {CROSS_MEDIA, TITLE_360}:
        pytest.fail(f"the two titles should be offered, not {options(chat)}")
    said = chat.say("pas celui de l'ISEFAC, l'autre", "deny")
    assert "RNCP35746" in said and "86 %" in said


def test_generic_name_completed_by_the_next_words_off_topic_for_the_nlu(chat):
    said = chat.say("quelles études pour devenir pilote ?", "ask_studies", [{"entity": "job", "value": "pilote"}])
    assert "pilote" in said and len(options(chat)) > 1
    said = chat.say("de ligne", "out_of_scope", action=ActionOutOfScope())
    assert "Enac" in said


def test_words_that_complete_nothing_leave_the_options(chat):
    chat.say("quelles études pour devenir pilote ?", "ask_studies", [{"entity": "job", "value": "pilote"}])
    said = chat.say("quel temps fait-il", "out_of_scope", action=ActionOutOfScope())
    assert "orientation" in said


def test_correction_naming_the_kind_of_record(chat):
    chat.say("quel niveau pour être architecte ?", "ask_level", [{"entity": "job", "value": "architecte"}])
    said = chat.say("non je voulais dire le métier d'architecte d'intérieur", "deny")
    assert "bac + 4" in said and "Laquelle veux-tu" not in said


def test_both_options_answer_the_question_for_each(chat):
    chat.say("qui délivre le titre de chargé de communication ?", "ask_certifier",
             [{"entity": "certification", "value": "chargé de communication"}])
    said = chat.say("les deux", "choose_option")
    assert "ISEFAC" in said and "Paris School of Tourism and Communication" in said


def test_the_other_title_after_a_correction(chat):
    chat.say("le jury du cross-média c'est qui ?", "ask_jury_vae", [{"entity": "certification", "value": "cross-média"}])
    said = chat.say("non pas celui-là, l'autre titre de chargé de com", "deny")
    assert "responsable de filière" in said and "RNCP35746" not in said


def test_a_title_named_by_what_tells_it_apart(chat):
    chat.say("qui est-ce qui délivre le titre de chargé de com cross-média ?", "ask_certifier",
             [{"entity": "certification", "value": "chargé de com cross-média"}])
    said = chat.say("non pardon je voulais dire le 360", "deny")
    assert "IPL (ISEFAC Paris Lille)" in said


def test_two_jobs_named_are_each_answered_then_followed_up_together(chat):
    said = chat.say("traffic manager et média planneur, c'est quel niveau pour chacun ?", "ask_level")
    assert "bac + 2" in said and "bac + 5" in said
    said = chat.say("et leurs salaires au début ?", "ask_salary")
    assert "2916" in said and "2660" in said


def test_a_generic_word_means_the_one_just_discussed(chat):
    chat.say("vétérinaire et auxiliaire spécialisé vétérinaire, ça gagne combien chacun ?", "ask_salary")
    said = chat.say("et pour être auxiliaire il faut quel âge ?", "ask_studies")
    assert "18 ans" in said and "Laquelle veux-tu" not in said


def test_a_listed_job_picked_by_its_rank_or_a_word_of_its_name(chat):
    chat.say("il y a quels métiers dans une agence de com ?", "ask_jobs", [{"entity": "sector", "value": "agence de com"}])
    said = chat.say("le troisième il fait quoi ?", "ask_description")
    assert "ambassadeur" in said
    chat.say("c'est quoi l'organigramme d'une agence de communication ?", "ask_description",
             [{"entity": "sector", "value": "agence de communication"}])
    said = chat.say("parle moi du concepteur", "ask_description")
    assert "messages publicitaires" in said and "correspond à" not in said


def test_the_subject_narrowed_by_a_few_words(chat):
    chat.say("les débouchés du BUT information-communication ?", "ask_jobs")
    said = chat.say("le parcours journalisme", "choose_option")
    assert "parcours journalisme" in said and "journaliste reporter d'images" in said
    chat.say("comment on rentre à l'IEP ?", "ask_level")
    said = chat.say("celui de Grenoble", "choose_option")
    assert "Grenoble" in said and "concours" in said and "Parcoursup" in said


def test_a_word_of_an_option_answers_the_question_asked(chat):
    chat.say("éducatrice il faut quel niveau ?", "ask_level", [{"entity": "job", "value": "éducatrice"}])
    said = chat.say("spécialisée", "ask_description")
    assert "bac + 3" in said and "en bref" not in said


def test_the_kind_of_record_said_in_a_question_picks_the_option(chat):
    chat.say("directrice artistique", "ask_description", [{"entity": "job", "value": "directrice artistique"}])
    assert len(options(chat)) == 2
    said = chat.say("niveau d'études minimum pour le métier ?", "ask_level")
    assert "directrice artistique" in said and "bac + 3" in said


def test_an_option_named_by_its_own_words_while_they_also_look_like_a_job(chat):
    chat.say("les débouchés du BUT information-communication ?", "ask_jobs",
             [{"entity": "formation", "value": "BUT information-communication"}])
    assert "FOR.8004" in options(chat)
    said = chat.say("le parcours journalisme", "ask_studies")
    assert "journaliste reporter d'images" in said and "Pour devenir journaliste" not in said


def test_the_other_title_when_the_nlu_tags_the_words_title_of(chat):
    chat.say("le jury du cross-média c'est qui ?", "ask_jury_vae", [{"entity": "certification", "value": "cross-média"}])
    said = chat.say("non pas celui-là, l'autre titre de chargé de com", "deny",
                    [{"entity": "certification", "value": "titre de chargé de com", "confidence_entity": 0.51}])
    assert "responsable de filière" in said


def test_a_narrowing_keeps_only_the_words_of_the_subjects_names(chat):
    chat.say("comment on rentre à l'IEP ?", "ask_studies",
             [{"entity": "formation", "value": "IEP", "confidence_entity": 0.19}])
    said = chat.say("celui de Grenoble", "choose_option")
    assert "Institut d'études politiques de Grenoble" in said


def test_a_question_while_options_wait_offers_them_again(chat):
    chat.say("graphiste c'est quoi les études", "ask_studies", [{"entity": "job", "value": "graphiste"}])
    offered = options(chat)
    assert len(offered) > 1
    said = chat.say("et le salaire ?", "ask_salary")
    assert "De quoi parles-tu" not in said and options(chat) == offered
    assert chat.slots.get("pending_intent") == "ask_salary"


def test_an_option_named_inside_a_question_about_it(chat):
    chat.say("chargée de communication", "choose_option",
             [{"entity": "job", "value": "chargée de communication", "confidence_entity": 0.87}])
    assert "JOB.charge-de-communication-collectivite" in options(chat)
    said = chat.say("celle en collectivité, elle est rattachée à qui ?", "nlu_fallback",
                    [{"entity": "job", "value": "collectivité"}], action=ActionFallback())
    assert "directeur de Cabinet" in said


def test_not_this_certifier_under_the_nlu_threshold(chat):
    chat.say("les stats d'insertion du titre de chargé de communication", "ask_insertion_stats",
             [{"entity": "certification", "value": "titre de chargé de communication", "confidence_entity": 0.52}])
    said = chat.say("pas celui de l'ISEFAC, l'autre", "nlu_fallback", action=ActionFallback())
    assert "86 %" in said and "RNCP35746" in said


def test_a_word_that_also_names_a_centre_d_interet_narrows_the_options(chat):
    chat.say("je veux être développeuse, c'est quelles études ?", "ask_studies",
             [{"entity": "job", "value": "développeuse"}])
    assert len(options(chat)) > 1
    said = chat.say("l'informatique", "nlu_fallback", action=ActionFallback())
    assert "Pour devenir développeuse informatique" in said


def test_a_correction_the_nlu_was_unsure_of_answers_the_question_behind_its_no(domain):
    from tests.actions.conftest import run, turn
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, {"name": "deny", "confidence": 0.49},
               {"name": "ask_validity_dates", "confidence": 0.45}]
    tracker = turn(text="non attends, c'est la date d'échéance que je voulais", intent="nlu_fallback",
                   ranking=ranking, slots={"subject": TITLE_360})
    messages, _ = run(ActionFallback(), tracker, domain)
    assert messages[0]["answer_question"] == "ask_validity_dates" and "2020" in messages[0]["text"]
