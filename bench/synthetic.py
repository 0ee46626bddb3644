"""A synthetic catalogue of national size, to test the importers and the store at scale.

`generate(folder)` writes, deterministically (seeded `random.Random`) and streaming to disk:
Idéo fiches métiers (newer layout) and fiches formations (XML), an RNCP export (XML v4.1, padded
with generated sentences up to `rncp_min_bytes`, some fiches inactive) and the ROME code and
appellation files (CSV). Every file says it is synthetic in a top comment. The data are made up,
with ids in ranges no real record uses (MET.9xxxx, FOR.9xxxx, RNCP9xxxxx); only the five ROME
labels of the reference document are real. Only small link tables (ints) are held in memory.

    python -m bench.synthetic FOLDER [--small] [--seed N]
"""

from __future__ import annotations

import argparse
import math
import random
import re
from datetime import date, timedelta
from pathlib import Path
from typing import Iterable, Iterator
from xml.sax.saxutils import escape


def _split(text: str, sep: str = "|") -> list[str]:
    return [item.strip() for item in text.split(sep)]


# --- word lists ------------------------------------------------------------------------------

HEADS = [tuple(pair.split("/")) for pair in _split(  # masculine/feminine
    "chargé/chargée|technicien/technicienne|responsable/responsable|conseiller/conseillère|ingénieur/ingénieure|"
    "assistant/assistante|animateur/animatrice|gestionnaire/gestionnaire|développeur/développeuse|"
    "opérateur/opératrice|agent/agente|directeur/directrice|coordinateur/coordinatrice|consultant/consultante|"
    "analyste/analyste|formateur/formatrice|contrôleur/contrôleuse|chef de projet/cheffe de projet|"
    "acheteur/acheteuse|attaché/attachée|inspecteur/inspectrice|médiateur/médiatrice|designer/designer|"
    "juriste/juriste|superviseur/superviseuse")]
QUALIFIERS = [tuple(pair.split("/")) for pair in _split(
    "/|junior/junior|senior/senior|territorial/territoriale|international/internationale|principal/principale|"
    "adjoint/adjointe|confirmé/confirmée")]
# complement | ROME letter | NSF code
DOMAINS = [_split(line) for line in """\
de communication|E|320
en maintenance industrielle|I|250
d'exploitation|N|311
de production|H|200
des ressources humaines|M|315
en environnement|A|343
de clientèle|D|312
en génie climatique|F|227
de laboratoire|H|222
en cybersécurité|M|326
de données|M|326
en aménagement paysager|A|214
de la relation client|D|312
en agroalimentaire|H|221
du patrimoine|K|342
de formation|K|333
d'études|M|310
en bâtiment|F|230
en énergies renouvelables|I|227
des achats|M|312
de la paie|M|315
en urbanisme|F|341
de l'action sociale|K|332
en santé au travail|J|331
d'accueil|G|334
en tourisme|G|334
de réseau|I|326
en restauration collective|G|221
en maintenance aéronautique|I|253
en menuiserie|H|234
en audiovisuel|L|323
de spectacle|L|323
en édition|E|322
en marketing digital|E|312
en événementiel|E|320
de la vie scolaire|K|333
de l'insertion professionnelle|K|332
en transport|N|311
en sécurité incendie|K|344
en comptabilité|M|314
en assurances|C|313
en banque|C|313
en immobilier|C|313
en biotechnologies|H|222
en chimie|H|222
en électronique|H|255
en robotique|H|201
en développement durable|A|343
en agriculture biologique|A|211
en viticulture|A|211
en mode et textile|B|240
en bijouterie|B|233
en arts graphiques|E|322
en communication interne|E|320
de plateforme logistique|N|311
en recyclage|K|343
en eau et assainissement|K|343
de travaux publics|F|231
en géomatique|F|231
de la petite enfance|K|332
en sport et loisirs|G|335
en hôtellerie|G|334
en numérique éducatif|K|333
en prévention des risques|H|344""".splitlines()]
ROME_KNOWN = dict(pair.split(":") for pair in _split(
    "E1103:Communication|E1104:Conception de contenus multimédias|E1107:Organisation d'évènementiel|"
    "E1401:Développement et promotion publicitaire|E1402:Élaboration de plan média"))
ROME_ACTIVITIES = _split("Études et conception|Production et exploitation|Management et encadrement|"
                         "Conseil et accompagnement")
INTERETS = _split(
    "j'ai le sens du contact|je veux aider les autres|j'aime bouger|j'aime la nature|"
    "je suis à l'aise avec les chiffres|j'aime bricoler|j'ai l'esprit d'équipe|je rêve de créer|j'aime organiser|"
    "je suis curieux de sciences|j'aime convaincre|j'aime les langues|je veux protéger l'environnement|"
    "j'aime le numérique")
STATUTS = [tuple(pair.split(":")) for pair in _split(
    "T-ITM.9:salarié|T-ITM.1:fonctionnaire|T-ITM.4:indépendant|T-ITM.2:profession libérale")]
# sigle | libellé court | libellé | niveau européen | durée | niveau d'études
TYPES_FORMATION = [(*row[:3], int(row[3]), *row[4:]) for row in map(_split, """\
CAP|CAP|certificat d'aptitude professionnelle|3|2 ans|CAP ou équivalent
Bac pro|bac pro|baccalauréat professionnel|4|3 ans|Bac
BTS|BTS|brevet de technicien supérieur|5|2 ans|Bac + 2
BUT|BUT|bachelor universitaire de technologie|6|3 ans|Bac + 3
LP|licence pro|licence professionnelle|6|1 an|Bac + 3
L|licence|licence|6|3 ans|Bac + 3
M|master|master|7|2 ans|Bac + 5
TP|titre pro|titre professionnel|5|1 an|Bac + 2
DI|diplôme d'ingénieur|diplôme d'ingénieur|7|5 ans|Bac + 5
MC|mention complémentaire|mention complémentaire|4|1 an|Bac""".splitlines())]
# niveau européen → (niveau d'accès, id Idéo, durée des études)
NIVEAUX = {3: ("CAP", "REF.406", "2 ans"), 4: ("bac", "REF.407", "3 ans"), 5: ("bac + 2", "REF.408", "2 ans"),
           6: ("bac + 3", "REF.409", "3 ans"), 7: ("bac + 5", "REF.410", "5 ans")}
OPTIONS = _split("|parcours international|parcours alternance|option management|option numérique|parcours recherche|"
                 "option qualité|parcours entrepreneuriat|option santé|parcours projets|option export|"
                 "parcours innovation")
VILLES = _split("Lyon Lille Nantes Rennes Bordeaux Toulouse Marseille Strasbourg Grenoble Dijon Rouen Tours Limoges "
                "Amiens Brest Pau Metz Nice", " ")
ORGANISMES = _split("ÉCOLE SUPÉRIEURE|INSTITUT|CENTRE DE FORMATION|CCI|ACADÉMIE")
VERBS = _split("Analyser Concevoir Piloter Organiser Évaluer Coordonner Rédiger Contrôler Planifier Animer Accompagner "
               "Sélectionner Déployer Superviser Identifier Préparer Négocier Diagnostiquer Optimiser Sécuriser", " ")
OBJECTS = _split(
    "les besoins des clients|un plan d'action adapté|les ressources humaines et matérielles|la démarche qualité|"
    "les indicateurs de performance|le budget prévisionnel|les procédures de sécurité|"
    "les relations avec les partenaires|une équipe pluridisciplinaire|les outils numériques|un cahier des charges|"
    "les risques professionnels|la veille réglementaire|les données de production|un dispositif d'évaluation|"
    "les actions de formation|un projet {d}|les activités {d}|les interventions techniques|la communication interne")
ENDINGS = _split(
    "en tenant compte des contraintes réglementaires|dans le respect des délais et du budget|"
    "afin d'améliorer la satisfaction des usagers|en s'appuyant sur une veille technique|"
    "en lien avec les services concernés|selon les normes en vigueur|pour garantir la continuité du service|"
    "en intégrant les enjeux du développement durable|à partir d'un diagnostic partagé|"
    "en mobilisant les outils adaptés|auprès des interlocuteurs internes et externes|"
    "en rendant compte à sa hiérarchie")
VOIES = _split("SI_JURY_FI SI_JURY_FC SI_JURY_CA SI_JURY_CQ SI_JURY_CL SI_JURY_VAE", " ")

BANNER = "Fichier SYNTHÉTIQUE généré par bench.synthetic (seed {seed}) : données inventées, pas un export réel."
FILES = {"metiers": "ideo-fiches-metiers.xml", "formations": "ideo-fiches-formations.xml",
         "rncp": "export-fiches-rncp-v4-1.xml", "rome": "unix_referentiel_code_rome_v460_utf8.csv",
         "rome_appellations": "unix_referentiel_appellation_v460_utf8.csv"}
CAPACITY = len(HEADS) * len(DOMAINS) * len(QUALIFIERS)  # distinct job titles
SMALL = {"metiers": 20, "formations": 30, "certifications": 40, "rncp_min_bytes": 200_000}


def noun(complement: str) -> str:
    """« de la relation client » → « relation client »."""
    return re.sub(r"^(?:de la |de l'|des |du |de |d'|en )", "", complement)


def job_title(index: int) -> tuple[str, str, int]:
    """(masculine, feminine, domain index) of the `index`-th combination of the word lists."""
    head, rest = divmod(index, len(DOMAINS) * len(QUALIFIERS))
    domain, qual = divmod(rest, len(QUALIFIERS))
    (m, f), (qm, qf), compl = HEADS[head], QUALIFIERS[qual], DOMAINS[domain][0]
    return " ".join(p for p in (m, compl, qm) if p), " ".join(p for p in (f, compl, qf) if p), domain


def rome_table() -> list[tuple[str, str, int]]:
    """(code, label, domain index): four codes per domain, the five known codes keeping their label."""
    table, counters = [], {}
    for d, (compl, letter, _) in enumerate(DOMAINS):
        for activity in ROME_ACTIVITIES:
            n = counters[letter] = counters.get(letter, -1) + 1
            code = f"{letter}{11 + n // 20}{n % 20 + 1:02d}"
            table.append((code, ROME_KNOWN.get(code, f"{activity} ({noun(compl)})"), d))
    present = {code for code, _, _ in table}
    return table + [(code, label, 0) for code, label in ROME_KNOWN.items() if code not in present]


# --- XML helpers -----------------------------------------------------------------------------


def _el(tag: str, text: object) -> str:
    return f"<{tag}>{escape(str(text))}</{tag}>"


def _cdata(tag: str, html_text: str) -> str:
    return f"<{tag}><![CDATA[{html_text}]]></{tag}>"


def _group(tag: str, items: Iterable[str]) -> str:
    return f"<{tag}>{''.join(items)}</{tag}>"


def _idlib(tag: str, ident: str, libelle: str) -> str:
    return f"<{tag}>{_el('id', ident)}{_el('libelle', libelle)}</{tag}>"


def _pair(tag: str, code: object, libelle: str) -> str:
    return f"<{tag}>{_el('CODE', code)}{_el('LIBELLE', libelle)}</{tag}>"


def _write(path: Path, header: str, items: Iterator[str], footer: str = "") -> None:
    """Stream `items` to `path` through a 1 MB buffer."""
    with path.open("wb", buffering=1 << 20) as out:
        out.write(header.encode())
        for item in items:
            out.write(item.encode())
        out.write(footer.encode())


def _xml_header(root: str, seed: int) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<!-- {BANNER.format(seed=seed)} -->\n<{root}>\n'


def _action(rng: random.Random, d: int) -> str:
    """« Piloter les activités en communication »."""
    return f"{rng.choice(VERBS)} " + rng.choice(OBJECTS).format(d="en " + noun(DOMAINS[d][0]))


class _Sentences:
    """A fixed pool of generated sentences, drawn from to fill long texts quickly."""

    def __init__(self, rng: random.Random, size: int = 3000):
        self.pool = [f"{_action(rng, rng.randrange(len(DOMAINS)))} {rng.choice(ENDINGS)}." for _ in range(size)]
        self.mean = sum(len(s.encode()) for s in self.pool) / size

    def paragraphs(self, rng: random.Random, k: int) -> str:
        return "".join(f"<p>{s}</p>" for s in rng.choices(self.pool, k=k))

    def escaped_html(self, rng: random.Random, budget: int, minimum: int, tag: str = "p") -> str:
        """Escaped HTML (`&lt;p&gt;…`) of at least `minimum` sentences and about `budget` bytes."""
        k = max(minimum, math.ceil(budget / (self.mean + 2 * len(tag) + 15)))
        body = "".join(f"&lt;{tag}&gt;{s}&lt;/{tag}&gt;" for s in rng.choices(self.pool, k=k))
        return f"&lt;ul&gt;{body}&lt;/ul&gt;" if tag == "li" else body


# --- the catalogue ---------------------------------------------------------------------------


def generate(folder: Path, metiers: int = 1000, formations: int = 6000, certifications: int = 7000,
             rncp_min_bytes: int = 500_000_000, seed: int = 1) -> dict[str, Path]:
    """Write the synthetic catalogue into `folder`; the paths by kind (keys of FILES)."""
    if metiers > CAPACITY or formations > len(TYPES_FORMATION) * len(OPTIONS) * len(DOMAINS):
        raise ValueError("trop de métiers ou de formations demandés pour les listes de mots")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = {kind: folder / name for kind, name in FILES.items()}
    catalogue = _Catalogue(seed, metiers, formations)
    _write(paths["metiers"], _xml_header("metiers", seed), catalogue.metiers(), "</metiers>\n")
    _write(paths["formations"], _xml_header("formations", seed), catalogue.formations(), "</formations>\n")
    catalogue.write_rncp(paths["rncp"], certifications, rncp_min_bytes)
    _write(paths["rome"], f"# {BANNER.format(seed=seed)}\n", catalogue.rome_rows())
    _write(paths["rome_appellations"], f"# {BANNER.format(seed=seed)}\n", catalogue.appellation_rows())
    return paths


class _Catalogue:
    """The small link tables (ints, codes) from which each file is streamed."""

    def __init__(self, seed: int, metiers: int, formations: int):
        self.seed = seed
        rng = self.rng("liens")
        self.titles = sorted(rng.sample(range(CAPACITY), metiers))  # job_title index of each métier
        self.by_domain: dict[int, list[int]] = {}
        for m, index in enumerate(self.titles):
            self.by_domain.setdefault(job_title(index)[2], []).append(m)
        self.combos = rng.sample(range(len(TYPES_FORMATION) * len(OPTIONS) * len(DOMAINS)), formations)
        self.links: list[list[int]] = []  # formation → métiers of its domain (any when it has none)
        self.metier_formations: dict[int, list[int]] = {}
        for j, combo in enumerate(self.combos):
            candidates = self.by_domain.get(combo % len(DOMAINS)) or range(metiers)
            self.links.append(rng.sample(candidates, min(rng.randint(1, 4), len(candidates))))
            for m in self.links[-1]:
                self.metier_formations.setdefault(m, []).append(j)
        self.table = rome_table()
        self.rome_labels = {code: label for code, label, _ in self.table}
        self.rome_by_domain: dict[int, list[str]] = {}
        for code, _, d in self.table:
            self.rome_by_domain.setdefault(d, []).append(code)
        self.sentences = _Sentences(self.rng("phrases"))

    def rng(self, name: str) -> random.Random:
        return random.Random(f"{self.seed}:{name}")

    def title(self, m: int) -> tuple[str, str, int]:
        return job_title(self.titles[m])

    def formation(self, j: int) -> tuple[str, tuple, int]:
        """(libellé, type, domain index) of formation `j`."""
        rest, d = divmod(self.combos[j], len(DOMAINS))
        kind, option = TYPES_FORMATION[rest % len(TYPES_FORMATION)], OPTIONS[rest // len(TYPES_FORMATION)]
        return f"{kind[2]} {noun(DOMAINS[d][0])}" + (f", {option}" if option else ""), kind, d

    def metiers(self) -> Iterator[str]:
        rng, text = self.rng("metiers"), self.sentences.paragraphs
        for m in range(len(self.titles)):
            masc, fem, d = self.title(m)
            nom = masc if masc == fem else f"{masc} / {fem}"
            forms = self.metier_formations.get(m, [])
            niveau = min((self.formation(j)[1][3] for j in forms), default=rng.randint(3, 7))
            acces, ref, duree = NIVEAUX[niveau]
            synonyms = (f"<synonyme>{_el('nom_metier', f'{masc} {qm} / {fem} {qf}')}"
                        f"{_el('libelle_feminin', f'{fem} {qf}')}{_el('libelle_masculin', f'{masc} {qm}')}</synonyme>"
                        for qm, qf in rng.sample(QUALIFIERS[1:], rng.randint(0, 2)))
            statut = rng.choice(STATUTS)
            others = [o for o in rng.sample(range(len(self.titles)), min(3, len(self.titles))) if o != m]
            yield "".join([
                "<metier>", _el("identifiant", f"MET.{90000 + m}"), _el("nom_metier", nom),
                _el("libelle_feminin", fem), _el("libelle_masculin", masc), _group("synonymes", synonyms),
                _group("romesV3", (_el("romeV3", c) for c in rng.sample(self.rome_by_domain[d], rng.randint(1, 3)))),
                _cdata("accroche_metier", f"<p>Le métier de {masc} : {rng.choice(self.sentences.pool)}</p>"),
                _cdata("nature_travail", text(rng, 4)), _cdata("competences", text(rng, 3)),
                _cdata("condition_travail", text(rng, 2)), _cdata("vie_professionnelle", text(rng, 2)),
                _cdata("acces_metier", f"<p>Le métier est accessible à partir du niveau {acces}.</p>"),
                "<format_court>", _el("type", "fiche métier"), _el("libelle", nom),
                _cdata("descriptif", f"<h5>Durée des études</h5><h4>{'Après le bac' if niveau > 4 else 'Après la 3e'}"
                                     f"</h4><p>{duree}</p>"), "</format_court>",
                f"<statuts><statut>{_el('id', statut[0])}{_el('id_ideo1', statut[0])}{_el('libelle', statut[1])}"
                "</statut></statuts>",
                _group("metiers_associes", (_idlib("metier_associe", f"MET.{90000 + o}", self.title(o)[0])
                                            for o in others)),
                _idlib("niveau_acces_min", ref, acces.capitalize()),
                _group("formations_min_requise", (_idlib("formation_min_requise", f"FOR.{90000 + j}",
                                                         self.formation(j)[0]) for j in forms[:5])),
                _group("secteurs_activite", [_idlib("secteur_activite", f"T-IDEO2.9{d:03d}", noun(DOMAINS[d][0]))]),
                _group("centres_interet", (_idlib("centre_interet", f"T-IDEO2.98{i:02d}", INTERETS[i])
                                           for i in rng.sample(range(len(INTERETS)), 3))),
                "</metier>\n",
            ])

    def formations(self) -> Iterator[str]:
        rng = self.rng("formations")
        for j, metiers in enumerate(self.links):
            libelle, (sigle, court, long_, niveau, duree, etudes), d = self.formation(j)
            suite = rng.randrange(len(self.links))
            yield "".join([
                "<formation>", _el("identifiant", f"FOR.{90000 + j}"), _el("code_scolarite", f"9{j:07d}"),
                _el("libelle_complet", libelle), _el("sigle", sigle), _el("libelle_generique", long_),
                _el("libelle_specifique", noun(DOMAINS[d][0])),
                _group("type_Formation", [_el("type_formation_sigle", sigle),
                                          _el("type_formation_libelle_court", court),
                                          _el("type_formation_libelle", long_)]),
                _el("duree_formation", duree), _cdata("descriptif_format_court", self.sentences.paragraphs(rng, 3)),
                _cdata("descriptif_acces", f"<p>Accessible après le niveau {NIVEAUX[max(3, niveau - 1)][0]}.</p>"),
                _el("url", f"https://www.onisep.fr/http/redirection/formation/slug/FOR.{90000 + j}"),
                _group("nsf_discipline", [_el("NSF_discipline_code", DOMAINS[d][2]),
                                          _el("NSF_discipline_libelle", noun(DOMAINS[d][0]))]),
                _el("niveau_certification", f"niveau {niveau} ({NIVEAUX[niveau][0]})"),
                _idlib("niveau_etudes", NIVEAUX[niveau][1], etudes),
                _el("attendus", "Intérêt pour le domaine et capacité de travail en équipe."),
                _el("sous_tutelle", "ministère chargé de l'enseignement supérieur"),
                "<poursuites_etudes><poursuite_etudes>", _el("type_Poursuite", "formation complémentaire"),
                f'<formation_poursuite_Etudes id="FOR.{90000 + suite}">{escape(self.formation(suite)[0])}'
                "</formation_poursuite_Etudes></poursuite_etudes></poursuites_etudes>",
                _group("metiers_formation", (_idlib("metier", f"MET.{90000 + m}", self.title(m)[0]) for m in metiers)),
                _group("sous_domaines_web", [_idlib("sous_domaine_web", f"T-IDEO2.9{d:03d}", noun(DOMAINS[d][0]))]),
                _el("creation_date", "2024-01-15"), _el("modification_date", "2025-03-01"), "</formation>\n",
            ])

    def rome_rows(self) -> Iterator[str]:
        yield '"code_rome","code_fiche_em","code_ogr","libelle_rome","statut"\n'
        for n, (code, label, _) in enumerate(sorted(self.table)):
            yield f'"{code}","{code}","{90000 + n}","{label}","1"\n'

    def appellation_rows(self) -> Iterator[str]:
        yield '"code_ogr","libelle_appellation_long","libelle_appellation_court","code_rome"\n'
        n = 0
        for code, _, d in sorted(self.table):
            for m in self.by_domain.get(d, [])[:6]:
                masc, fem, _ = self.title(m)
                n += 1
                yield f'"{80000 + n}","{masc} / {fem}","{masc}","{code}"\n'

    def write_rncp(self, path: Path, count: int, min_bytes: int) -> None:
        """Stream `count` fiches, each padded so that the file reaches `min_bytes`."""
        rng = self.rng("rncp")
        header, footer = _xml_header("FICHES", self.seed), "</FICHES>\n"
        with path.open("wb", buffering=1 << 20) as out:
            written = out.write(header.encode())
            for i in range(count):
                target = math.ceil((min_bytes - written - len(footer)) / (count - i))
                written += out.write(self.fiche(rng, i, target).encode())
            out.write(footer.encode())

    def fiche(self, rng: random.Random, i: int, target: int) -> str:
        """One FICHE of at least `target` bytes (and at least a few sentences per long text)."""
        d, numero, niveau = rng.randrange(len(DOMAINS)), f"RNCP{900000 + i}", rng.randint(3, 7)
        masc, fem, _ = job_title(rng.randrange(CAPACITY))
        decision = date(2016, 1, 1) + timedelta(days=rng.randrange(3000))
        stat_tag = "STATISTIQUE_PROMOTION" if rng.random() < 0.1 else "STATISTIQUES_PROMOTION"
        emplois = "".join(f"<li>{job_title(rng.randrange(CAPACITY))[0]}</li>" for _ in range(rng.randint(2, 4)))
        head = "".join([
            "<FICHE>\n", _el("ID_FICHE", 900000 + i), _el("NUMERO_FICHE", numero),
            _el("INTITULE", masc[0].upper() + masc[1:]), _group("ABREGE", [_el("CODE", "TP" if i % 3 else "TITRE")]),
            _el("ETAT_FICHE", "Publiée"), _el("ACTIF", "Oui" if rng.random() > 0.12 else "Non"),
            _el("DATE_DE_PUBLICATION", _dmy(decision + timedelta(days=3))), _el("DATE_DECISION", _dmy(decision)),
            _el("DATE_FIN_ENREGISTREMENT", _dmy(decision + timedelta(days=5 * 365))),
            _el("DATE_EFFET", _dmy(decision + timedelta(days=1))),
            _group("NOMENCLATURE_EUROPE", [_el("NIVEAU", f"NIV{niveau}"), _el("LIBELLE", f"Niveau {niveau}")]), "\n",
            _group("CODES_NSF", [_pair("NSF", DOMAINS[d][2], noun(DOMAINS[d][0]))]),
            _group("FORMACODES", [_pair("FORMACODE", 40000 + d * 37, noun(DOMAINS[d][0]))]), "\n",
            _group("CODES_ROME", (_pair("ROME", c, self.rome_labels[c])
                                  for c in rng.sample(self.rome_by_domain[d], rng.randint(1, 3)))), "\n",
            _group("CERTIFICATEURS", (f"<CERTIFICATEUR>{_el('SIRET_CERTIFICATEUR', _siret(rng))}"
                                      f"{_el('NOM_CERTIFICATEUR', _organisme(rng))}</CERTIFICATEUR>"
                                      for _ in range(rng.randint(1, 2)))), "\n",
            (f"<PARTENAIRES><PARTENAIRE>{_el('NOM_PARTENAIRE', _organisme(rng))}"
             f"{_el('SIRET_PARTENAIRE', _siret(rng))}</PARTENAIRE></PARTENAIRES>\n" if rng.random() < 0.3 else ""),
            _el("OBJECTIFS_CONTEXTE", f"<p>La certification « {masc} » répond aux besoins du secteur.</p>"), "\n",
            _el("SECTEURS_ACTIVITE", f"<p>Entreprises et organismes du secteur : {noun(DOMAINS[d][0])}.</p>"), "\n",
            _el("TYPE_EMPLOI_ACCESSIBLES", f"<ul>{emplois}</ul>"), "\n",
            _el("PREREQUIS_ENTREE_FORMATION", f"<p>Niveau {NIVEAUX[max(3, niveau - 1)][0]} ou expérience.</p>"), "\n",
            _el("LIEN_URL_DESCRIPTION", f"https://certif.example.org/{numero.lower()}"), "\n",
            _group("STATISTIQUES_PROMOTIONS", (_stat(rng, stat_tag, 2024 - k) for k in range(rng.randint(0, 4)))),
            "\n", *(f"<{v}>{_el('ACTIF', 'Oui' if rng.random() < 0.8 else 'Non')}"
                    f"{_el('COMPOSITION', '<p>Jury de professionnels du secteur.</p>')}</{v}>\n" for v in VOIES),
            (f"<ANCIENNES_CERTIFICATIONS><ANCIENNE_CERTIFICATION>{_el('NUMERO_FICHE', f'RNCP{800000 + i}')}"
             f"{_el('INTITULE', fem)}</ANCIENNE_CERTIFICATION></ANCIENNES_CERTIFICATIONS>\n"
             if rng.random() < 0.3 else ""),
        ])
        n_blocs, html = rng.randint(2, 6), self.sentences.escaped_html
        budget = max(0, target - len(head.encode()) - 300 * n_blocs - 200)  # bytes left for the long texts
        share = budget // (4 * n_blocs)
        blocs = "".join(
            f"<BLOC_COMPETENCES>{_el('CODE', f'{numero}BC{b:02d}')}{_el('LIBELLE', _action(rng, d))}"
            f"<LISTE_COMPETENCES>{html(rng, share, 2, 'li')}</LISTE_COMPETENCES>"
            f"<MODALITES_EVALUATION>{html(rng, share, 1)}</MODALITES_EVALUATION></BLOC_COMPETENCES>\n"
            for b in range(1, n_blocs + 1))
        tail = (f"<CAPACITES_ATTESTEES>{html(rng, budget // 4, 3, 'li')}</CAPACITES_ATTESTEES>\n"
                f"<BLOCS_COMPETENCES>\n{blocs}</BLOCS_COMPETENCES>\n</FICHE>\n")
        activites = html(rng, budget // 4, 3)
        size = len(head.encode()) + len(activites.encode()) + len(tail.encode()) + 38  # 38: ACTIVITES_VISEES tags
        while size < target:  # top up, so that the file surely reaches its minimum size
            more = html(rng, target - size, 1)
            activites += more
            size += len(more.encode())
        return f"{head}<ACTIVITES_VISEES>{activites}</ACTIVITES_VISEES>\n{tail}"


def _stat(rng: random.Random, tag: str, year: int) -> str:
    def rate() -> str:
        return str(rng.randint(40, 100)) if rng.random() < 0.8 else ""

    return (f"<{tag}>{_el('ANNEE', year)}{_el('NOMBRE_CERTIFIES', rng.randint(5, 400))}"
            f"{_el('NOMBRE_CERTIFIES_VAE', rng.randint(0, 20))}{_el('TAUX_INSERTION_GLOBAL_6MOIS', rate())}"
            f"{_el('TAUX_INSERTION_METIER_2ANS', rate())}</{tag}>")


def _dmy(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def _siret(rng: random.Random) -> int:
    return rng.randrange(10**13, 10**14)


def _organisme(rng: random.Random) -> str:
    return f"{rng.choice(ORGANISMES)} DE {rng.choice(VILLES).upper()} {rng.randint(1, 99)}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Génère un catalogue synthétique (métiers, formations, RNCP, ROME).")
    parser.add_argument("folder", type=Path)
    parser.add_argument("--small", action="store_true", help="petit catalogue (20 métiers, 30 formations, 40 fiches)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    for kind, path in generate(args.folder, seed=args.seed, **(SMALL if args.small else {})).items():
        print(f"{kind:18} {path}  ({path.stat().st_size / 1e6:.1f} Mo)")


if __name__ == "__main__":
    main()
