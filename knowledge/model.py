"""The domain model of the knowledge base: plain dataclasses, serialisable to JSON.

Every record carries a `SourceRef` naming the document it was read from. A field the source
does not state stays empty (None or []): it is never filled in.
"""

from __future__ import annotations

import dataclasses
import typing
from functools import lru_cache
from dataclasses import dataclass, field
from typing import Any, ClassVar, Optional


@dataclass
class SourceRef:
    """Where a record comes from (shown to users as « Source : … »)."""

    publisher: str  # « Onisep », « France Compétences », « Note interne »…
    document: str  # file name in knowledge/sources/ or of the imported export
    reference: str = ""  # « fiche MET.650 », « RNCP35746 »…
    licence: str = ""  # « ODbL », « Licence Ouverte 2.0 »…
    line: Optional[int] = None
    edition: str = ""  # the export's date as a student reads it: « juin 2024 » (national exports)

    def citation(self) -> str:
        """« Source : Onisep, fiche MET.650 », « Source : Onisep, fiche MET.45 (juin 2024) »."""
        parts = [self.publisher] + ([self.reference] if self.reference else [])
        return "Source : " + ", ".join(parts) + (f" ({self.edition})" if self.edition else "")


@dataclass
class Appellation:
    """A job title in both genders (one may be missing in the source)."""

    feminin: str = ""
    masculin: str = ""

    def pick(self, gender: str = "") -> str:
        """The form for `gender` ("f" or "m"), falling back to the other one."""
        if gender == "f":
            return self.feminin or self.masculin
        return self.masculin or self.feminin


@dataclass
class Record:
    """Base of all records: an id, a type and a source."""

    TYPE: ClassVar[str] = "record"
    id: str
    source: SourceRef
    # field name → citation of the source that gave it, when records from several sources merged
    provenance: dict[str, str] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return self.TYPE

    @property
    def label(self) -> str:
        return self.id

    def to_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["type"] = self.TYPE
        return data


@dataclass
class FormationRef:
    id: str
    libelle: str


@dataclass
class Metier(Record):
    """A job: an ONISEP fiche métier, or a job described by a note or a free text."""

    TYPE: ClassVar[str] = "metier"
    appellation: Appellation = field(default_factory=Appellation)
    autres_appellations: list[Appellation] = field(default_factory=list)
    codes_rome: list[str] = field(default_factory=list)
    presentation: str = ""
    en_bref: str = ""
    duree_etudes: str = ""  # the source's own sentence
    duree_etudes_contexte: str = ""  # « Après le bac »
    niveau_acces_min: str = ""  # « bac + 5 »
    formations: list[FormationRef] = field(default_factory=list)
    statuts: list[str] = field(default_factory=list)
    centres_interet: list[str] = field(default_factory=list)  # ids of CentreInteret records
    missions: list[str] = field(default_factory=list)
    qualites: list[str] = field(default_factory=list)
    rattachement: str = ""
    secteurs: list[str] = field(default_factory=list)  # ids of Secteur records
    description: str = ""  # for jobs with no ONISEP sheet (note, free text)
    description_absente: bool = False  # the source names the job but describes it not
    # Idéo fiches métiers (open data): texts with HTML removed
    accroche: str = ""
    nature_travail: str = ""
    competences: str = ""
    condition_travail: str = ""
    acces_metier: str = ""
    vie_professionnelle: str = ""
    metiers_associes: list[str] = field(default_factory=list)  # ids (MET.nnn)
    secteurs_activite: list[str] = field(default_factory=list)  # labels
    salaire_debutant: str = ""  # the « Salaire du débutant » sentence(s) of vie_professionnelle
    url: str = ""  # the public ONISEP page

    @property
    def label(self) -> str:
        return self.appellation.pick("m")


@dataclass
class Formation(Record):
    TYPE: ClassVar[str] = "formation"
    libelle: str = ""
    metiers: list[str] = field(default_factory=list)  # ids of Metier records
    sigle: str = ""
    type_formation: str = ""
    duree: str = ""  # « 3 ans »
    niveau_certification: str = ""  # « niveau 7 (bac + 5) »
    niveau_etudes: str = ""
    descriptif: str = ""
    acces: str = ""
    url: str = ""
    code_rncp: str = ""
    codes_nsf: list[tuple[str, str]] = field(default_factory=list)
    tutelle: str = ""
    nature_certificat: str = ""
    poursuites_etudes: str = ""  # descriptif_poursuite_etudes, HTML removed
    poursuites: list[FormationRef] = field(default_factory=list)  # formations one can go on to
    sous_domaines: list[str] = field(default_factory=list)  # sous_domaines_web labels
    date_modification: str = ""  # ISO date

    @property
    def label(self) -> str:
        return self.libelle


@dataclass
class Certificateur:
    nom_legal: str
    siret: str = ""
    nom_commercial: str = ""
    site_internet: str = ""
    qualite_signataire: str = ""


@dataclass
class BlocCompetences:
    numero: int
    intitule: str
    code: str = ""  # « RNCP35746BC01 » where the source gives one
    competences: list[str] = field(default_factory=list)
    modalites_evaluation: list[str] = field(default_factory=list)


@dataclass
class StatistiqueAnnuelle:
    annee: int
    certifies: Optional[int] = None
    certifies_vae: Optional[int] = None
    taux_insertion_global_6_mois: Optional[int] = None  # percent
    taux_insertion_metier_6_mois: Optional[int] = None
    taux_insertion_metier_2_ans: Optional[int] = None


@dataclass
class VoieAcces:
    """An access route (formation initiale, apprentissage, VAE…) and its jury."""

    voie: str
    ouverte: Optional[bool] = None
    jury: str = ""


@dataclass
class Certification(Record):
    """A France Compétences RNCP sheet."""

    TYPE: ClassVar[str] = "certification"
    numero: str = ""  # « RNCP35746 »
    intitule: str = ""
    niveau_europe: Optional[int] = None
    niveau_1969: str = ""  # « II »
    codes_nsf: list[tuple[str, str]] = field(default_factory=list)
    formacodes: list[tuple[str, str]] = field(default_factory=list)
    certificateurs: list[Certificateur] = field(default_factory=list)
    objectifs: str = ""
    activites: list[str] = field(default_factory=list)
    competences: list[str] = field(default_factory=list)
    blocs: list[BlocCompetences] = field(default_factory=list)
    modalites_evaluation: str = ""
    secteurs_activite: str = ""
    emplois_accessibles: list[str] = field(default_factory=list)
    emplois_description: str = ""
    codes_rome: list[str] = field(default_factory=list)
    prerequis: list[str] = field(default_factory=list)
    voies_acces: list[VoieAcces] = field(default_factory=list)
    statistiques: list[StatistiqueAnnuelle] = field(default_factory=list)
    statistiques_texte: str = ""
    date_echeance: str = ""  # ISO date
    date_enregistrement: str = ""  # ISO date of the registering decision
    date_effet: str = ""
    base_legale: str = ""
    validite_composantes: str = ""
    acquisition: str = ""  # how the blocks add up to the certification (capitalisation, « cumulativement »)
    lieux_certification: list[str] = field(default_factory=list)
    lieux_preparation: list[str] = field(default_factory=list)
    certifications_anterieures: list[tuple[str, str]] = field(default_factory=list)
    liens: list[str] = field(default_factory=list)
    contacts: list[str] = field(default_factory=list)
    # RNCP export (open data)
    etat: str = ""  # « Publiée »…
    actif: Optional[bool] = None
    abrege: str = ""
    date_decision: str = ""
    date_publication: str = ""
    date_limite_delivrance: str = ""
    partenaires: list[Certificateur] = field(default_factory=list)

    @property
    def label(self) -> str:
        return self.intitule


@dataclass
class Secteur(Record):
    """A sector or kind of employer (the communication agency note)."""

    TYPE: ClassVar[str] = "secteur"
    nom: str = ""
    secteur_parent: str = ""  # « secteur du numérique »
    description: list[str] = field(default_factory=list)
    communication_externe: str = ""
    communication_interne: str = ""
    metiers: list[str] = field(default_factory=list)  # ids of Metier records (org chart)

    @property
    def label(self) -> str:
        return self.nom


@dataclass
class CodeRome(Record):
    TYPE: ClassVar[str] = "rome"
    code: str = ""
    libelle: str = ""
    appellations: list[str] = field(default_factory=list)  # job titles of the ROME appellation file
    code_parent: str = ""  # ROME 4.0 code_rome_parent
    definition: str = ""  # ROME 4.0 texts
    acces_emploi: str = ""
    centres_interet: list[str] = field(default_factory=list)  # ROME 4.0 centres d'intérêt labels

    @property
    def label(self) -> str:
        return f"{self.code} {self.libelle}".strip()


@dataclass
class CentreInteret(Record):
    TYPE: ClassVar[str] = "interet"
    libelle: str = ""

    @property
    def label(self) -> str:
        return self.libelle


RECORD_TYPES: dict[str, type[Record]] = {
    cls.TYPE: cls for cls in (Metier, Formation, Certification, Secteur, CodeRome, CentreInteret)
}


@lru_cache(maxsize=None)
def _fields(tp: type) -> tuple[dict[str, Any], frozenset[str]]:
    """A dataclass's resolved field types and names (resolving them costs more than reading a record)."""
    return typing.get_type_hints(tp), frozenset(f.name for f in dataclasses.fields(tp))


def _build(tp: Any, value: Any) -> Any:
    """Rebuild a value of annotated type `tp` from its JSON form."""
    if value is None:
        return None
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if origin is typing.Union:  # Optional[X]
        inner = [a for a in args if a is not type(None)][0]
        return _build(inner, value)
    if origin is list:
        return [_build(args[0], v) for v in value]
    if origin is tuple:
        return tuple(_build(a, v) for a, v in zip(args, value))
    if dataclasses.is_dataclass(tp):
        hints, names = _fields(tp)
        return tp(**{k: _build(hints[k], v) for k, v in value.items() if k in names})
    return value


def record_from_dict(data: dict[str, Any]) -> Record:
    """Inverse of `Record.to_dict`."""
    cls = RECORD_TYPES[data["type"]]
    return _build(cls, data)
