"""The guided exploration (issue 18, part 1): start (asked for, or tastes stated), choose interests (buttons or
words), pages, a sector, studies wanted, jobs ranked by the interests they match with why, five more, change,
leave, a question in the middle and resume, and opening a job that the conversation then goes on about. Interests,
sectors and jobs are read from the knowledge base."""

from __future__ import annotations

import pytest

from actions.explore import PAGE, SHOWN, Exploration, interests, interests_said, ranked, sectors_for, years
from actions.guide import EXPLORATION
from knowledge.kb import KnowledgeBase

pytestmark = pytest.mark.unit

NATURE, ANIMALS = "CI.j-aime-la-nature", "CI.je-veux-m-occuper-d-animaux"
DRAWING, SPORT = "CI.j-ai-un-bon-coup-de-crayon", "CI.le-sport-est-ma-passion"


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
    assert "secteur" in said and "Peu importe" in chat.titles
    said = press(chat, "sector:any")
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
    press(chat, "sector:any")
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
    assert "secteur" in said
    said = chat.say("peu importe", "nlu_fallback")
    assert "Combien de temps" in said and state(chat).sector == ""
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
    assert "secteur" in said
    said = chat.say("bac+5", "nlu_fallback", action=ActionFallback())  # the studies said: no sector
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
    assert interests_said(base, said) == [interest]


def test_several_interests_said_at_once_even_in_question_words(base):
    said = interests_said(base, "je suis en terminale, j'aime écrire et les réseaux sociaux, je ne sais pas quoi faire")
    assert said == ["CI.j-aime-communiquer", "CI.je-suis-accro-au-numerique"]
    assert interests_said(base, "je veux aider les autres") == ["CI.je-veux-etre-utile-aux-autres"]
    assert interests_said(base, "je ne sais pas quoi faire") == []


@pytest.mark.parametrize("text, intent", [("j'aime écrire", "ask_jobs"), ("je veux aider les autres", "ask_more"),
                                          ("les animaux", "explore")])
def test_tastes_stated_start_an_exploration_with_them(chat, base, text, intent):
    said = chat.say(text, intent)
    assert "Noté" in said and state(chat).interests == interests_said(base, text) != []
    assert "C'est tout" in chat.titles


def test_tastes_stated_to_an_unsure_nlu_start_an_exploration(chat):
    from actions.actions import ActionFallback
    said = chat.say("moi ce qui me plaît c'est bricoler", "nlu_fallback", action=ActionFallback())
    assert "Noté : réparer, bricoler, j'adore ça" in said


@pytest.mark.parametrize("text", ["passionné de cuisine, je fais tous les repas à la maison le dimanche",
                                  "fan de mangas, j'en lis tous les jours"])
def test_a_passion_the_base_has_no_word_for_told_to_an_unsure_nlu_starts_an_exploration(chat, text):
    from actions.actions import ActionFallback
    said = chat.say(text, "nlu_fallback", action=ActionFallback())
    assert "centres d'intérêt" in said and state(chat) == Exploration()


@pytest.mark.parametrize("text", ["j'adore ta réponse", "j'adore, merci !", "je suis fan, merci beaucoup"])
def test_liking_an_answer_is_no_passion(chat, text):
    from actions.actions import ActionFallback
    chat.say(text, "nlu_fallback", action=ActionFallback())
    assert chat.slots.get(EXPLORATION) is None


def test_tastes_told_with_a_job_turned_down_start_an_exploration(chat):
    text = "bonne en maths, j'aime les chiffres et la logique, mais pas envie d'être prof"
    said = chat.say(text, "ask_jobs", [{"entity": "job", "value": "prof", "start": text.index("prof"),
                                        "end": text.index("prof") + 4}])
    assert "Noté : j'aime jongler avec les chiffres" in said and state(chat).step == "interests"


def test_a_question_about_jobs_for_an_interest_gets_the_explorations_results(chat, base):
    said = chat.say("quels métiers quand on aime les animaux ?", "ask_jobs",
                    [{"entity": "interest", "value": "aime les animaux"}])
    total = len(base.metiers_for_interest(ANIMALS))
    assert f"Des métiers pour toi ({total} en tout" in said and state(chat).interests == [ANIMALS]
    assert "5 autres métiers" in chat.titles and "Changer mes choix" in chat.titles


def test_three_interests_said_go_straight_to_the_sector(chat):
    said = chat.say("j'aime la nature, les animaux et le sport, je sais pas quoi faire", "explore")
    assert len(state(chat).interests) == 3 and state(chat).step == "sector" and "secteur" in said


def test_a_sector_chosen_keeps_its_jobs_only_and_says_so(chat, base):
    chat.say("je ne sais pas quoi faire", "explore")
    press(chat, f"interest:{ANIMALS}")
    press(chat, "done")
    offered = sectors_for(base, Exploration([ANIMALS]))
    label, count = offered[0]
    assert f"{label} ({count})" == chat.titles[0]  # the sector with most jobs first, with how many
    press(chat, f"sector:{base.activity_sectors.index(label)}")
    said = press(chat, "level:any")
    assert f"({count} en tout ; secteur : {label} ;" in said
    jobs = ranked(base, Exploration([ANIMALS], "any", sector=label))
    assert len(jobs) == count and all(label in job.secteurs_activite for job, _ in jobs)
    assert jobs[0][0].label in said


def test_a_sector_said_in_words_then_resume_at_that_step(chat, base):
    chat.say("je ne sais pas quoi faire", "explore")
    press(chat, f"interest:{NATURE}")
    press(chat, "done")
    said = chat.say("combien gagne un boulanger ?", "ask_salary", [{"entity": "job", "value": "boulanger"}])
    assert "Reprendre l'exploration" in chat.titles
    said = press(chat, "resume")
    assert "secteur" in said
    sector = sectors_for(base, Exploration([NATURE]))[0][0]
    said = chat.say(sector.lower(), "nlu_fallback")
    assert state(chat).sector == sector and "Combien de temps" in said


def test_help_asked_with_orientation_starts_an_exploration_help_alone_does_not(chat, domain):
    from actions.actions import ActionSmallTalk
    said = chat.say("aide moi stp je sais pas quoi faire comme metier", "help", action=ActionSmallTalk())
    assert "centres d'intérêt" in said and state(chat) == Exploration()
    from tests.actions.conftest import Conversation
    other = Conversation(domain)
    said = other.say("comment ça marche ?", "help", action=ActionSmallTalk())
    assert "centres d'intérêt" not in said and other.slots.get(EXPLORATION) is None


def test_job_ideas_asked_with_nothing_named_start_an_exploration(chat):
    said = chat.say("tu peux me donner des idées de métiers ?", "ask_jobs")
    assert "centres d'intérêt" in said and state(chat) == Exploration()


def test_jobs_asked_about_the_subject_are_its_jobs_not_an_exploration(chat):
    chat.say("le titre cross-média", "ask_description", [{"entity": "certification", "value": "cross-média"}])
    said = chat.say("et ça mène à quels métiers, tu me proposes quoi ?", "ask_jobs")
    assert chat.slots.get(EXPLORATION) is None and "centres d'intérêt" not in said


@pytest.mark.parametrize("typed, intent", [("recommencer", "nlu_fallback"), ("/recommencer", "help"),
                                           ("on arrête", "deny")])
def test_recommencer_typed_leaves_the_exploration_at_any_step(chat, typed, intent):
    from actions.actions import ActionFallback, ActionSmallTalk
    chat.say("je ne sais pas quoi faire", "explore")
    press(chat, f"interest:{NATURE}")
    press(chat, "done")
    action = {"nlu_fallback": ActionFallback(), "help": ActionSmallTalk()}.get(intent)
    said = chat.say(typed, intent, action=action)
    assert "on arrête" in said and chat.slots.get(EXPLORATION) is None


def test_a_name_holding_an_interests_word_is_that_record_not_a_taste(chat):
    said = chat.say("directrice artistique", "choose_option",
                    [{"entity": "job", "value": "directrice artistique", "status": "ambiguous"}])
    assert chat.slots.get(EXPLORATION) is None and "Noté" not in said


@pytest.mark.parametrize("sure, text", [  # a weak exploration, or one that says it corrects
    (0.56, "je me suis mal exprimée : c'est les formations que je voulais"),
    (0.8, "je me suis mal exprimée : c'est les formations que je voulais"),
    (0.8, "c'est les formations que je voulais")])
def test_an_exploration_correcting_the_subjects_question_is_a_follow_up_about_it(domain, sure, text):
    from actions.actions import ActionAnswer
    from tests.actions.conftest import run, turn
    ranking = [{"name": "explore", "confidence": sure}, {"name": "ask_studies", "confidence": 0.17}]
    tracker = turn(text=text, intent="explore",
                   ranking=ranking, slots={"subject": "MET.650", "metier_id": "MET.650"})
    messages, slots = run(ActionAnswer(), tracker, domain)
    assert "master" in messages[0]["text"] and slots.get(EXPLORATION) is None


def unsure(domain, text: str, runners_up: list[tuple[str, float]], entities=None):
    """The fallback's answer (messages, slots) to a message the NLU was unsure about, its runners-up given."""
    from actions.actions import ActionFallback
    from tests.actions.conftest import run, turn
    ranking = [{"name": "nlu_fallback", "confidence": 0.45}, *({"name": n, "confidence": c} for n, c in runners_up)]
    return run(ActionFallback(), turn(text=text, intent="nlu_fallback", entities=entities, ranking=ranking), domain)


def test_an_exploration_close_behind_the_fallback_starts_unless_a_record_is_named(domain):
    runners_up = [("explore", 0.42), ("ask_studies", 0.38)]
    messages, slots = unsure(domain, "comment savoir quel métier faire ?", runners_up)
    assert "centres d'intérêt" in messages[0]["text"] and slots.get(EXPLORATION)
    named = [{"entity": "job", "value": "plombier", "status": "found"}]
    _, slots = unsure(domain, "comment devenir plombier quel métier", runners_up, named)
    assert not slots.get(EXPLORATION)


def test_job_ideas_asked_under_another_question_start_an_exploration(chat):
    said = chat.say("t'aurais des idées de boulots avec des horaires sympas ?", "ask_working_conditions")
    assert "centres d'intérêt" in said and state(chat) == Exploration()


def test_jobs_asked_for_two_interests_get_the_explorations_results_at_once(chat, base):
    said = chat.say("quels métiers pour quelqu'un qui aime la nature et les animaux ?", "ask_jobs",
                    [{"entity": "interest", "value": "nature"}, {"entity": "interest", "value": "animaux"}])
    assert "Des métiers pour toi" in said and "tu aimes la nature et tu veux t'occuper d'animaux" in said
    assert state(chat).interests == [NATURE, ANIMALS] and state(chat).step == "results"


def test_ideas_asked_for_one_interest_get_the_explorations_results(chat):
    said = chat.say("des idées de métiers quand on aime la nature ?", "ask_jobs",
                    [{"entity": "interest", "value": "nature"}])
    assert "Des métiers pour toi" in said and state(chat).interests == [NATURE]


def test_jobs_asked_about_nothing_the_base_names_start_an_exploration(chat):
    said = chat.say("quels métiers pour quelqu'un de très organisé qui aime pas l'imprévu ?", "ask_jobs")
    assert "centres d'intérêt" in said and state(chat) == Exploration()


def test_jobs_spoken_of_with_an_interest_under_another_question_get_the_explorations_results(chat):
    said = chat.say("ya des métiers où on est dans la nature toute la journée ?", "ask_working_conditions")
    assert "Des métiers pour toi" in said and state(chat).interests == [NATURE]


def test_help_the_nlu_was_torn_about_starts_an_exploration_when_it_speaks_of_orientation(domain):
    messages, slots = unsure(domain, "chuis paumé pour mes voeux, aidez moi", [("help", 0.41), ("explore", 0.2)])
    assert "centres d'intérêt" in messages[0]["text"] and slots.get(EXPLORATION)


def test_two_tastes_stated_without_asking_start_at_the_interests_not_the_results(chat):
    said = chat.say("j'aime écrire et les animaux", "ask_jobs")
    assert "Noté" in said and state(chat).step == "interests" and len(state(chat).interests) == 2


def test_an_exploration_the_nlu_is_sure_of_stays_one_though_a_record_is_named_with_a_fact(chat):
    said = chat.say("notre fille a son bac général mais aucune proposition sur Parcoursup, quelles solutions ?",
                    "explore", [{"entity": "formation", "value": "bac général"}])
    assert "centres d'intérêt" in said and state(chat) == Exploration()


def test_two_names_of_one_kind_and_a_comparing_word_compare_though_the_nlu_heard_an_exploration(chat):
    said = chat.say("infirmier ou aide-soignant, je sais pas quoi faire", "explore",
                    [{"entity": "job", "value": "infirmier"}, {"entity": "job", "value": "aide-soignant"}])
    assert "Côte à côte" in said and chat.slots.get(EXPLORATION) is None


def test_a_comparison_naming_a_taste_is_no_exploration(chat):
    said = chat.say("prépa ou fac de maths, quoi de mieux pour faire des études longues", "ask_comparison")
    assert chat.slots.get(EXPLORATION) is None and "Noté" not in said


def test_how_things_work_in_tastes_told_is_no_question(chat):
    from actions.actions import ActionFallback
    said = chat.say("j'aime bricoler, démonter des trucs et comprendre comment ça marche", "nlu_fallback",
                    action=ActionFallback())
    assert "Noté : réparer, bricoler, j'adore ça" in said


def test_a_liking_told_under_another_question_starts_an_exploration(chat):
    said = chat.say("J'aime bien cuisiner pour ma famille le week-end et tester des recettes", "ask_working_conditions")
    assert "centres d'intérêt" in said and state(chat) == Exploration()


def test_being_lost_about_orientation_said_off_topic_starts_an_exploration(chat):
    from actions.actions import ActionOutOfScope
    said = chat.say("j'ai raté mon bac, je fais quoi maintenant ?", "out_of_scope", action=ActionOutOfScope())
    assert "centres d'intérêt" in said and state(chat) == Exploration()


def test_jobs_asked_for_ones_profile_with_one_interest_get_the_explorations_results(chat):
    said = chat.say("quel métier correspondrait à mon profil ? j'aime la nature", "ask_jobs",
                    [{"entity": "interest", "value": "nature"}])
    assert "Des métiers pour toi" in said and state(chat).interests == [NATURE]


@pytest.mark.parametrize("text", ["j'aime bien", "j'aime bien tes réponses", "j'aime pas ta réponse",
                                  "j'aime beaucoup l'idée"])
def test_liking_the_assistant_is_no_taste(chat, text):
    from actions.actions import ActionSmallTalk
    chat.say(text, "thank", action=ActionSmallTalk())
    assert chat.slots.get(EXPLORATION) is None


@pytest.mark.parametrize("text, expected", [
    ("j'aime pas trop parler au téléphone ni vendre", []),
    ("je suis nulle en maths mais j'aime les animaux", [ANIMALS]),
    ("je sais pas j'aime les animaux", [ANIMALS]),
    ("j'adore les animaux et pas trop la nature", [ANIMALS]),
    ("nul en tout sauf en sport", [SPORT]),
    ("tout sauf le sport", [])])
def test_interests_turned_down_are_no_tastes(base, text, expected):
    assert interests_said(base, text) == expected


def test_what_could_suit_me_asked_under_another_question_starts_an_exploration(chat):
    said = chat.say("je suis plutôt introverti, j'aime pas trop parler au téléphone ni vendre, qu'est-ce qui pourrait "
                    "me correspondre ?", "ask_profile")
    assert "centres d'intérêt" in said and state(chat) == Exploration()


def test_what_i_could_do_with_a_taste_asked_under_another_question_gets_the_explorations_results(chat):
    said = chat.say("qu'est-ce que je peux faire si j'aime dessiner et les mangas ?", "ask_profile")
    assert "Des métiers pour toi" in said and state(chat).interests == [DRAWING]


def test_jobs_asked_for_a_passion_told_with_a_job_turned_down_get_the_explorations_results(chat):
    text = "passionnée de sport, y a des métiers dans le sport à part prof d'EPS ?"
    said = chat.say(text, "ask_jobs", [{"entity": "job", "value": "prof d'EPS", "start": text.index("prof"),
                                        "end": len(text) - 2}])
    assert "Des métiers pour toi" in said and state(chat).interests == [SPORT]


def test_an_exploration_close_behind_the_fallback_starts_with_the_interests_named(domain):
    runners_up = [("explore", 0.42), ("ask_jobs", 0.3)]
    messages, slots = unsure(domain, "mon truc c'est la nature et la chimie, y a un métier entre les deux ?",
                             runners_up, [{"entity": "interest", "value": "nature", "status": "found"}])
    assert slots.get(EXPLORATION) and NATURE in Exploration.parse(slots[EXPLORATION]).interests


def test_jobs_asked_for_favourite_subjects_get_the_explorations_results(chat):
    said = chat.say("mes matières préférées c'étaient la SVT et l'histoire-géo, ça peut mener à quels métiers ?",
                    "ask_jobs", [{"entity": "interest", "value": "SVT"}])
    assert "Des métiers pour toi" in said and len(state(chat).interests) == 1


def test_an_exploration_the_nlu_is_sure_of_asking_a_fact_of_the_subject_under_way_is_that_fact(domain):
    from actions.actions import ActionAnswer
    from tests.actions.conftest import run, turn
    ranking = [{"name": "explore", "confidence": 0.7}, {"name": "ask_working_conditions", "confidence": 0.2}]
    tracker = turn(text="et c'est surtout dans quelle région qu'il y a du boulot ?", intent="explore",
                   ranking=ranking, slots={"subject": "MET.8", "metier_id": "MET.8"})
    messages, slots = run(ActionAnswer(), tracker, domain)
    assert "Île-de-France" in messages[0]["text"] and slots.get(EXPLORATION) is None


@pytest.mark.parametrize("text", ["j'aime bien bricoler et réparer des scooters, c'est quoi les métiers qui vont avec ?",
                                  "je veux m'occuper d'animaux mais pas dans le médical, il y a quoi comme métiers ?"])
def test_jobs_asked_for_ones_own_taste_get_the_explorations_results(chat, text):
    said = chat.say(text, "ask_jobs")
    assert "Des métiers pour toi" in said and len(state(chat).interests) == 1


@pytest.mark.parametrize("text, intent", [
    ("quels métiers recrutent beaucoup en ce moment sans avoir besoin du bac ?", "ask_level"),
    ("quelles formations courtes en alternance près de chez moi ?", "ask_studies"),
    ("sans bac, on peut faire quoi ?", "ask_level"),
    ("métier créatif qui paye bien ça existe vraiment ?", "ask_salary"),
    ("formation courte pour bosser vite ?", "ask_studies")])
def test_jobs_asked_with_nothing_named_under_a_records_question_start_an_exploration(chat, text, intent):
    said = chat.say(text, intent)
    assert "centres d'intérêt" in said and state(chat) == Exploration()


def test_the_jobs_that_stand_best_for_an_interest_come_first(base):
    jobs = [job for job, _ in ranked(base, Exploration(interests=["CI.j-aime-communiquer"], level="any"))]
    documents = [job for job in jobs if not job.source.edition]
    assert documents and jobs[:len(documents)] == documents  # the school's own documents first
    rest = jobs[len(documents):]
    firsts = [job.centres_interet[:1] == ["CI.j-aime-communiquer"] for job in rest]
    assert firsts == sorted(firsts, reverse=True)  # then fiches naming it first


def test_studies_asked_for_interests_get_the_explorations_results(chat):
    said = chat.say("j'aime les animaux et la nature, quelles études après le bac ?", "ask_studies")
    assert "Des métiers pour toi" in said and state(chat).interests == [ANIMALS, NATURE]
