"""The names a student may use for each record (the linker's aliases)."""

from __future__ import annotations

from .grammar import feminize
from .linker import Alias
from .model import CentreInteret, Certification, CodeRome, Formation, Metier, Record, Secteur
from .normalize import normalize


def aliases(record: Record) -> list[Alias]:
    """The names a student may use for a record."""
    names: list[str] = [record.id]
    if isinstance(record, Metier):
        for app in [record.appellation, *record.autres_appellations]:
            names += [app.masculin, app.feminin or feminize(app.masculin)]
    elif isinstance(record, Certification):
        names += [record.intitule, record.numero, record.numero.removeprefix("RNCP")]
    elif isinstance(record, Formation):
        names.append(record.libelle)
    elif isinstance(record, Secteur):
        names.append(record.nom)
    elif isinstance(record, CodeRome):
        names += [record.code, record.libelle]
    elif isinstance(record, CentreInteret):
        names.append(record.libelle)
    seen: set[str] = set()
    out = []
    for name in names:
        norm = normalize(name).text if name else ""
        if norm and norm not in seen:
            seen.add(norm)
            out.append(Alias(record.id, record.type, record.label, name, norm))
    return out
