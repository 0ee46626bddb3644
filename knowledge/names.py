"""The names a student may use for each record (the linker's aliases).

- a job: its id, every appellation (main and synonyms) in both genders — titles written with both
  (« contrôleur/euse aérien/ne ») split into each —, and a link alias per ROME code it holds;
- a formation: its id, its title, the title before « parcours » / « option » (« BUT informatique »), and the
  sigles students use (« BTS MCO », « BTS SIO SISR », « BUT TC »);
- a certification: its title, its RNCP number with and without « RNCP »;
- a ROME code: the code, its label and appellations in both genders (they lead to the jobs holding the code:
  see `linker`), and a link alias to its parent code;
- a sector, an interest: their name.

A link alias is a ROME code written as an alias of a record that is not that code: the linker reads it as « this
record holds that code », never as a name.
"""

from __future__ import annotations

import re

from .grammar import feminize, genders
from .linker import Alias
from .model import CentreInteret, Certification, CodeRome, Formation, Metier, Record, Secteur
from .normalize import STOP_WORDS, fold, normalize

# The first words of a formation title that name its kind (kept as written in its sigles: « BTS MCO »).
DIPLOMAS = frozenset(
    """bts btsa but dut cap capa bp bpa bep mc bma btm btms deust dn dnmade dma dsaa dna dnsep dejeps bpjeps
    desjeps tp cs fcil du deug dcg dscg dec bac licence master mastere""".split()
)
_QUALIFIERS = frozenset("pro professionnel professionnelle technologique general generale agricole spe spe. specialise"
                        .split())
# Words after which a title goes on to a specialisation (« BUT informatique parcours … »).
_SPECIALISATION = re.compile(r"\s+(?:parcours|option|sp[ée]cialit[ée]|mention)\s+", re.I)
_WORD = re.compile(r"[^\W_]+", re.U)


def _usable(sigle: str) -> bool:
    """A sigle the normaliser keeps as one word of its own (not « MA » nor « DE », read as « ma », « de »)."""
    return 2 <= len(sigle) <= 5 and normalize(sigle).tokens == (fold(sigle).lower(),)


def _initials(words: str) -> str:
    """« management commercial opérationnel » → « MCO »; « solutions d'infrastructure, systèmes et réseaux » →
    « SISR » (stop words, elided articles and one-letter option marks left out)."""
    letters = []
    for word in _WORD.findall(re.sub(r"\b[dlDL]['’]", " ", words)):
        folded = fold(word)
        if folded in STOP_WORDS or len(folded) < 2:
            continue
        letters.append(folded[0].upper())
    return "".join(letters)


def _diploma_prefix(title: str) -> tuple[str, str]:
    """(« BTS », « management commercial opérationnel ») of « BTS management commercial opérationnel »;
    (« bac pro », …), (« licence pro », …); ("", title) when the title does not start with a diploma."""
    words = title.split()
    if not words or fold(words[0]).lower() not in DIPLOMAS:
        return "", title
    size = 2 if len(words) > 2 and fold(words[1]).lower() in _QUALIFIERS else 1
    return " ".join(words[:size]), " ".join(words[size:])


def formation_names(formation: Formation) -> list[str]:
    """The names of a formation: its title, the title before its specialisation, and its sigles."""
    title = " ".join(formation.libelle.split())
    names = [title] if title else []
    prefix, rest = _diploma_prefix(title)
    if prefix and rest.lower().startswith("mention "):  # « master mention journalisme » → « master journalisme »
        rest = rest[len("mention "):]
        names.append(f"{prefix} {rest}")
    parts = _SPECIALISATION.split(rest, maxsplit=1)
    if prefix and len(parts) == 2 and parts[0].strip():
        names.append(f"{prefix} {parts[0]}")
    sigle = " ".join(formation.sigle.split())
    if sigle and prefix and _usable(sigle) and not fold(sigle).lower().startswith(fold(prefix.split()[0]).lower()):
        names.append(f"{prefix} {sigle}")  # « BUT TC »
    elif sigle and not prefix and fold(sigle).lower() not in fold(title).lower():
        names.append(f"{title} {sigle}")  # the school's name with its own words: « ENSAIA production agroalimentaire »
    if prefix and parts[0].strip():
        main = _initials(parts[0])
        option = _initials(parts[1]) if len(parts) == 2 else ""
        if _usable(main):
            names.append(f"{prefix} {main}")
            if _usable(option):
                names.append(f"{prefix} {main} {option}")
        # the title with its sigles, for a sigle mixed with words of the title (« BUT TC marketing digital »)
        words = set(fold(title).lower().split())
        sigles = [s for s in dict.fromkeys([sigle, main, option]) if _usable(s) and fold(s).lower() not in words]
        if sigles and len(parts) == 2:
            names.append(" ".join([title, *sigles]))
    return names


def _both_genders(*forms: str) -> list[str]:
    """Each form, split when written with both genders, and the feminine of a masculine-only form."""
    out: list[str] = []
    for form in forms:
        if form:
            masculine, feminine = genders(form)
            out += [masculine, feminine]
    return out


# How students say the ONISEP centres d'intérêt in their own words (« j'aime dessiner » is « j'ai un bon coup de
# crayon »): names of those records, for the linker.
INTEREST_WORDS = {
    "CI.j-ai-un-bon-coup-de-crayon": ("dessiner", "j'aime dessiner", "le dessin"),
    "CI.je-veux-m-occuper-d-animaux": ("les animaux", "j'aime les animaux", "les chevaux"),
    "CI.je-veux-etre-utile-aux-autres": ("aider les autres", "aider les gens", "être utile"),
    "CI.j-aime-la-nature": ("la nature", "nature", "les plantes", "jardiner"),
    "CI.le-sport-est-ma-passion": ("j'aime le sport", "le sport"),
    "CI.je-veux-m-occuper-d-enfants": ("j'aime les enfants", "les enfants"),
    "CI.je-me-passionne-pour-les-nouvelles-technologies": ("les nouvelles technologies", "la technologie"),
    "CI.je-suis-accro-au-numerique": ("j'aime l'informatique", "les jeux vidéo", "les réseaux sociaux", "coder",
                                         "les ordinateurs", "NSI"),
    "CI.je-reve-d-un-metier-artistique": ("un métier artistique", "j'aime l'art", "la musique", "le théâtre", "chanter"),
    "CI.j-aime-communiquer": ("parler aux gens", "convaincre", "écrire", "j'aime écrire", "l'écriture", "rédiger"),
    "CI.j-aime-les-langues": ("les langues étrangères", "j'aime l'anglais", "l'espagnol", "l'allemand", "LLCER"),
    "CI.j-aime-jongler-avec-les-chiffres": ("les maths", "j'aime les maths", "les mathématiques"),
    "CI.ma-vocation-est-de-soigner": ("soigner", "soigner les gens", "la santé"),
    "CI.reparer-bricoler-j-adore-ca": ("bricoler", "j'aime bricoler", "réparer"),
    "CI.je-veux-travailler-de-mes-mains": ("travailler avec mes mains", "un métier manuel"),
    "CI.je-reve-de-travailler-a-l-etranger": ("voyager", "j'aime voyager"),
    "CI.je-veux-proteger-la-planete": ("l'écologie", "l'environnement", "protéger la nature", "le climat"),
    "CI.je-veux-faire-respecter-la-loi": ("la justice", "faire respecter la loi"),
    "CI.je-veux-travailler-dans-le-commerce": ("vendre", "la vente", "le commerce"),
    "CI.j-aime-bien-faire-des-experiences": ("les sciences", "j'aime les sciences", "les expériences", "les SVT",
                                             "la biologie", "la physique", "la chimie", "physique-chimie"),
    "CI.j-aimerais-travailler-dehors": ("travailler dehors", "dehors", "en plein air"),
    "CI.j-aime-les-sensations-fortes": ("l'adrénaline", "les sensations fortes"),
    "CI.j-aime-etre-aux-commandes": ("diriger", "commander", "être chef"),
    "CI.enqueter-analyser-l-information-je-veux-en-faire-mon-travail": ("enquêter", "les enquêtes"),
    "CI.j-aime-bouger": ("bouger", "pas rester assis"),
}


def aliases(record: Record) -> list[Alias]:
    """The names a student may use for a record, and its link aliases."""
    names: list[str] = []
    if isinstance(record, Metier):
        for app in [record.appellation, *record.autres_appellations]:
            masculine = genders(app.masculin)[0] if app.masculin else ""
            names += _both_genders(app.masculin, app.feminin)
            if masculine and not app.feminin:
                names.append(feminize(masculine))
        names += [code for code in record.codes_rome if code != record.id]
    elif isinstance(record, Certification):
        names += [*_both_genders(record.intitule), record.numero, record.numero.removeprefix("RNCP")]
        tail = record.intitule.split()[-1] if len(record.intitule.split()) > 2 else ""
        if len(normalize(tail).text) >= 3:  # what tells the title apart: « le 360 », « le titre cross-média »
            names += [tail, f"titre {tail}"]
        for certifier in record.certificateurs:  # « le titre de l'ISEFAC », « celui de la Paris School »
            inner = re.findall(r"\(([^()]+)\)", certifier.nom_legal)  # « IPL (ISEFAC Paris Lille) »
            names += [certifier.nom_commercial, *inner, *(w for i in inner for w in re.findall(r"\b[A-Z]{4,}\b", i))]
    elif isinstance(record, Formation):
        names += _both_genders(*formation_names(record))
    elif isinstance(record, Secteur):
        names.append(record.nom)
    elif isinstance(record, CodeRome):
        names += [record.code, *_both_genders(record.libelle, *record.appellations)]
        if record.code_parent and record.code_parent != record.code:
            names.append(record.code_parent)
    elif isinstance(record, CentreInteret):
        names += [record.libelle, *INTEREST_WORDS.get(record.id, ())]
    names.append(record.id)  # last: a seed's id (« JOB.media-planneur ») may read like its name
    seen: set[str] = set()
    out = []
    for name in names:
        norm = normalize(name).text if name else ""
        if norm and norm not in seen:
            seen.add(norm)
            out.append(Alias(record.id, record.type, record.label, name, norm))
    return out
