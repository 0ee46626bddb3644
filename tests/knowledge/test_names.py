"""The names of the records (names.py), the genders of titles (grammar.py), the normaliser's new forms, and the
linker's ranking on a handful of hand-made aliases (no store)."""

from __future__ import annotations

import pytest

from knowledge.grammar import genders
from knowledge.linker import AMBIGUOUS, FOUND, MAX_CANDIDATES, UNKNOWN, Linker
from knowledge.model import Appellation, CodeRome, Formation, Metier, SourceRef
from knowledge.names import aliases, formation_names
from knowledge.normalize import normalize

pytestmark = pytest.mark.unit

SOURCE = SourceRef("Onisep", "test.xml")


@pytest.mark.parametrize("title,masculine,feminine", [
    ("contrôleur/euse aérien/ne", "contrôleur aérien", "contrôleuse aérienne"),
    ("enseignant/e-chercheur/euse en production végétale", "enseignant-chercheur en production végétale",
     "enseignante-chercheuse en production végétale"),
    ("constructeur/rice de voies ferrées", "constructeur de voies ferrées", "constructrice de voies ferrées"),
    ("conseiller/ère en fusion-acquisition", "conseiller en fusion-acquisition", "conseillère en fusion-acquisition"),
    ("géologue modélisateur/trice", "géologue modélisateur", "géologue modélisatrice"),
    ("chargé(e) de communication", "chargé de communication", "chargée de communication"),
    ("Développeur / Développeuse web", "Développeur web", "Développeuse web"),
    ("Ingénieur concepteur / Ingénieure conceptrice informatique", "Ingénieur concepteur informatique",
     "Ingénieure conceptrice informatique"),
    ("Analyste Concepteur / Conceptrice informatique", "Analyste Concepteur informatique",
     "Analyste Conceptrice informatique"),
    ("Chef de chantier tuyauteur / Cheffe de chantier tuyauteuse", "Chef de chantier tuyauteur",
     "Cheffe de chantier tuyauteuse"),
    ("chef / cheffe d'équipe ou d'atelier", "chef d'équipe ou d'atelier", "cheffe d'équipe ou d'atelier"),
    # slashes that are no genders stay
    ("technicien CAO/DAO", "technicien CAO/DAO", "technicien CAO/DAO"),
    ("gestionnaire actif/passif", "gestionnaire actif/passif", "gestionnaire actif/passif"),
    ("interprète français / LSF", "interprète français / LSF", "interprète français / LSF"),
])
def test_genders_of_a_title_written_with_both(title, masculine, feminine):
    assert genders(title) == (masculine, feminine)


@pytest.mark.parametrize("text,tokens", [
    ("ingénieur du son", ("ingenieur", "son")),  # the noun, not the possessive
    ("prise de son", ("prise", "son")),
    ("ingé son", ("ingenieur", "son")),
    ("quel est son salaire", ("quel", "est", "salaire")),
    ("ingénieure agronome", ("ingenieur", "agronome")),
    ("développeuse rurale humanitaire", ("developpeur", "rural", "humanitaire")),
    ("agente technique", ("agent", "technique")),
    ("professeure des écoles", ("professeur", "ecole")),
    ("mastère spécialisé", ("mastere", "specialise")),  # not « master »
    ("BUT info", ("but", "informatique")),
    ("des infos", ("info",)),
    ("BTMS ébéniste", ("btms", "ebeniste")),
    ("BTS SIO option SISR", ("bts", "sio", "sisr")),
])
def test_normalised_forms(text, tokens):
    assert normalize(text).tokens == tokens


def _formation(libelle: str, sigle: str = "") -> Formation:
    return Formation("FOR.1", SOURCE, libelle=libelle, sigle=sigle)


@pytest.mark.parametrize("libelle,sigle,names", [
    ("BTS management commercial opérationnel", "", ["BTS MCO"]),
    ("BTS services informatiques aux organisations option A solutions d'infrastructure, systèmes et réseaux", "",
     ["BTS services informatiques aux organisations", "BTS SIO", "BTS SIO SISR"]),
    ("BUT techniques de commercialisation parcours marketing digital", "TC",
     ["BUT techniques de commercialisation", "BUT TC"]),
    ("master mention journalisme", "", ["master journalisme"]),
    ("diplôme d'ingénieur de l'École nationale supérieure d'agronomie et des industries alimentaires de l'université "
     "de Lorraine spécialité production agroalimentaire", "ENSAIA",
     ["diplôme d'ingénieur de l'École nationale supérieure d'agronomie et des industries alimentaires de l'université "
      "de Lorraine spécialité production agroalimentaire ENSAIA"]),
])
def test_formation_names(libelle, sigle, names):
    found = formation_names(_formation(libelle, sigle))
    assert found[0] == libelle
    assert set(names) <= set(found)


def test_a_job_has_both_genders_of_every_name_and_its_rome_codes_as_links():
    job = Metier("MET.1", SOURCE, appellation=Appellation("contrôleuse aérienne", "contrôleur/euse aérien/ne"),
                 autres_appellations=[Appellation("", "aiguilleur/euse du ciel")], codes_rome=["G1502"])
    texts = [a.text for a in aliases(job)]
    assert {"contrôleur aérien", "aiguilleur du ciel", "G1502"} <= set(texts)
    assert texts[-1] == "MET.1"  # the id last: a seed's id may read like its name
    assert normalize("aiguilleuse du ciel").text in {a.norm for a in aliases(job)}


def test_a_rome_code_has_its_appellations_in_both_genders_and_links_to_its_parent():
    code = CodeRome("M1855", SOURCE, code="M1855", libelle="Développeur / Développeuse web",
                    appellations=["Développeur / Développeuse web mobile"], code_parent="M1805")
    texts = {a.text for a in aliases(code)}
    assert {"M1855", "Développeur web", "Développeur web mobile", "M1805"} <= texts


# -- the linker on hand-made names ----------------------------------------------------------------------------
def _linker() -> Linker:
    records = [
        Metier("MET.12", SOURCE, appellation=Appellation("développeuse informatique", "développeur informatique"),
               codes_rome=["M1805"]),
        Metier("MET.217", SOURCE, appellation=Appellation("", "développeur multimédia"), codes_rome=["M1805"]),
        Metier("MET.287", SOURCE, appellation=Appellation("", "conducteur de machines agricoles"),
               codes_rome=["A1101"]),
        Metier("MET.314", SOURCE, appellation=Appellation("", "chargé des relations publiques"),
               autres_appellations=[Appellation("", "chargé de communication")]),
        Metier("MET.66", SOURCE, appellation=Appellation("", "chargé de communication interne")),
        Metier("MET.428", SOURCE, appellation=Appellation("", "agronome"),
               autres_appellations=[Appellation("", "ingénieur agronome")]),
        Metier("MET.585", SOURCE, appellation=Appellation("", "ingénieur du son")),
        Metier("MET.170", SOURCE, appellation=Appellation("", "ingénieur chimiste")),
        *[Metier(f"MET.{900 + n}", SOURCE, appellation=Appellation("", f"ingénieur {word}"))
          for n, word in enumerate("gaz calcul essais brevets cloud textile".split())],
        CodeRome("A1101", SOURCE, code="A1101", libelle="Conducteur / Conductrice d'engins agricoles",
                 appellations=["Tractoriste agricole"]),
        CodeRome("M1805", SOURCE, code="M1805", libelle="Développeur / Développeuse informatique"),
        CodeRome("M1855", SOURCE, code="M1855", libelle="Développeur / Développeuse web", code_parent="M1805"),
        CodeRome("K2110", SOURCE, code="K2110", libelle="Formateur / Formatrice en sport"),
    ]
    return Linker(a for record in records for a in aliases(record))


@pytest.fixture(scope="module")
def linker() -> Linker:
    return _linker()


def test_a_rome_appellation_leads_to_the_jobs_of_its_code(linker):
    result = linker.link("tractoriste")
    assert result.status == FOUND and result.best.id == "MET.287"


def test_a_rome_4_code_without_jobs_leads_to_the_jobs_of_its_parent(linker):
    result = linker.link("développeuse web")
    assert result.status == AMBIGUOUS and {c.id for c in result.candidates} == {"MET.12", "MET.217"}


def test_a_rome_code_no_job_holds_is_found_by_its_name(linker):
    assert linker.link("formatrice en sport").best.id == "K2110"
    assert linker.link("formatrice en sport", ["metier"]).status == UNKNOWN


def test_link_aliases_are_no_names(linker):
    assert linker.link("M1805").best.id == "M1805"  # the code, not its jobs
    assert linker.link("M1805", ["metier"]).status == UNKNOWN


def test_a_synonym_shared_with_longer_main_names_is_ambiguous(linker):
    result = linker.link("chargée de communication")
    assert result.status == AMBIGUOUS and [c.id for c in result.candidates] == ["MET.314", "MET.66"]


def test_a_synonym_no_other_name_holds_is_found(linker):
    assert linker.link("ingénieure agronome").best.id == "MET.428"
    assert linker.link("ingénieur agronome").status == FOUND


def test_a_generic_word_offers_five_choices_and_says_there_are_more(linker):
    result = linker.link("ingénieur")
    assert result.status == AMBIGUOUS
    assert len(result.candidates) == MAX_CANDIDATES and result.total == 9 and result.more
    assert "MET.428" not in {c.id for c in result.candidates}  # a synonym's job after the main names


def test_an_option_letter_is_no_word():
    assert normalize("bac pro maintenance des véhicules option B véhicules de transport routier").tokens == (
        "bac", "pro", "maintenance", "vehicule", "vehicule", "transport", "routier")
