"""Comparisons (issue 18, part 2): two or three records of one kind side by side, fact by fact, from the base; a
fact one fiche lacks is « non renseigné »; a name several records fit is asked first, then compared; a follow-up
after a comparison answers for every record compared."""

from __future__ import annotations

import pytest

from actions.compare import NONE, compare
from knowledge.kb import KnowledgeBase

pytestmark = pytest.mark.unit

TRAFFIC, MEDIA, CROSS, C360, MCO = "JOB.traffic-manager", "JOB.media-planneur", "RNCP35746", "RNCP28684", "FOR.2317"


@pytest.fixture(scope="module")
def base(kb_path):
    return KnowledgeBase(kb_path)


def whole(answer) -> str:
    return answer.text + "\n" + answer.second


def test_two_jobs_fact_by_fact_with_both_sources(base):
    traffic, media = base.get(TRAFFIC), base.get(MEDIA)
    said = compare(base, [traffic, media])
    text = whole(said)
    assert f"• traffic manager : {traffic.niveau_acces_min.lower()}" in text
    assert f"• média planneur : {media.niveau_acces_min.lower()}" in text
    assert "2916" in text and "2660" in text  # their beginner salaries
    assert "|" not in text  # no table: blocks of lines
    assert "MET.489" in said.source and "MET.657" in said.source
    assert all(len(part) <= 700 for part in (said.text, said.second))


def test_two_certifications_and_a_missing_fact(base):
    text = whole(compare(base, [base.get(CROSS), base.get(C360)]))
    assert "5 blocs" in text and "3 blocs" in text
    assert "IPL (ISEFAC Paris Lille)" in text and "INSTITUT PROMOTION FORMATION" in text
    assert "86 %" in text  # the cross-média's latest insertion rate


def test_a_fact_one_side_lacks_is_said_not_filled(base):
    dircom = base.get("MET.650")
    assert not dircom.salaire_debutant
    text = whole(compare(base, [dircom, base.get(TRAFFIC)]))
    assert f"• directeur de communication : {NONE}" in text


def test_records_of_different_kinds_are_not_compared(base):
    said = compare(base, [base.get("MET.38"), base.get(MCO)])
    assert said.kind == "clarify" and "métier" in said.text and "formation" in said.text


def test_comparison_named_in_words_then_a_follow_up_for_both(chat):
    said = chat.say("quelle est la différence entre traffic manager et média planneur ?", "ask_comparison",
                    [{"entity": "job", "value": "traffic manager"}, {"entity": "job", "value": "média planneur"}])
    assert "Côte à côte" in said and "bac + 2" in said and "bac + 5" in said
    said = chat.say("et les études ?", "ask_studies")
    assert "Pour devenir traffic manager" in said and "Pour devenir média planneur" in said


def test_an_ambiguous_name_is_asked_first_then_compared(chat):
    said = chat.say("c'est quoi la différence entre chargé de communication et attaché de presse ?", "ask_comparison",
                    [{"entity": "job", "value": "chargé de communication"},
                     {"entity": "job", "value": "attaché de presse"}])
    assert "chargé de communication" in said and "Côte à côte" not in said
    said = chat.say("le premier", "choose_option")
    assert "Côte à côte" in said and "attaché de presse" in said


def test_the_subject_compared_with_the_record_named(chat):
    chat.say("le titre cross-média", "ask_description", [{"entity": "certification", "value": "cross-média"}])
    said = chat.say("et par rapport au titre 360 ?", "ask_comparison",
                    [{"entity": "certification", "value": "titre 360"}])
    assert "Côte à côte" in said and "5 blocs" in said and "3 blocs" in said


def test_one_record_alone_asks_what_to_compare_it_with(chat):
    said = chat.say("compare le métier de boulanger", "ask_comparison", [{"entity": "job", "value": "boulanger"}])
    assert "Avec quelle autre fiche" in said


def test_a_where_question_taken_for_a_comparison_is_answered_as_asked(domain):
    from actions.actions import ActionAnswer
    from tests.actions.conftest import run, turn
    ranking = [{"name": "ask_comparison", "confidence": 0.82}, {"name": "ask_working_conditions", "confidence": 0.05}]
    tracker = turn(text="et c'est où ?", intent="ask_comparison", ranking=ranking, slots={"subject": "RNCP28684"})
    messages, _ = run(ActionAnswer(), tracker, domain)
    assert "rue chabrol" in messages[0]["text"]


@pytest.mark.parametrize("text", ["traffic manager ou média planneur, quelle différence dans les études ?",
                                  "pour la pub, vaut mieux faire traffic manager ou média planneur ?"])
def test_two_names_of_one_kind_and_a_comparing_word_compare_whatever_fact_the_nlu_heard(chat, text):
    said = chat.say(text, "ask_studies",
                    [{"entity": "job", "value": "traffic manager"}, {"entity": "job", "value": "média planneur"}])
    assert "Côte à côte" in said and "bac + 2" in said and "bac + 5" in said


def test_two_names_of_different_kinds_get_the_fact_asked(chat):
    said = chat.say("le titre 360 ou le métier de traffic manager, il faut quel niveau ?", "ask_level",
                    [{"entity": "certification", "value": "titre 360"}, {"entity": "job", "value": "traffic manager"}])
    assert "Côte à côte" not in said


def test_two_names_without_a_comparing_word_get_the_fact_asked(chat):
    said = chat.say("traffic manager et média planneur, c'est quelles études ?", "ask_studies",
                    [{"entity": "job", "value": "traffic manager"}, {"entity": "job", "value": "média planneur"}])
    assert "Côte à côte" not in said


def test_a_long_name_cut_in_parts_is_no_comparison(domain):
    from actions.actions import ActionAnswer
    from tests.actions.conftest import run, turn
    text = ("combien de temps dure le DEJEPS animation socio-éducative ou culturelle mention développement de "
            "projets, territoires et réseaux ?")
    parts = ["DEJEPS animation socio-éducative ou culturelle mention développement de projets",
             "territoires et réseaux"]
    entities = [{"entity": "formation", "value": part, "start": text.index(part), "end": text.index(part) + len(part),
                 "record_ids": ["FOR.6417"], "status": "found"} for part in parts]
    ranking = [{"name": "ask_comparison", "confidence": 0.73}, {"name": "ask_level", "confidence": 0.2}]
    messages, _ = run(ActionAnswer(), turn(text=text, intent="ask_comparison", entities=entities, ranking=ranking),
                      domain)
    said = "\n".join(m.get("text") or "" for m in messages)
    assert "Côte à côte" not in said and "2 ans" in said


def test_a_long_name_cut_in_parts_is_linked_whole(domain):
    from actions.actions import ActionAnswer
    from tests.actions.conftest import run, turn
    text = ("quel est le niveau du BTS cybersécurité, informatique et réseaux, électronique option B électronique "
            "et réseaux ?")
    parts = [("BTS cybersécurité", ["FOR.8472", "FOR.8473"]), ("informatique et réseaux", ["FOR.4049", "FOR.8472"]),
             ("électronique et réseaux", ["FOR.8472", "FOR.8473", "MET.573"])]
    starts = [text.index(parts[0][0]), text.index(parts[1][0]), text.rindex(parts[2][0])]
    entities = [{"entity": "formation", "value": value, "start": start, "end": start + len(value),
                 "record_ids": ids, "status": "ambiguous"} for (value, ids), start in zip(parts, starts)]
    ranking = [{"name": "ask_comparison", "confidence": 0.78}, {"name": "ask_level", "confidence": 0.16}]
    messages, slots = run(ActionAnswer(), turn(text=text, intent="ask_comparison", entities=entities, ranking=ranking),
                          domain)
    assert slots["subject"] == "FOR.8473" and "bac + 2" in messages[0]["text"]


def test_two_names_sharing_a_record_are_two_when_their_joining_word_is_not_in_the_name_linked(domain):
    from actions.actions import ActionAnswer
    from tests.actions.conftest import run, turn
    text = "en terme de salaire, commercial ou assistant de gestion ?"
    entities = [{"entity": "job", "value": value, "start": text.index(value), "end": text.index(value) + len(value),
                 "record_ids": ids, "status": "ambiguous"}
                for value, ids in [("commercial", ["MET.267", "MET.453", "MET.28", "MET.186", "MET.74"]),
                                   ("assistant de gestion", ["MET.797", "MET.798", "MET.28"])]]
    ranking = [{"name": "ask_comparison", "confidence": 0.57}, {"name": "ask_salary", "confidence": 0.4}]
    messages, _ = run(ActionAnswer(), turn(text=text, intent="ask_comparison", entities=entities, ranking=ranking),
                      domain)
    assert messages[0]["text"].startswith("« commercial » peut correspondre à plusieurs fiches")  # asked first
    assert messages[0]["answer_question"] == "ask_comparison"


def test_what_changes_between_two_names_is_a_comparison(chat):
    said = chat.say("traffic manager et média planneur : qu'est-ce qui change au quotidien ?", "ask_description",
                    [{"entity": "job", "value": "traffic manager"}, {"entity": "job", "value": "média planneur"}])
    assert "Côte à côte" in said and "traffic manager" in said and "média planneur" in said


def test_a_word_the_nlu_kept_out_of_the_names_makes_no_comparison(chat):
    said = chat.say("chauffeur de taxi on est à son compte ou salarié ?", "ask_status",
                    [{"entity": "job", "value": "chauffeur de taxi"}])
    assert "Côte à côte" not in said and "comparer" not in said


@pytest.mark.parametrize("text", ["c koi la diff entre traffic manager et média planneur",
                                  "traffic manager / média planneur : avantages et inconvénients",
                                  "traffic manager c'est équivalent à média planneur ?",
                                  "traffic manager et média planneur ça se ressemble ?",
                                  "qu'est-ce qui sépare le traffic manager du média planneur ?",
                                  "traffic manager et média planneur, quels points communs ?",
                                  "en quoi le traffic manager diffère-t-il du média planneur ?",
                                  "traffic manager et média planneur, combien d'années d'études pour chacun ?",
                                  "ça vaut quoi le traffic manager par rapport au média planneur ?"])
def test_more_ways_to_ask_a_comparison(chat, text):
    said = chat.say(text, "ask_description",
                    [{"entity": "job", "value": "traffic manager"}, {"entity": "job", "value": "média planneur"}])
    assert "Côte à côte" in said


def test_more_or_less_than_between_two_names_is_a_comparison(chat):
    said = chat.say("traffic manager a-t-il plus d'avenir que média planneur ?", "ask_jobs",
                    [{"entity": "job", "value": "traffic manager"}, {"entity": "job", "value": "média planneur"}])
    assert "Côte à côte" in said


def test_two_names_sharing_a_fiche_are_still_two_names_to_compare(chat):
    text = "c koi la diff entre electricien et electrotechnicien"
    entities = [{"entity": "job", "value": value, "start": text.index(value), "end": text.index(value) + len(value),
                 "record_ids": ids, "status": "ambiguous"}
                for value, ids in (("electricien", ["MET.56", "MET.75"]), ("electrotechnicien", ["MET.403", "MET.75"]))]
    said = chat.say(text, "ask_comparison", entities)
    assert "peut correspondre à plusieurs fiches" in said  # which électricien first, then the comparison


def test_two_names_alone_with_or_are_compared_not_read_as_one_name(chat):
    said = chat.say("électricienne ou plombière ?", "ask_comparison",
                    [{"entity": "job", "value": "électricienne"}, {"entity": "job", "value": "plombière"}])
    assert said.startswith("« électricienne » correspond à")  # the ambiguous name asked first, then compared
    assert chat.events[-1]["metadata"]["answer_question"] == "ask_comparison"
