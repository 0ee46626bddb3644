"""Table-driven test of the linker on realistic student mentions, on the default base: the five source documents
and the national exports (more on the national names in test_linker_national.py)."""

from __future__ import annotations

import pytest

from knowledge.linker import AMBIGUOUS, FOUND, UNKNOWN

pytestmark = pytest.mark.unit

CHARGES = {"RNCP35746", "RNCP28684", "JOB.charge-de-communication-collectivite"}
WEB_DEVELOPERS = {"MET.12", "MET.217", "MET.503"}  # développeur informatique, multimédia, d'applications mobiles

MENTIONS = [
    # abbreviations, gender, case, accents
    ("dircom", FOUND, "MET.650"),
    ("DIRCOM", FOUND, "MET.650"),
    ("directrice de la com", FOUND, "MET.650"),
    ("directeur de la communication", FOUND, "MET.650"),
    ("directrice communication", FOUND, "MET.650"),
    ("directeurs de communication", FOUND, "MET.650"),
    ("responsable de communication", FOUND, "MET.650"),
    ("responsable com", FOUND, "MET.650"),
    ("resp communication", FOUND, "MET.650"),
    ("directeur de comunication", FOUND, "MET.650"),
    ("dirrectrice de la communication", FOUND, "MET.650"),
    ("chef de pub", FOUND, "JOB.chef-de-publicite"),
    ("cheffe de publicité", FOUND, "JOB.chef-de-publicite"),
    ("cheff de publicitée", FOUND, "JOB.chef-de-publicite"),
    ("chefs de publicite", FOUND, "JOB.chef-de-publicite"),
    ("CHEF DE PUBLICITE", FOUND, "JOB.chef-de-publicite"),
    ("conceptrice rédactrice", FOUND, "JOB.concepteur-redacteur"),
    ("concepteur-redacteur", FOUND, "JOB.concepteur-redacteur"),
    ("directrice artistique", FOUND, "JOB.directeur-artistique", ["metier"]),  # also a formation's title
    ("trafic manager", FOUND, "JOB.traffic-manager"),
    ("média planneuse", FOUND, "JOB.media-planneur"),
    ("planeur strategique", FOUND, "JOB.planneur-strategique"),
    ("directrice clientèle", FOUND, "JOB.directeur-de-la-clientele"),
    ("chargée de com en collectivité locale", FOUND, "JOB.charge-de-communication-collectivite"),
    # certifications
    ("chargé de com 360", FOUND, "RNCP28684"),
    ("chargée de communication 360°", FOUND, "RNCP28684"),
    ("le 360", FOUND, "RNCP28684"),
    ("RNCP35746", FOUND, "RNCP35746"),
    ("rncp 35746", FOUND, "RNCP35746"),
    ("35746", FOUND, "RNCP35746"),
    ("le cross média", FOUND, "RNCP35746"),
    ("chargé de communication crossmedia", FOUND, "RNCP35746"),
    ("titre chargé de communication cross-média", FOUND, "RNCP35746"),
    # formations, sector, ROME, interests
    ("master information communication", FOUND, "FOR.9610"),
    ("iep lyon", FOUND, "FOR.2073"),
    ("sciences po grenoble", FOUND, "FOR.1084"),
    ("agences de com", FOUND, "SECT.agence-de-communication"),
    ("E1103", FOUND, "E1103"),
    ("j'aime communiquer", FOUND, "CI.j-aime-communiquer"),
    # national jobs (unknown when the base held the documents alone)
    ("boulanger", FOUND, "MET.17"),
    ("infirmière", FOUND, "MET.38"),
    ("plombier", FOUND, "MET.266"),
    ("avocate", FOUND, "MET.33"),
    ("professeur des écoles", FOUND, "MET.557"),
    ("vétérinaire", FOUND, "MET.171"),
    # a seed job and its ONISEP twin are one record, by either name or id
    ("chef de publicité", FOUND, "JOB.chef-de-publicite"),
    ("MET.8", FOUND, "JOB.chef-de-publicite"),
    ("concepteur rédacteur", FOUND, "JOB.concepteur-redacteur"),
    ("traffic manager", FOUND, "JOB.traffic-manager"),
    # ambiguous mentions: these at least among the (at most five) choices
    ("chargé de communication", AMBIGUOUS, CHARGES),
    ("chargée de com", AMBIGUOUS, CHARGES),
    ("directeur", AMBIGUOUS, set()),
    ("master communication", AMBIGUOUS, {"FOR.9610", "FOR.9618"}),
    ("sciences po", AMBIGUOUS, {"FOR.2073"}),
    ("planneur", AMBIGUOUS, {"JOB.media-planneur", "JOB.planneur-strategique"}),
    ("développeur web", AMBIGUOUS, WEB_DEVELOPERS),
    ("chef de projet", AMBIGUOUS, set()),
    # unknown: no record, no forced match
    ("youtubeur", UNKNOWN, None),
    ("streameuse", UNKNOWN, None),
    ("tiktokeur", UNKNOWN, None),
    ("chasseur de fantômes", UNKNOWN, None),
    ("", UNKNOWN, None),
]


@pytest.mark.parametrize("row", MENTIONS, ids=[m[0] or "<vide>" for m in MENTIONS])
def test_mention(kb, row):
    mention, status, expected, *types = row
    result = kb.linker.link(mention, types[0] if types else None)
    assert result.status == status, result.to_dict()
    ids = [c.id for c in result.candidates]
    if status == FOUND:
        assert ids == [expected]
    elif status == AMBIGUOUS:
        assert expected <= set(ids) and 2 <= len(ids) <= 5, result.to_dict()
    else:
        assert all(c.score < 86 for c in result.candidates)


def test_table_is_large_enough():
    assert len(MENTIONS) >= 50


@pytest.mark.parametrize("mention,gender", [("directrice de la com", "f"), ("cheffe de pub", "f"),
                                            ("chargée de com 360", "f"), ("directeur de la com", "m"),
                                            ("responsable com", "")])
def test_gender_of_the_mention(kb, mention, gender):
    assert kb.linker.link(mention).gender == gender


def test_type_filter_keeps_only_wanted_types(kb):
    result = kb.linker.link("chargé de communication", types=["certification"])
    assert result.status == AMBIGUOUS and {c.id for c in result.candidates} == {"RNCP35746", "RNCP28684"}


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("quelles études pour devenir directrice de la com ?", "MET.650"),
        ("que fait un chef de pub ?", "JOB.chef-de-publicite"),
        ("quel est le taux d'insertion du titre chargé de communication cross-média ?", "RNCP35746"),
        ("kel etudes pr etre cheff de publicitée", "JOB.chef-de-publicite"),
        ("c'est quoi une agence de com", "SECT.agence-de-communication"),
    ],
)
def test_find_in_sentence(kb, sentence, expected):
    result = kb.linker.find_in_sentence(sentence)
    assert result.status == FOUND and result.best.id == expected, result.to_dict()


def test_find_in_sentence_without_a_mention(kb):
    assert kb.linker.find_in_sentence("et quelles études ?").status == UNKNOWN
