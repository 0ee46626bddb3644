"""knowledge/mentions.py: the names a message holds, where they are, on the default base."""

from __future__ import annotations

import pytest

from knowledge.linker import AMBIGUOUS, FOUND, UNKNOWN
from knowledge.mentions import find_mentions, masked, words_around

pytestmark = pytest.mark.unit

# (message, [(span as written, record type, the likeliest record or None for a name the base does not hold)])
MESSAGES = [
    ("c quoi le parcours pour etre chef de pub", [("chef de pub", "metier", "JOB.chef-de-publicite")]),
    ("slt cmt on devient infirmiere ??", [("infirmiere", "metier", "MET.38")]),
    ("quelles études pour devenir dircom ?", [("dircom", "metier", "MET.650")]),
    ("dircom c'est quoi ?", [("dircom", "metier", "MET.650")]),
    ("kel etudes pr etre cheff de publicitée", [("cheff de publicitée", "metier", "JOB.chef-de-publicite")]),
    # two names: a list is two names, not one long one
    ("chef de pub ou dircom, lequel gagne le plus ?",
     [("chef de pub", "metier", "JOB.chef-de-publicite"), ("dircom", "metier", "MET.650")]),
    ("entre media planneur et traffic manager tu conseilles quoi ?",
     [("media planneur", "metier", "JOB.media-planneur"), ("traffic manager", "metier", "JOB.traffic-manager")]),
    ("boulanger et pâtissier, ça se ressemble ?",  # not the « boulanger-pâtissier » both fiches hold
     [("boulanger", "metier", "MET.17"), ("pâtissier", "metier", "MET.152")]),
    ("un CAP suffit pour etre boulangere ?", [("CAP", "formation", None), ("boulangere", "metier", "MET.17")]),
    # a certification takes the kind word students put before it, and the whole of its name
    ("le titre chargé de communication 360° c bac+3 ?",
     [("titre chargé de communication 360°", "certification", "RNCP28684")]),
    ("décris-moi la certif com 360", [("certif com 360", "certification", "RNCP28684")]),
    ("le RNCP 28684 il est niveau 6 ou 7 ?", [("RNCP 28684", "certification", "RNCP28684")]),
    ("la fiche RNCP35746 est à jour ?", [("RNCP35746", "certification", "RNCP35746")]),
    # a name the base does not hold, in a shape students use for certifications
    ("le titre pro DWWM ça prépare à quels métiers ?", [("titre pro DWWM", "certification", None)]),
    ("ça consiste en quoi le RNCP 34567 ?", [("RNCP 34567", "certification", None)]),
    ("quelles études pour devenir <b>youtubeur</b> ?", [("youtubeur", "metier", None)]),
    # a long title, partly typed, that only one record's names hold
    ("c'est quoi le diplôme d'ingénieur ENSISA spécialité textile et fibres ?",
     [("diplôme d'ingénieur ENSISA spécialité textile et fibres", "formation", "FOR.5573")]),
    # after « titre », a certification even where the words are a job's name
    ("métiers accessibles avec le titre pro secrétaire assistant",
     [("titre pro secrétaire assistant", "certification", None)]),
    # school subjects are interests; « mener » (« ça peut mener à… ») is no « mener l'enquête »
    ("la SVT ça peut mener à quels métiers ?", [("SVT", "interet", "CI.j-aime-bien-faire-des-experiences")]),
    ("c'est quoi une agence de com ?", [("agence de com", "secteur", "SECT.agence-de-communication")]),
    ("je prends celui de l'ISEFAC", [("ISEFAC", "certification", "RNCP28684")]),
]


@pytest.mark.parametrize("message, expected", MESSAGES, ids=[m for m, _ in MESSAGES])
def test_names_in_a_message(kb, message, expected):
    found = find_mentions(kb.linker, message)
    assert [(f.text, f.type) for f in found] == [(text, kind) for text, kind, _ in expected]
    for mention, (text, _, record) in zip(found, expected):
        assert message[mention.start : mention.end] == text
        if record is None:
            assert mention.result.status in (AMBIGUOUS, UNKNOWN)
            assert record is None
        else:
            assert mention.result.status == FOUND and mention.ids == [record], mention.result.to_dict()


@pytest.mark.parametrize("message", [
    "bonjour", "merci beaucoup", "et quelles études ?", "il faut un bac+2 ?", "je sais pas quoi faire",
    "c quoi les jobs qui existent", "tu es un robot ?",
])
def test_a_message_without_a_name_holds_none(kb, message):
    assert find_mentions(kb.linker, message) == []


def test_a_word_inside_names_or_near_one_names_nothing_alone(kb):
    """« femme » is in « sage-femme » (not at its start), « stage » is no « sage-femme », « argent » no « agent »."""
    for message in ("une femme peut le faire ?", "je cherche un stage", "on gagne de l'argent ?"):
        assert find_mentions(kb.linker, message) == [], message


def test_a_generic_job_is_named_with_its_many_records(kb):
    (found,) = find_mentions(kb.linker, "combien gagne un ingénieur ?")
    assert (found.text, found.type, found.result.status) == ("ingénieur", "metier", AMBIGUOUS)
    assert found.result.total > len(found.ids) >= 2


def test_words_around_a_name(kb):
    message = "quel salaire pour un directeur artistique débutant ?"
    (found,) = find_mentions(kb.linker, message)
    assert found.text == "directeur artistique"
    assert words_around(message, found) == (["pour", "un"], ["debutant"])


def test_masked_replaces_each_name_by_its_record_type_and_keeps_the_rest(kb):
    text = ("quel est le niveau du BTS cybersécurité, informatique et réseaux, électronique option B électronique "
            "et réseaux ?")
    said = masked(kb.linker, text)
    assert said.startswith("quel est le niveau du xformation") and said.endswith(" ?")
    assert "cybersécurité" not in said and "réseaux" not in said
    assert masked(kb.linker, "différence entre plombier et le titre 360 ?") == ("différence entre xmetier et le "
                                                                                "xcertification ?")
    assert masked(kb.linker, "je ne sais pas quoi faire") == "je ne sais pas quoi faire"


def test_a_message_read_lately_is_not_read_again(kb):
    linker = kb.linker.among(kb.ids("interet"))  # a linker of its own: nothing read yet
    first = find_mentions(linker, "j'aime la nature et les animaux")
    assert list(linker.__dict__["_mentions_read"]) == ["j'aime la nature et les animaux"]
    again = find_mentions(linker, "j'aime la nature et les animaux")
    assert again == first and again is not first and all(a is b for a, b in zip(again, first))
