"""The linker at national scale (issue 15, part 5): every ONISEP job, formation and ROME 4.0 appellation of the
shipped exports by its names, the questions of the issue, and no silent guess on a shared or generic name.
On the session's default base (the five documents and the national exports)."""

from __future__ import annotations

import json
import random

import pytest

from actions.resolve import find_mention
from actions.routing import types_for
from knowledge.grammar import genders
from knowledge.linker import AMBIGUOUS, FOUND, MAX_CANDIDATES, UNKNOWN

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def linker(kb):
    assert kb.counts().get("metier", 0) > 900, "la base par défaut doit contenir les exports nationaux"
    return kb.linker


def _records(kb, record_type: str) -> list[dict]:
    rows = kb.db.execute("SELECT data FROM records WHERE type = ? ORDER BY id", (record_type,))
    return [json.loads(data) for (data,) in rows]


def _fits(result, record_id: str) -> bool:
    """Found, or among the choices offered."""
    ids = [c.id for c in result.candidates]
    return (result.status == FOUND and ids == [record_id]) or (result.status == AMBIGUOUS and record_id in ids)


# -- every name of the exports --------------------------------------------------------------------------------
def test_every_job_is_found_by_its_title_in_both_genders(kb, linker):
    missed = []
    for job in _records(kb, "metier"):
        title = job["appellation"]
        for form in {f for name in (title["masculin"], title["feminin"]) if name for f in genders(name)}:
            if not _fits(linker.link(form), job["id"]):
                missed.append((form, job["id"]))
    assert not missed


def test_every_other_name_of_a_job_leads_to_it_or_to_the_record_it_is_the_title_of(kb, linker):
    named = missed = 0
    for job in _records(kb, "metier"):
        for other in job["autres_appellations"]:
            for form in {f for name in (other["masculin"], other["feminin"]) if name for f in genders(name)}:
                named += 1
                result = linker.link(form)
                if not _fits(result, job["id"]) and not result.best.matched == result.best.label:
                    missed += 1
    assert named > 2500 and missed / named < 0.01


def test_every_formation_is_found_by_its_title(kb, linker):
    missed = [(f["libelle"], f["id"]) for f in _records(kb, "formation")
              if f["libelle"] and not _fits(linker.link(f["libelle"]), f["id"])]
    assert not missed


def test_rome_appellations_lead_to_the_jobs_of_their_code(kb, linker):
    """An appellation of a ROME code some ONISEP job holds (itself or its parent code) leads to jobs, those of its
    code when that name is all that names them."""
    draw = random.Random(15)
    codes = [c for c in _records(kb, "rome") if c["appellations"]]
    assert sum(len(c["appellations"]) for c in codes) > 13_000
    held = [c for c in codes if linker._jobs_of(c["code"])]
    assert len(held) > 1000
    sample = draw.sample(held, 300)
    for code in sample:
        title = genders(draw.choice(code["appellations"]))[draw.randint(0, 1)]
        result = linker.link(title, ["metier"])
        assert result.status != UNKNOWN, title
        if result.best.kind == 3:  # reached through its ROME name (not a job's own name)
            assert {c.id for c in result.candidates} & set(linker._jobs_of(code["code"])), (title, result.to_dict())


@pytest.mark.parametrize("mention,expected", [
    ("tractoriste agricole", "MET.287"),  # A1101, conducteur de machines agricoles
    ("conductrice de tracteur", "MET.287"),
    ("développeuse web", "MET.12"),  # M1855 → its parent M1805: développeur informatique and others
])
def test_a_rome_appellation_leads_to_onisep_jobs(linker, mention, expected):
    result = linker.link(mention)
    assert result.status != UNKNOWN and expected in [c.id for c in result.candidates], result.to_dict()
    assert all(c.type == "metier" for c in result.candidates)


# -- the questions ----------------------------------------------------------------------------------
@pytest.mark.parametrize("mention,expected", [
    ("ingénieur agronome", "MET.428"),  # agronome, not ingénieur du son
    ("ingénieure agronome", "MET.428"),
    ("ingénieur chimiste", "MET.170"),
    ("ingénieur du son", "MET.585"),
    ("ingé son", "MET.585"),
    ("infirmière", "MET.38"),
    ("journaliste", "MET.45"),  # also another job's other name: the title wins
    ("plombier", "MET.266"),
    ("contrôleuse aérienne", "MET.1"),
    ("contrôleur aérien", "MET.1"),
    ("aiguilleuse du ciel", "MET.1"),
    ("chef de publicité", "JOB.chef-de-publicite"),  # the seed job and its ONISEP twin are one record
    ("MET.8", "JOB.chef-de-publicite"),
    ("concepteur rédacteur", "JOB.concepteur-redacteur"),
    ("traffic manager", "JOB.traffic-manager"),
    ("BTS MCO", "FOR.2317"),
    ("bts management commercial opérationnel", "FOR.2317"),
    ("BTS SIO option SISR", "FOR.5987"),
    ("BTS SIO SLAM", "FOR.5337"),
    ("BUT TC marketing digital", None),
    ("master journalisme", "FOR.9592"),
    # typos
    ("infirmiere anesthesiste", None),
    ("plombié", "MET.266"),
    ("dévelopeur informatique", "MET.12"),
    ("jounaliste", "MET.45"),
])
def test_found(linker, mention, expected):
    result = linker.link(mention)
    if expected is None:  # found, whichever record: the test is that it is one
        assert result.status == FOUND, result.to_dict()
    else:
        assert result.status == FOUND and result.best.id == expected, result.to_dict()


@pytest.mark.parametrize("mention,among,kind", [
    # a feminine or partial name several records share: never one silently
    ("technicienne de laboratoire", {"MET.36", "MET.288", "MET.649"}, "metier"),
    ("chauffagiste", {"MET.83", "MET.264"}, "metier"),
    ("boulangere patissiere", {"MET.17", "MET.152"}, "metier"),
    ("psychologue de l'éducation nationale", {"MET.361", "MET.634"}, "metier"),
    ("développeur web", {"MET.12", "MET.217", "MET.503"}, "metier"),
    ("BUT informatique", {"FOR.7996", "FOR.7997", "FOR.7998", "FOR.7999"}, "formation"),
    ("BUT info", {"FOR.7996", "FOR.7997", "FOR.7998", "FOR.7999"}, "formation"),
    ("BTS SIO", {"FOR.5337", "FOR.5987"}, "formation"),
])
def test_ambiguous(linker, mention, among, kind):
    result = linker.link(mention, [kind])
    assert result.status == AMBIGUOUS and among <= {c.id for c in result.candidates}, result.to_dict()


def test_charge_de_communication_offers_the_titles_and_the_jobs(linker):
    result = linker.link("chargé de communication")
    ids = [c.id for c in result.candidates]
    assert result.status == AMBIGUOUS and len(ids) <= MAX_CANDIDATES
    assert {"RNCP35746", "RNCP28684", "JOB.charge-de-communication-collectivite"} <= set(ids)
    assert ids[0] == "MET.314"  # the job ONISEP also calls so, first but not alone


@pytest.mark.parametrize("word", ["ingénieur", "technicien", "technicienne", "professeur", "directeur",
                                  "chef de projet", "agent", "responsable"])
def test_a_generic_word_offers_at_most_five_ranked_choices_and_says_there_are_more(linker, word):
    result = linker.link(word)
    assert result.status == AMBIGUOUS and len(result.candidates) == MAX_CANDIDATES
    assert result.more and result.total > MAX_CANDIDATES
    scores = [c.score for c in result.candidates]
    assert scores == sorted(scores, reverse=True)
    assert all(c.type == "metier" for c in result.candidates)  # jobs first


def test_unknown_names_are_no_forced_match(linker):
    for mention in ("youtubeur", "streameuse", "tiktokeur", "chasseur de fantômes"):
        result = linker.link(mention)
        assert result.status == UNKNOWN and all(c.score < 86 for c in result.candidates), result.to_dict()


# -- questions, through the actions' resolver ---------------------------------------------------------------
def job(value: str) -> list[dict]:
    return [{"entity": "job", "value": value}]


@pytest.mark.parametrize("text,intent,entities,expected", [
    ("quelles études pour devenir infirmier ?", "ask_studies", [], "MET.38"),
    ("que fait un journaliste ?", "ask_description", [], "MET.45"),
    ("combien gagne un plombier qui débute ?", "ask_salary", [], "MET.266"),
    ("combien gagne une infirmière qui débute ?", "ask_salary", job("infirmière"), "MET.38"),
    ("que fait un ingénieur agronome ?", "ask_description", job("ingénieur"), "MET.428"),
    ("que fait un ingénieur chimiste ?", "ask_description", job("ingénieur"), "MET.170"),
    ("quelles études pour être chargée d'études média ?", "ask_studies", [], "JOB.media-planneur"),
    ("c'est quoi la formation des officiers mariniers ?", "ask_description", [], "FOR.1072"),
    ("le BTS MCO ça mène à quoi ?", "ask_jobs", [], "FOR.2317"),
    ("combien gagne un ingé son ?", "ask_salary", [], "MET.585"),
    ("que fait une contrôleuse aérienne ?", "ask_description", [], "MET.1"),
    ("que fait un chef de pub ?", "ask_description", job("chef de pub"), "JOB.chef-de-publicite"),
    ("combien gagne un dévelopeur informatique débutant", "ask_salary", [], "MET.12"),
    ("quels métiers après l'ENSAIA spécialité production agroalimentaire ?", "ask_jobs", [], "FOR.6069"),
    ("quel salaire pour une juriste d'entreprise qui débute ?", "ask_salary", [], "MET.82"),
])
def test_question_names_one_record(kb, text, intent, entities, expected):
    mention = find_mention(kb, text, entities, types_for(intent))
    assert mention.status == FOUND and mention.record_id == expected, mention


@pytest.mark.parametrize("text,intent,entities,among", [
    ("que fait un chargé de communication ?", "ask_description", job("chargé de communication"),
     {"RNCP35746", "RNCP28684", "JOB.charge-de-communication-collectivite"}),
    ("c'est quoi le métier de technicienne de laboratoire ?", "ask_description", [], {"MET.36", "MET.288"}),
    ("je veux devenir développeur web", "ask_studies", job("développeur web"), {"MET.12"}),
    ("c'est quoi le BUT info ?", "ask_description", [], {"FOR.7996"}),
])
def test_question_offers_choices(kb, text, intent, entities, among):
    mention = find_mention(kb, text, entities, types_for(intent))
    assert mention.status == AMBIGUOUS and among <= set(mention.record_ids), mention
    assert len(mention.record_ids) <= MAX_CANDIDATES


@pytest.mark.parametrize("text,entities", [
    ("je veux être ingénieur", job("ingénieur")),
    ("c'est quoi un technicien ?", []),
    ("salaire d'un professeur ?", job("professeur")),
])
def test_a_generic_question_asks_to_say_more(kb, text, entities):
    mention = find_mention(kb, text, entities, types_for("ask_description"))
    assert mention.status == AMBIGUOUS and len(mention.record_ids) == MAX_CANDIDATES and mention.more, mention


def test_a_possessive_is_no_sound(kb):
    assert find_mention(kb, "quel est son salaire ?", [], types_for("ask_salary")).status == "none"


@pytest.mark.parametrize("text", [
    "et pour une femme ?", "merci beaucoup", "c'est accessible après un bac pro ?", "et à l'étranger ?",
    "on gagne bien sa vie ?", "je suis en seconde", "ok super", "tu peux répéter ?", "et en alternance ?",
    "c'est dur comme métier ?", "je veux aider les gens",
])
def test_a_follow_up_names_no_record(kb, text):
    """Words that are only a part of some national names (« sage-femme », « Affaires étrangères ») name nothing."""
    mention = find_mention(kb, text, [], types_for("ask_description"))
    assert mention.status == "none", mention


@pytest.mark.parametrize("reply,picked", [("celui du son", "MET.585"), ("le son", "MET.585"), ("le deuxième", 1),
                                          ("ingénieur", None)])
def test_a_reply_picks_among_the_choices_offered(kb, reply, picked):
    """Among the five choices for « ingénieur », a word of one of them (not of the thousands of other names)."""
    from actions.resolve import choose

    options = [c.id for c in kb.linker.link("ingénieur").candidates]
    assert "MET.585" in options
    expected = options[picked] if isinstance(picked, int) else picked
    assert choose(kb, reply, options, []) == expected
