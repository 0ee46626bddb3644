"""Table-driven test of the linker on realistic student mentions."""

from __future__ import annotations

import pytest

from knowledge.linker import AMBIGUOUS, FOUND, UNKNOWN

pytestmark = pytest.mark.unit

CHARGES = {"RNCP35746", "RNCP28684", "JOB.charge-de-communication-collectivite"}
DIRECTEURS = {"MET.650", "JOB.directeur-artistique", "JOB.directeur-de-la-clientele"}
IEP = {"FOR.1084", "FOR.1925", "FOR.2030", "FOR.2073"}

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
    ("directrice artistique", FOUND, "JOB.directeur-artistique"),
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
    # ambiguous mentions
    ("chargé de communication", AMBIGUOUS, CHARGES),
    ("chargée de com", AMBIGUOUS, CHARGES),
    ("directeur", AMBIGUOUS, DIRECTEURS),
    ("master communication", AMBIGUOUS, {"FOR.5163", "FOR.9610", "FOR.9618"}),
    ("sciences po", AMBIGUOUS, IEP),
    ("planneur", AMBIGUOUS, {"JOB.media-planneur", "JOB.planneur-strategique"}),
    # unknown: no record, no forced match
    ("boulanger", UNKNOWN, None),
    ("infirmière", UNKNOWN, None),
    ("plombier", UNKNOWN, None),
    ("avocate", UNKNOWN, None),
    ("développeur web", UNKNOWN, None),
    ("professeur des écoles", UNKNOWN, None),
    ("chef de projet", UNKNOWN, None),
    ("vétérinaire", UNKNOWN, None),
    ("", UNKNOWN, None),
]


@pytest.mark.parametrize("mention,status,expected", MENTIONS, ids=[m[0] or "<vide>" for m in MENTIONS])
def test_mention(kb, mention, status, expected):
    result = kb.linker.link(mention)
    assert result.status == status, result.to_dict()
    ids = [c.id for c in result.candidates]
    if status == FOUND:
        assert ids[0] == expected
    elif status == AMBIGUOUS:
        assert set(ids) == expected
    else:
        assert all(c.score < 86 for c in result.candidates)


def test_table_is_large_enough():
    assert len(MENTIONS) >= 40


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
