"""Side by side: two or three records of one kind compared fact by fact (« différence entre chargé de communication
et attaché de presse ? », « vaut mieux le titre cross-média ou le 360 ? »). One short block per fact, one line per
record, so that it reads on a phone and in Telegram (no table); a fact a fiche lacks is « non renseigné », never
filled in; every record's source is cited."""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable, Optional

from knowledge.kb import KnowledgeBase
from knowledge.model import Certification, Formation, Metier, Record

from .compose import KINDS_SAID, PHONE, Answer, citation, date_fr, join_fr, sources_line, study_level, title_of
from .text import cut, first_sentences

NONE = "non renseigné"
LINE = 110  # characters of one record's line in a block

Row = tuple[str, Callable[[KnowledgeBase, Record, str], str]]


def _interests(kb: KnowledgeBase, record: Metier, gender: str) -> str:
    labels = [r.label for r in (kb.get(i) for i in record.centres_interet) if r is not None]
    return join_fr(labels[:3])


def _latest_insertion(kb: KnowledgeBase, record: Certification, gender: str) -> str:
    if not record.statistiques:
        return cut(record.statistiques_texte, LINE) if record.statistiques_texte else ""
    stat = max(record.statistiques, key=lambda s: s.annee)
    rates = [f"{stat.taux_insertion_global_6_mois} % à 6 mois" if stat.taux_insertion_global_6_mois is not None
             else "", f"{stat.taux_insertion_metier_6_mois} % dans le métier visé"
             if stat.taux_insertion_metier_6_mois is not None else ""]
    return f"{stat.annee} : " + ", ".join(r for r in rates if r) if any(rates) else ""


def _registration(kb: KnowledgeBase, record: Certification, gender: str) -> str:
    if not record.date_echeance:
        return ""
    ended = dt.date.fromisoformat(record.date_echeance) < dt.date.today()
    return f"{'a pris fin le' if ended else 'jusqu’au'} {date_fr(record.date_echeance)}"


ROWS: dict[type, tuple[Row, ...]] = {
    Metier: (
        ("Niveau d'accès", lambda kb, r, g: study_level(r.niveau_acces_min)),
        ("Études", lambda kb, r, g: first_sentences(r.duree_etudes, LINE)),
        ("En bref", lambda kb, r, g: first_sentences(r.accroche or r.description or r.en_bref, LINE)),
        ("Salaire du débutant", lambda kb, r, g: first_sentences(r.salaire_debutant, LINE)),
        ("Centres d'intérêt", _interests),
        ("Statut", lambda kb, r, g: join_fr(r.statuts)),
        ("Code ROME", lambda kb, r, g: join_fr(r.codes_rome)),
    ),
    Certification: (
        ("Niveau", lambda kb, r, g: f"niveau {r.niveau_europe}" if r.niveau_europe else ""),
        ("Certificateur", lambda kb, r, g: join_fr([c.nom_legal for c in r.certificateurs])),
        ("Blocs de compétences", lambda kb, r, g: f"{len(r.blocs)} blocs" if r.blocs else ""),
        ("Insertion (dernière promotion)", _latest_insertion),
        ("Enregistrement au RNCP", _registration),
    ),
    Formation: (
        ("Type", lambda kb, r, g: r.type_formation),
        ("Niveau", lambda kb, r, g: r.niveau_certification or study_level(r.niveau_etudes)),
        ("Durée", lambda kb, r, g: r.duree),
        ("Accès", lambda kb, r, g: first_sentences(re.sub(r"^\s*Accès\s*\n", "", r.acces), LINE)),
        ("Métiers", lambda kb, r, g: join_fr([m.label for m in (kb.get(i) for i in r.metiers[:3]) if m])),
    ),
}


def comparable(records: list[Record]) -> Optional[type]:
    """The kind the records share, if it is one that can be compared."""
    kinds = {type(r) for r in records}
    kind = kinds.pop() if len(kinds) == 1 else None
    return kind if kind in ROWS else None


def compare(kb: KnowledgeBase, records: list[Record], gender: str = "") -> Answer:
    """The records side by side, fact by fact; a fact no record has is left out, one some lack says so."""
    kind = comparable(records)
    if kind is None or len(records) < 2:
        said = join_fr([f"« {title_of(r, gender)} » ({KINDS_SAID.get(r.type, r.type)})" for r in records])
        return Answer(text=f"Je compare deux ou trois fiches de même sorte (métiers, certifications ou formations) ; "
                           f"ici : {said}. Dis-moi ce que tu veux savoir sur l'une d'elles.", kind="clarify")
    titles = [title_of(r, gender) for r in records]
    blocks = []
    for label, read in ROWS[kind]:
        values = [read(kb, r, gender) or "" for r in records]
        if not any(values):
            continue
        lines = [f"• {title} : {value or NONE}" for title, value in zip(titles, values)]
        blocks.append(label + "\n" + "\n".join(lines))
    head = "Côte à côte : " + " / ".join(titles)
    result = Answer(text=head, record_id=records[0].id, source=sources_line(
        c for r in records for c in citation(r).split(" : ", 1)[-1].split(" ; ")))
    body = [head]
    for block in blocks:  # the blocks that fit one phone screen, the rest in a second message
        if len("\n".join(body + [block])) + result.footer() > PHONE and len(body) > 1:
            result.text, result.second = "\n".join(body), "\n".join(blocks[len(body) - 1:])
            break
        body.append(block)
    else:
        result.text = "\n".join(body)
    return result
