"""ONISEP Idéo importers, on hand-made fixtures in the shapes of the real exports."""

from __future__ import annotations

import dataclasses
import json
import zipfile
from pathlib import Path

import pytest

from knowledge.build import merge
from knowledge.importers import ImportFormatError, Skip, onisep_formations, onisep_metiers
from knowledge.importers.files import edition
from knowledge.importers.html_text import html_blocks, html_to_text
from knowledge.model import Appellation, CentreInteret, CodeRome, Formation, FormationRef, Metier
from knowledge.parsers import onisep_md
from tests import SOURCES

pytestmark = pytest.mark.unit

FIX = Path(__file__).parent / "fixtures" / "onisep"
SEED_650 = SOURCES / "onisep-fiche-metier-MET.650-directeur-communication.md"


def load(module, name: str) -> list:
    return list(module.iter_records(FIX / name))


def by_id(items: list, cls: type) -> dict:
    return {r.id: r for r in items if isinstance(r, cls)}


@pytest.fixture(scope="module")
def ancien() -> list:
    return load(onisep_metiers, "ideo-fiches-metiers-ancien.xml")


@pytest.fixture(scope="module")
def nouveau() -> list:
    return load(onisep_metiers, "ideo-fiches-metiers-2025.xml")


# --- HTML → text --------------------------------------------------------------------------------


def test_html_to_text_lines_entities_and_hidden_parts():
    html = "<h3>Titre</h3><p>a &amp; b&nbsp;c <strong>gras</strong></p><ul><li><p>un</p></li><li>deux<br>trois</li></ul>" \
           "<script>x()</script><p>  fin\n  ici </p>"
    assert html_to_text(html) == "Titre\na & b c gras\nun\ndeux\ntrois\nfin ici"
    assert html_blocks("<h5>Durée</h5><h4>Après</h4><p>5 ans</p>") == [("h5", "Durée"), ("h4", "Après"), ("p", "5 ans")]
    assert html_to_text("") == ""


# --- Idéo-fiches métiers, older layout -----------------------------------------------------------


def test_ancien_met650_identity_titles_rome_and_source(ancien):
    met = by_id(ancien, Metier)["MET.650"]
    assert met.appellation == Appellation("directrice de communication", "directeur de communication")
    assert met.autres_appellations == [Appellation(masculin="responsable communication")]  # plain synonym
    assert met.codes_rome == ["E1103"]
    assert met.source.citation() == "Source : Onisep, fiche MET.650"
    assert (met.source.document, met.source.licence) == ("ideo-fiches-metiers-ancien.xml", "ODbL")
    assert met.statuts == ["salarié"]
    assert met.metiers_associes == ["MET.1234"]
    assert met.secteurs_activite == ["Communication"]
    assert met.niveau_acces_min == "bac + 5"


def test_ancien_html_fields_are_clean_text(ancien):
    met = by_id(ancien, Metier)["MET.650"]
    assert met.competences == ("Un stratège\nIl ou elle conçoit le plan de communication & en fixe le budget.\n"
                               "analyser l'image de la structure ;\nchoisir les supports.")
    assert met.nature_travail == "Définir la stratégie.\nEncadrer une équipe."
    assert met.vie_professionnelle == "Entreprises, agences, collectivités."
    assert met.condition_travail.startswith("Horaires chargés")
    assert met.acces_metier == "Niveau bac + 5 : master, école de commerce, IEP."
    for text in (met.competences, met.accroche, met.en_bref, met.duree_etudes):
        assert "<" not in text and "&amp;" not in text and "\u00a0" not in text
    assert met.accroche.startswith("Le directeur ou la directrice de la communication élabore")
    assert met.presentation == met.accroche


def test_duree_des_etudes_from_h5_h4_structure(ancien, nouveau):
    met = by_id(ancien, Metier)["MET.650"]
    assert met.duree_etudes_contexte == "Après le bac"
    assert met.duree_etudes.startswith("5 ans d'études pour obtenir un diplôme d'école spécialisée")
    assert met.en_bref.startswith("Sa mission : valoriser l'image")
    assert "Durée des études" not in met.en_bref and "5 ans d'études" not in met.en_bref
    attache = by_id(nouveau, Metier)["MET.1299"]
    assert (attache.duree_etudes_contexte, attache.duree_etudes) == (
        "Après le bac", "3 ans pour une licence professionnelle ou un BUT.")


def test_ancien_formations_rome_and_interests_records(ancien):
    met = by_id(ancien, Metier)["MET.650"]
    assert len(met.formations) == 7
    assert FormationRef("FOR.9610", "master mention information, communication") in met.formations
    chunk = ancien[: ancien.index(by_id(ancien, Metier)["MET.1234"])]  # the records of MET.650
    formations = [r for r in chunk if isinstance(r, Formation)]
    assert [f.id for f in formations] == [f.id for f in met.formations]
    assert all(f.metiers == ["MET.650"] for f in formations)
    assert [r.id for r in chunk if isinstance(r, CodeRome)] == ["E1103"]
    assert met.centres_interet == ["CI.j-ai-le-sens-du-contact", "CI.j-aime-communiquer",
                                   "CI.j-aime-etre-aux-commandes", "CI.j-aime-organiser-gerer"]
    interests = by_id(ancien, CentreInteret)
    assert interests["CI.j-aime-communiquer"].libelle == "J'aime communiquer"
    # MET.1234 shares « J'aime communiquer » and E1103: emitted once per file, still referenced
    assert [r.id for r in ancien if isinstance(r, CentreInteret)].count("CI.j-aime-communiquer") == 1
    assert [r.id for r in ancien if isinstance(r, CodeRome)] == ["E1103"]
    presse = by_id(ancien, Metier)["MET.1234"]
    assert presse.centres_interet == ["CI.j-aime-communiquer", "CI.j-aime-ecrire"]
    assert presse.codes_rome == ["E1103"]
    assert presse.formations[1] == FormationRef(
        "FOR.7777", "BUT information-communication parcours communication des organisations")


def test_ancien_metier_without_identifiant_is_skipped(ancien):
    skips = [r for r in ancien if isinstance(r, Skip)]
    assert skips == [Skip("identifiant absent")]
    assert sorted(by_id(ancien, Metier)) == ["MET.1234", "MET.650"]


def test_ancien_met650_agrees_with_the_seed_sheet(ancien):
    seed = onisep_md.parse(SEED_650, {"publisher": "Onisep", "licence": "ODbL"})[0]
    met = by_id(ancien, Metier)["MET.650"]
    for name in ("appellation", "codes_rome", "presentation", "en_bref", "duree_etudes", "duree_etudes_contexte",
                 "niveau_acces_min", "formations", "statuts", "centres_interet", "qualites"):
        assert getattr(met, name) == getattr(seed, name), name
    merged = merge([seed, met])["MET.650"]  # the import fills what the seed does not say
    assert merged.competences == met.competences
    assert "ideo-fiches-metiers-ancien.xml" in merged.provenance["competences"]


# --- Idéo-fiches métiers, 2025 layout ------------------------------------------------------------


def test_2025_structured_synonyms_and_top_level_format_court(nouveau):
    presse = by_id(nouveau, Metier)["MET.1234"]
    assert presse.autres_appellations == [Appellation("chargée des relations médias", "chargé des relations médias")]
    attache = by_id(nouveau, Metier)["MET.1299"]
    assert attache.appellation == Appellation("attachée de presse", "attaché de presse")
    assert attache.codes_rome == ["E1103", "E1107"]
    assert attache.en_bref == "Organiser des conférences de presse et relancer les journalistes."
    assert attache.nature_travail == "" and attache.metiers_associes == []
    assert [r.id for r in nouveau if isinstance(r, CodeRome)] == ["E1103", "E1107"]
    assert not [r for r in nouveau if isinstance(r, Skip)]


def test_both_layouts_give_the_same_structure(ancien, nouveau):
    old, new = by_id(ancien, Metier)["MET.1234"], by_id(nouveau, Metier)["MET.1234"]
    for f in dataclasses.fields(Metier):
        if f.name not in ("source", "autres_appellations"):
            assert getattr(old, f.name) == getattr(new, f.name), f.name
    assert old.competences == "Une excellente plume.\nrédiger des communiqués ;\nentretenir un carnet d'adresses."
    assert old.qualites == ["Réactivité", "aisance rédactionnelle", "sens du contact"]
    assert old.autres_appellations[0].masculin == new.autres_appellations[0].masculin
    assert old.source.reference == new.source.reference == "fiche MET.1234"


def test_bare_synonyme_and_format_court_holding_html(tmp_path):
    path = tmp_path / "fiches.xml"
    path.write_text(
        "<metiers><metier><identifiant>MET.9</identifiant><libelle_masculin>veilleur</libelle_masculin>"
        "<synonyme><nom_metier>veilleur/euse</nom_metier><libelle_feminin>veilleuse</libelle_feminin></synonyme>"
        "<format_court><![CDATA[<p>Court.</p><h5>Durée des études</h5><h4>Après le bac</h4><p>2 ans.</p>]]>"
        "</format_court></metier></metiers>", encoding="utf-8")
    (met,) = onisep_metiers.iter_records(path, include_inactive=True)
    assert met.autres_appellations == [Appellation("veilleuse", "veilleur/euse")]
    assert (met.en_bref, met.duree_etudes, met.duree_etudes_contexte) == ("Court.", "2 ans.", "Après le bac")


def test_metier_elements_are_cleared_while_streaming():
    seen = []
    for _, elem in onisep_metiers.xml_items(FIX / "ideo-fiches-metiers-ancien.xml", {"metiers": "metier"}):
        assert elem.find("libelle_masculin") is not None  # whole while handled
        seen.append(elem)
    assert len(seen) == 3 and all(len(e) == 0 and not e.text for e in seen)


# --- Idéo-métiers list ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["ideo-metiers.xml", "ideo-metiers.csv"])
def test_metiers_list_light_records(name):
    items = load(onisep_metiers, name)
    metiers, romes = by_id(items, Metier), by_id(items, CodeRome)
    if name.endswith(".xml"):
        assert sorted(metiers) == ["MET.1299", "MET.650"]
        assert metiers["MET.650"].appellation == Appellation(masculin="directeur/trice de communication")
        assert metiers["MET.1299"].codes_rome == ["E1107"]
        assert romes["E1107"].libelle == "Organisation d'évènementiel"
        assert [r for r in items if isinstance(r, Skip)] == [Skip("identifiant MET absent")]
    else:
        assert sorted(metiers) == ["MET.1234", "MET.88"]
        assert metiers["MET.88"].appellation.masculin == "concepteur/trice-rédacteur/trice"
        assert metiers["MET.88"].source.line == 3
        assert romes["E1401"].libelle == "Développement et promotion publicitaire"
    assert romes["E1103"].libelle == "Communication" and romes["E1103"].code == "E1103"
    assert all(m.presentation == "" and m.formations == [] for m in metiers.values())


# --- Idéo-fiches formations ----------------------------------------------------------------------


def test_fiches_formations_fields():
    items = load(onisep_formations, "ideo-fiches-formations.xml")
    formations = by_id(items, Formation)
    assert list(formations) == ["FOR.9610", "FOR.7777", "FOR.1084"]
    master = formations["FOR.9610"]
    assert master.libelle == "master mention information, communication"
    assert master.type_formation == "diplôme national de master"
    assert (master.duree, master.niveau_certification, master.niveau_etudes) == ("2 ans", "niveau 7 (bac + 5)", "bac + 5")
    assert master.descriptif == ("Le master forme des cadres de la communication.\nstratégie de communication ;\n"
                                 "relations avec les médias.")
    assert master.acces == "Accès sur dossier après une licence en information-communication."
    assert master.url.endswith("/FOR.9610")
    assert master.codes_nsf == [("320", "Spécialités plurivalentes de la communication")]
    assert master.metiers == ["MET.650", "MET.1234"]
    assert master.tutelle == "Ministère chargé de l'Enseignement supérieur"
    assert master.source.citation() == "Source : Onisep, fiche FOR.9610"
    but = formations["FOR.7777"]
    assert but.sigle == "BUT" and but.acces == "Bac général ou technologique, candidature sur Parcoursup."
    assert [c for c, _ in but.codes_nsf] == ["320", "321"]
    assert formations["FOR.1084"].tutelle == "" and formations["FOR.1084"].codes_nsf == []


# --- Idéo-formations initiales (CSV / JSON) ------------------------------------------------------


def test_formations_initiales_csv_with_bom_and_skip():
    items = load(onisep_formations, "ideo-formations-initiales.csv")
    assert [type(r).__name__ for r in items] == ["Formation", "Formation", "Skip"]
    assert items[2] == Skip("identifiant FOR absent")
    master, but = items[0], items[1]
    assert master.id == "FOR.9610" and master.source.line == 2
    assert master.code_rncp == "RNCP34034"  # bare digits prefixed
    assert master.niveau_certification == "niveau 7 (bac + 5)" and master.niveau_etudes == "Bac + 5"
    assert master.codes_nsf == [("320", "")]
    assert but.libelle == "BUT information-communication; parcours communication des organisations"
    assert (but.code_rncp, but.sigle, but.duree) == ("RNCP35457", "BUT", "3 ans")
    assert but.codes_nsf == [("320", ""), ("321", "")]


def test_formations_initiales_json_same_mapping_as_csv():
    items = load(onisep_formations, "ideo-formations-initiales.json")
    assert [r.id for r in items] == ["FOR.9610", "FOR.4242"]
    csv_master = load(onisep_formations, "ideo-formations-initiales.csv")[0]
    for f in dataclasses.fields(Formation):
        if f.name not in ("source", "sous_domaines"):  # the JSON row lists one sub-domain, the CSV two
            assert getattr(items[0], f.name) == getattr(csv_master, f.name), f.name
    licence = items[1]
    assert licence.code_rncp == "" and licence.type_formation == "licence professionnelle"
    assert licence.source.line == 18


def test_large_json_is_read_across_chunks(tmp_path):
    rows = [{"url_et_id_onisep": f"https://x/FOR.{n}", "libelle_formation_principal": "é" * 300} for n in range(600)]
    path = tmp_path / "grand.json"
    path.write_text(json.dumps(rows, indent=1, ensure_ascii=False), encoding="utf-8")
    items = list(onisep_formations.iter_records(path))
    assert [r.id for r in items] == [f"FOR.{n}" for n in range(600)]
    assert items[-1].source.line == 2 + 599 * 4  # « { », two keys, « }, » per object
    path.write_text(path.read_text(encoding="utf-8")[:-20], encoding="utf-8")
    with pytest.raises(ImportFormatError) as err:
        list(onisep_formations.iter_records(path))
    assert err.value.line == 2 + 599 * 4 + 2 and "JSON invalide" in str(err.value)


# --- error paths ---------------------------------------------------------------------------------


def test_truncated_xml_names_file_line_and_element():
    items = []
    with pytest.raises(ImportFormatError) as err:
        for item in onisep_metiers.iter_records(FIX / "ideo-fiches-metiers-casse.xml"):
            items.append(item)
    assert [r.id for r in items] == ["MET.1234"]  # what came before the break is imported
    assert (err.value.path.name, err.value.line, err.value.element) == ("ideo-fiches-metiers-casse.xml", 13, "romeV3")
    assert str(err.value).startswith("ideo-fiches-metiers-casse.xml:13: <romeV3> : XML mal formé")


def test_unexpected_root_element():
    with pytest.raises(ImportFormatError) as err:
        load(onisep_metiers, "ideo-fiches-formations.xml")
    assert (err.value.line, err.value.element) == (3, "formations")
    assert "élément racine inattendu" in str(err.value)
    with pytest.raises(ImportFormatError) as err:
        load(onisep_formations, "ideo-fiches-metiers-2025.xml")
    assert err.value.element == "metiers"


def test_csv_without_id_column_names_the_column():
    with pytest.raises(ImportFormatError) as err:
        load(onisep_formations, "ideo-formations-initiales-sans-id.csv")
    assert (err.value.path.name, err.value.line, err.value.element) == (
        "ideo-formations-initiales-sans-id.csv", 1, "url_et_id_onisep")
    assert "colonne absente" in str(err.value)
    with pytest.raises(ImportFormatError) as err:  # the list importer checks its own columns
        load(onisep_metiers, "ideo-formations-initiales.csv")
    assert err.value.element == "libelle_metier"


def test_invalid_json_names_its_line():
    with pytest.raises(ImportFormatError) as err:
        load(onisep_formations, "ideo-formations-initiales-casse.json")
    assert (err.value.path.name, err.value.line) == ("ideo-formations-initiales-casse.json", 8)
    assert "JSON invalide" in str(err.value)


def test_fixtures_are_marked_hand_made():
    for path in FIX.glob("*.xml"):
        assert "Fichier fait à la main pour les tests" in path.read_text(encoding="utf-8").split("\n")[1], path.name
    assert "faits à la main" in (FIX / "README.md").read_text(encoding="utf-8")


# --- the real layout's fields, archives and editions ---------------------------------------------


def test_fiches_formations_real_layout_fields():
    formations = by_id(load(onisep_formations, "ideo-fiches-formations.xml"), Formation)
    master = formations["FOR.9610"]
    assert master.poursuites == [FormationRef("FOR.3213", "doctorat")]  # the id attribute when given
    assert (master.sous_domaines, master.date_modification) == (["communication"], "2024-11-05")
    assert formations["FOR.1084"].sigle == ""  # « DIEP » does not name « diplôme de l'Institut… »


def test_formation_in_the_2024_layout(tmp_path):
    path = tmp_path / "Onisep_Ideo_Fiches_Formations_25062024.xml"
    path.write_text(
        "<formations><formation><identifiant>FOR.1000</identifiant><sigle/>"
        "<libelle_complet>CAP construction et aménagement de véhicules</libelle_complet>"
        "<type_Formation><type_formation_sigle>CAP</type_formation_sigle>"
        "<type_formation_libelle>CAP</type_formation_libelle></type_Formation>"
        "<url>https://www.francecompetences.fr/recherche/rncp/37084/</url>"
        "<niveau_certification>niveau 3 (niveau CAP)</niveau_certification>"
        "<niveau_etudes><id>REF.403</id><libelle>CAP ou équivalent</libelle></niveau_etudes>"
        "<nature_certificat><libelle_nature_certificat>Diplôme national ou diplôme d'État</libelle_nature_certificat>"
        "<libelle_nature_certificat>Formation inscrite au RNCP</libelle_nature_certificat></nature_certificat>"
        "<descriptif_poursuite_etudes><![CDATA[<p>Le CAP débouche sur la vie active.</p>]]></descriptif_poursuite_etudes>"
        "<poursuites_etudes><poursuite_etudes><type_Poursuite>poursuite d'études conditionnelle</type_Poursuite>"
        "<formation_poursuite_Etudes>bac pro carrossier peintre automobile</formation_poursuite_Etudes>"
        "</poursuite_etudes></poursuites_etudes>"
        "<metiers_formation><metier><id>MET.7</id><nom_metier>carrossier/ère</nom_metier></metier></metiers_formation>"
        "<modification_date>02/05/2024</modification_date></formation>"
        "<formation><identifiant>FOR.2</identifiant><libelle_complet>x</libelle_complet><url/></formation>"
        "</formations>", encoding="utf-8")
    cap, other = onisep_formations.iter_records(path)
    assert (cap.sigle, cap.code_rncp, cap.date_modification) == ("CAP", "RNCP37084", "2024-05-02")
    assert cap.url == "https://www.onisep.fr/http/redirection/formation/slug/FOR.1000"  # ONISEP's page, not the file's
    assert cap.nature_certificat == "Diplôme national ou diplôme d'État ; Formation inscrite au RNCP"
    assert cap.poursuites == [FormationRef("", "bac pro carrossier peintre automobile")]
    assert (cap.poursuites_etudes, cap.metiers) == ("Le CAP débouche sur la vie active.", ["MET.7"])
    assert other.url == "https://www.onisep.fr/http/redirection/formation/slug/FOR.2"  # none in the file
    assert cap.source.citation() == "Source : Onisep, fiche FOR.1000 (juin 2024)"


@pytest.mark.parametrize("html, expected", [
    ("<h3>Salaire</h3><h5>Salaire du débutant</h5><p>1 800 €.</p><p>Plus en Île-de-France.</p>"
     "<h3>Intégrer le marché du travail</h3><p>x</p>", "1 800 €.\nPlus en Île-de-France."),
    ("<p>Avant.</p><h3>Salaire</h3><h4>Salaire débutant</h4><p>Autour de 1800 euros.</p><h5>Salaire confirmé</h5>"
     "<p>3 000 €.</p>", "Autour de 1800 euros."),
    ("<h3>Salaire</h3><p>Salaire débutant</p><p>Le salaire varie selon le statut.</p>", "Le salaire varie selon le statut."),
    ("<h3>Salaire</h3><p>Variable selon le lieu.</p><h3>Intégrer</h3>", "Variable selon le lieu."),
    ("<h3>Salaire</h3><h5>Salaire du débutant</h5><h3>Intégrer le marché du travail</h3><p>x</p>", ""),
    ("<h3>Intégrer le marché du travail</h3><p>Salaire du débutant : 2 000 €</p>", ""),
])
def test_salaire_debutant(html, expected):
    assert onisep_metiers.salaire_debutant(html) == expected


def test_zip_is_read_in_place_and_cites_the_archive_with_its_edition(tmp_path):
    archive = tmp_path / "onisep-ideo-fiches-metiers-2024-06-25.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(FIX / "ideo-fiches-metiers-ancien.xml", "Onisep_Ideo_Fiches_metiers_25062024.xml")
        out.writestr("LISEZMOI.txt", "notes")
    from_zip = by_id(list(onisep_metiers.iter_records(archive)), Metier)
    plain = by_id(load(onisep_metiers, "ideo-fiches-metiers-ancien.xml"), Metier)
    met = from_zip["MET.650"]
    assert (met.source.document, met.source.edition) == ("onisep-ideo-fiches-metiers-2024-06-25.zip", "juin 2024")
    assert met.source.citation() == "Source : Onisep, fiche MET.650 (juin 2024)"
    assert met.url == "https://www.onisep.fr/http/redirection/metier/slug/MET.650"
    assert dataclasses.replace(met, source=plain["MET.650"].source) == plain["MET.650"]
    broken = tmp_path / "casse.zip"
    with zipfile.ZipFile(broken, "w") as out:
        out.write(FIX / "ideo-fiches-metiers-casse.xml", "fiches.xml")
    with pytest.raises(ImportFormatError) as err:
        list(onisep_metiers.iter_records(broken))
    assert (err.value.path.as_posix().endswith("casse.zip/fiches.xml"), err.value.line) == (True, 13)


@pytest.mark.parametrize("names, expected", [
    (("Onisep_Ideo_Fiches_metiers_25062024.xml",), "juin 2024"),
    (("fiches.xml", "onisep-ideo-fiches-metiers-2024-06-25.zip"), "juin 2024"),
    (("export_fiches_CSV_Standard_2024_02_22.csv",), "février 2024"),
    (("export-fiches-rncp-v4-1-2023-12-01.xml",), "décembre 2023"),
    (("ideo-20231105.json",), "novembre 2023"),
    (("unix_referentiel_code_rome_v460_utf8.csv",), "v460"),
    (("ideo-fiches-metiers-ancien.xml",), ""),
])
def test_edition_from_file_names(names, expected):
    assert edition(*names) == expected


# --- Idéo CSV/JSON of other years ----------------------------------------------------------------


def test_formations_initiales_site_headers_2024():
    master, but = load(onisep_formations, "ideo-formations-initiales-2024.csv")
    assert (master.id, master.code_rncp, master.niveau_certification, master.niveau_etudes) == (
        "FOR.9610", "RNCP34034", "niveau 7 (bac + 5)", "Bac + 5")
    assert (master.sigle, master.date_modification, master.source.line) == ("MASTER", "2024-11-05", 2)
    assert master.sous_domaines == ["communication", "journalisme"]
    csv_master = load(onisep_formations, "ideo-formations-initiales.csv")[0]
    for name in ("libelle", "type_formation", "duree", "tutelle", "codes_nsf"):
        assert getattr(master, name) == getattr(csv_master, name), name
    assert (but.sigle, but.url) == ("BUT", "https://www.onisep.fr/http/redirection/formation/slug/FOR.7777")


def test_formations_initiales_older_year_old_rncp_scale_and_windows_encoding():
    master, bts, titre, licence = load(onisep_formations, "ideo-formations-initiales-2019.csv")
    assert (master.id, master.url) == ("FOR.9610", "https://www.onisep.fr/http/redirection/formation/slug/FOR.9610")
    assert master.niveau_certification == "niveau 7 (bac + 5)"  # niveau I
    assert master.tutelle == "Ministère de l'Enseignement supérieur"
    assert bts.niveau_certification == "niveau 5 (bac + 2)"  # old level 3
    assert titre.niveau_certification == "non inscrit au RNCP"  # 0
    assert licence.niveau_certification == "niveau 6 (bac + 3)"  # niveau II
    assert licence.libelle == "licence pro communication, parcours médias numériques"
    assert bts.tutelle == "Ministère de l'Éducation nationale"  # Windows-1252 read as such


@pytest.mark.parametrize("value, label, old, expected", [
    ("7", "niveau 7 (bac + 5)", False, "niveau 7 (bac + 5)"),
    ("5", "", False, "niveau 5 (bac + 2)"),
    ("", "non inscrit au RNCP", False, "non inscrit au RNCP"),
    ("4", "niveau IV (bac)", False, "niveau 4 (bac ou équivalent)"),
    ("5", "niveau V (CAP, BEP)", True, "niveau 3 (niveau CAP)"),
    ("2", "", True, "niveau 6 (bac + 3)"),
    ("0", "", True, "non inscrit au RNCP"),
])
def test_niveau_certification_on_today_scale(value, label, old, expected):
    assert onisep_formations.niveau_certification(value, label, old) == expected


@pytest.mark.parametrize("name", ["ideo-metiers-2024.csv", "ideo-metiers.json"])
def test_metiers_list_of_other_years_and_json(name):
    items = load(onisep_metiers, name)
    metiers, romes = by_id(items, Metier), by_id(items, CodeRome)
    first = next(iter(metiers.values()))
    assert first.url.startswith("https://www.onisep.fr/http/redirection/metier/slug/MET.")
    if name.endswith(".csv"):
        assert sorted(metiers) == ["MET.1234", "MET.88"]
        assert metiers["MET.1234"].appellation.masculin == "chargé/e de relations presse"
        assert (metiers["MET.1234"].codes_rome, metiers["MET.1234"].source.line) == (["E1103"], 2)
        assert romes["E1401"].libelle == "Développement et promotion publicitaire"
    else:
        assert sorted(metiers) == ["MET.1299", "MET.650"]
        assert metiers["MET.650"].source.line == 2  # the line of its « { »
        assert romes["E1107"].libelle == "Organisation d'évènementiel"
