"""The guided exploration (issue 18, part 1): start, choose interests (buttons or words), pages, studies wanted,
jobs ranked by the interests they match with why, five more, change, leave, a question in the middle and resume,
and opening a job that the conversation then goes on about. Interests and jobs are read from the knowledge base."""

from __future__ import annotations

import pytest

from actions.explore import PAGE, SHOWN, Exploration, interests, ranked, years
from actions.guide import EXPLORATION
from knowledge.kb import KnowledgeBase

pytestmark = pytest.mark.unit

NATURE, ANIMALS = "CI.j-aime-la-nature", "CI.je-veux-m-occuper-d-animaux"


@pytest.fixture(scope="module")
def base(kb_path):
    return KnowledgeBase(kb_path)


def press(chat, action: str) -> str:
    return chat.say(f"/choose_option{{\"choice\": \"explore:{action}\"}}", "choose_option",
                    [{"entity": "choice", "value": f"explore:{action}"}])


def state(chat) -> Exploration:
    return Exploration.parse(chat.slots.get(EXPLORATION))


def test_start_offers_a_page_of_interests_from_the_base(chat, base):
    said = chat.say("je ne sais pas quoi faire", "explore")
    assert "centres d'intérêt" in said
    assert state(chat) == Exploration()
    first = interests(base)[0].label
    assert first[:1].upper() + first[1:] in chat.titles


def test_interests_pages_then_level_then_ranked_jobs_with_why(chat, base):
    chat.say("aide-moi à choisir", "explore")
    press(chat, f"page:{PAGE}")
    assert chat.titles[0] == (lambda t: t[:1].upper() + t[1:])(interests(base)[PAGE].label)
    press(chat, f"interest:{NATURE}")
    press(chat, f"interest:{ANIMALS}")
    assert state(chat).interests == [NATURE, ANIMALS]
    said = press(chat, "done")
    assert "Combien de temps" in said and "bac+3" in chat.titles
    said = press(chat, "level:court")
    jobs = ranked(base, Exploration([NATURE, ANIMALS], "court"))
    both = [job for job, which in jobs if len(which) == 2]
    assert both and both[0].label in said  # a job matching both interests comes first
    assert "tu aimes la nature et tu veux t'occuper d'animaux" in said
    assert len([t for t in chat.titles if t not in ("5 autres métiers", "Changer mes choix", "Recommencer")]) <= SHOWN


def test_five_more_then_open_a_job_and_ask_a_follow_up(chat, base):
    chat.say("je sais pas quoi faire plus tard", "explore")
    press(chat, f"interest:{ANIMALS}")
    press(chat, "done")
    press(chat, "level:any")
    jobs = ranked(base, Exploration([ANIMALS], "any"))
    said = press(chat, "more")
    assert jobs[SHOWN][0].label in said and jobs[0][0].label not in said
    opened = jobs[SHOWN][0]
    chat.say(f"/choose_option{{\"choice\": \"{opened.id}\"}}", "choose_option",
             [{"entity": "choice", "value": opened.id}])
    assert chat.slots["subject"] == opened.id
    assert "Reprendre l'exploration" in chat.titles
    said = chat.say("et quelles études ?", "ask_studies")
    assert f"Pour devenir {opened.label}" in said


def test_interest_and_level_said_in_words(chat):
    chat.say("aide-moi à trouver un métier", "explore")
    chat.say("j'aime la nature", "ask_jobs")
    assert state(chat).interests == [NATURE]
    said = chat.say("c'est tout", "affirm")
    assert "Combien de temps" in said
    said = chat.say("bac+3", "nlu_fallback")
    assert state(chat).level == "bac3" and "Des métiers pour toi" in said


def test_a_question_in_the_middle_is_answered_then_the_exploration_resumes(chat):
    chat.say("je ne sais pas quoi faire", "explore")
    press(chat, f"interest:{NATURE}")
    said = chat.say("combien gagne un boulanger ?", "ask_salary", [{"entity": "job", "value": "boulanger"}])
    assert "Salaire" in said and "Reprendre l'exploration" in chat.titles
    said = press(chat, "resume")
    assert "Noté : j'aime la nature" in said


def test_change_and_leave(chat):
    chat.say("je ne sais pas quoi faire", "explore")
    press(chat, f"interest:{NATURE}")
    press(chat, "change")
    assert state(chat).interests == []
    said = press(chat, "stop")
    assert "on arrête" in said and chat.slots.get(EXPLORATION) is None
    said = chat.say("combien gagne un boulanger ?", "ask_salary", [{"entity": "job", "value": "boulanger"}])
    assert "Reprendre l'exploration" not in chat.titles


def test_years_of_an_access_level():
    assert years("bac + 5") == 5 and years("Bac") == 0 and years("CAP ou équivalent") == -2 and years("") is None


def test_words_in_the_middle_go_on_whatever_the_nlu_says(chat):
    from actions.actions import ActionFallback, ActionOutOfScope, ActionSmallTalk
    chat.say("je ne sais pas quoi faire", "explore")
    chat.say("j'aime la nature", "out_of_scope", action=ActionOutOfScope())
    assert state(chat).interests == [NATURE]
    said = chat.say("c'est tout", "thank", action=ActionSmallTalk())
    assert "Combien de temps" in said
    said = chat.say("peu importe", "nlu_fallback", action=ActionFallback())
    assert "Des métiers pour toi" in said


def test_a_question_naming_a_diploma_is_no_answer_about_studies(chat):
    chat.say("je ne sais pas quoi faire", "explore")
    press(chat, f"interest:{NATURE}")
    said = chat.say("c'est quoi un BTS MCO ?", "ask_description", [{"entity": "formation", "value": "BTS MCO"}])
    assert "brevet de technicien supérieur" in said and state(chat).level == ""


@pytest.mark.parametrize("said, interest", [("j'aime dessiner", "CI.j-ai-un-bon-coup-de-crayon"),
                                            ("les animaux", ANIMALS), ("la nature", NATURE),
                                            ("j'aime bien les maths", "CI.j-aime-jongler-avec-les-chiffres")])
def test_interests_said_in_a_students_words(base, said, interest):
    from actions.explore import interest_said
    assert interest_said(base, said) == interest
