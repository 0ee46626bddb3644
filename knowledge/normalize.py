"""French text normalisation for matching what students type against record names.

`normalize("Directrice de la com'") → Normalized(tokens=("directeur", "communication"), gender="f")`:
lower case, no accents, elisions and stop words dropped, common abbreviations expanded,
feminine and plural forms brought back to the masculine singular.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Inclusive-writing gender marks: « chargé(e) », « directeur/trice », « professionnel/le », « représentant.e ».
_INCLUSIVE = re.compile(r"\s?\((?:e|es|ne|le|euse|rice|trice)\)|/(?:e|es|ne|le|euse|rice|trice)\b|\.(?:e|es)\b", re.I)
_ELISION = re.compile(r"\b(?:l|d|j|qu|n|s|c|t|m|jusqu|lorsqu|puisqu)['’`´]", re.I)
_TOKEN = re.compile(r"[a-z0-9]+")

STOP_WORDS = frozenset(
    """le la les l un une des de du d en et ou a au aux pour par sur dans avec chez ce cet cette ces
    son sa ses mon ma mes ton ta tes y the of and""".split()
)
# « son » is a possessive (dropped) except where it is the noun « sound »: after « du », « le », « au »,
# « un », or last (« ingénieur du son », « prise de son », « ingé son »), but not in « de son salaire ».
_SOUND = "son"
_BEFORE_SOUND = frozenset("du le au un".split())
# Words that name a kind of record rather than a record: ignored on both sides of a match.
GENERIC_WORDS = frozenset(
    "metier titre certification rncp fiche diplome profession job poste option parcours specialite mention".split()
)

# Abbreviations and SMS spellings, token → expansion (already accent-free).
ABBREVIATIONS: dict[str, tuple[str, ...]] = {
    "com": ("communication",),
    "comm": ("communication",),
    "communic": ("communication",),
    "dircom": ("directeur", "communication"),
    "da": ("directeur", "artistique"),
    "cm": ("community", "manager"),
    "dir": ("directeur",),
    "dirlo": ("directeur",),
    "pub": ("publicite",),
    "pubs": ("publicite",),
    "resp": ("responsable",),
    "respo": ("responsable",),
    "crossmedia": ("cross", "media"),
    "iep": ("institut", "etude", "politique"),
    "sciencespo": ("institut", "etude", "politique"),
    "rp": ("relation", "presse"),
    "mkt": ("marketing",),
    "mktg": ("marketing",),
    "evenementielle": ("evenementiel",),
    "infocom": ("information", "communication"),
    "inge": ("ingenieur",),
    "prof": ("professeur",),
    "profs": ("professeur",),
    "instit": ("professeur", "ecole"),
    "kine": ("kinesitherapeute",),
    "kines": ("kinesitherapeute",),
    "veto": ("veterinaire",),
    "vetos": ("veterinaire",),
    "psy": ("psychologue",),
    "dev": ("developpeur",),
    "devs": ("developpeur",),
    "compta": ("comptabilite",),
    "immo": ("immobilier",),
    "archi": ("architecte",),
    "cuisto": ("cuisinier",),
    "educ": ("educateur",),
    "assmat": ("assistant", "maternel"),
    "pr": ("pour",),
    "ds": ("dans",),
    "ki": ("qui",),
    "ke": ("que",),
    "kel": ("quel",),
    "kelle": ("quel",),
}
# The words after which « info » means « informatique » (« BUT info », « ingé info »).
INFO_AFTER = frozenset("""but bts dut licence master mastere bachelor deust l1 l2 l3 m1 m2 pro inge ingenieur dev
    developpeur technicien prof professeur ecole filiere etude option parcours""".split())
# Multi-word abbreviations, applied to the accent-free lower-case text.
PHRASES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\binfo[ -]?com\b"), "information communication"),
    (re.compile(r"\boption [a-h]\b"), "option"),  # « option B véhicules de transport routier »: the letter says nothing
    # « info » is « informatique » after a diploma or a job (« BUT info », « ingé info »), else « information ».
    (re.compile(rf"\b({'|'.join(sorted(INFO_AFTER))}) info\b"), r"\1 informatique"),
    (re.compile(r"\bsciences? ?po\b"), "institut etude politique"),
    (re.compile(r"\bcross ?-? ?medias?\b"), "cross media"),
    (re.compile(r"\bcom'"), "communication "),
)
# Feminine forms that no suffix rule brings back.
FEMININE: dict[str, str] = {"cheffe": "chef", "cheffes": "chef", "directrice": "directeur", "directrices": "directeur",
                            "hotesse": "hote", "maitresse": "maitre", "ambassadrice": "ambassadeur"}
# Feminine noun endings (they mark the mention as feminine), then adjective endings (they do not).
_FEMININE_SUFFIXES = (("trice", "teur"), ("euse", "eur"), ("iere", "ier"), ("ienne", "ien"), ("eresse", "eur"),
                      ("eure", "eur"), ("ere", "er"), ("ante", "ant"), ("ente", "ent"), ("ate", "at"))
_SHORT_STEMS = frozenset(("ante", "ente", "ate"))  # « agente », « avocate »
_ADJECTIVE_SUFFIXES = (("ive", "if"), ("elle", "el"), ("ale", "al"), ("enne", "en"), ("aise", "ais"))
# Words that end like a feminine form and are not one.
_NOT_FEMININE = frozenset(
    """carriere matiere filiere lumiere frontiere maniere riviere atmosphere sphere mere frere pere
    sante vente pente plante attente entente rente tente patente detente date cravate
    antenne personne male pale sale scale olive archive mastere""".split()
)
_KEEP_FINAL_S = frozenset("cross plus sens temps fois mois ans pas tres apres bus campus corps btms".split())


@dataclass(frozen=True)
class Normalized:
    tokens: tuple[str, ...]
    gender: str = ""  # "f" when the text used a feminine job form, "m" for a masculine one

    @property
    def text(self) -> str:
        return " ".join(self.tokens)


def fold(text: str) -> str:
    """Lower case without accents, with typographic apostrophes made plain."""
    text = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    return text.encode("ascii", "ignore").decode().lower()


def _masculine(token: str) -> tuple[str, bool]:
    """(masculine form, whether the token was a feminine noun form)."""
    if token in FEMININE:
        return FEMININE[token], True
    if token in _NOT_FEMININE:
        return token, False
    for fem, masc in _FEMININE_SUFFIXES:
        if token.endswith(fem) and len(token) - len(fem) >= (2 if fem in _SHORT_STEMS else 3):
            return token[: -len(fem)] + masc, True
    if token.endswith("ee") and len(token) > 4:
        return token[:-1], True
    for fem, masc in _ADJECTIVE_SUFFIXES:
        if token.endswith(fem) and len(token) > len(fem) + 2:
            return token[: -len(fem)] + masc, False
    return token, False


def _singular(token: str) -> str:
    if len(token) > 3 and token not in _KEEP_FINAL_S and not token.isdigit():
        if token.endswith("eaux"):
            return token[:-1]
        if token.endswith(("s", "x")) and not token.endswith(("ss", "us")):
            return token[:-1]
    return token


def normalize(text: str, drop_generic: bool = True) -> Normalized:
    """Normalise a mention or a record name into matching tokens."""
    text = _INCLUSIVE.sub("", text)
    text = _ELISION.sub(" ", text.replace("’", "'"))
    text = fold(text).replace("°", " ")
    for pattern, replacement in PHRASES:
        text = pattern.sub(replacement, text)
    tokens: list[str] = []
    gender = ""
    raws = _TOKEN.findall(text)
    for position, raw in enumerate(raws):
        if raw == _SOUND and (position == len(raws) - 1 or (position and raws[position - 1] in _BEFORE_SOUND)):
            tokens.append(raw)
            continue
        for token in ABBREVIATIONS.get(raw, (raw,)):
            token = _singular(token)
            token, was_feminine = _masculine(token)
            if token in STOP_WORDS or (drop_generic and token in GENERIC_WORDS):
                continue
            if not gender and was_feminine and not tokens:
                gender = "f"
            elif not gender and not tokens and token.endswith(("eur", "teur", "ier", "ien")):
                gender = "m"
            tokens.append(token)
    return Normalized(tuple(tokens), gender)
