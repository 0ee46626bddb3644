"""The records of the national held-out set (tests/holdout_national.yml), drawn at random from the shipped exports.

Not a test (no `test_` prefix): the tool its questions were written with, kept so that the draw can be replayed
and the file checked against the exports.

    .venv/bin/python -m tests.holdout_national_draw draw     # the drawn records and what a question needs
    .venv/bin/python -m tests.holdout_national_draw faq      # another draw (disjoint), with facts, for faq/exemple.csv
    .venv/bin/python -m tests.holdout_national_draw check    # the YAML against the exports and the draw

The draw: SEED, JOBS fiches métiers and FORMATIONS fiches formations, uniformly among the records of the ONISEP
Idéo exports of 25 June 2024 (knowledge/sources/national/, read inside the zips). The questions themselves were
written by hand from the draw, apart from nlu/ and stories/, and never go back into them.
"""

from __future__ import annotations

import random
import re
import sys
import unicodedata
import zipfile
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import lru_cache
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NATIONAL = ROOT / "knowledge" / "sources" / "national"
METIERS_ZIP = NATIONAL / "onisep-ideo-fiches-metiers-2024-06-25.zip"
FORMATIONS_ZIP = NATIONAL / "onisep-ideo-fiches-formations-2024-06-25.zip"
HOLDOUT = ROOT / "tests" / "holdout_national.yml"

SEED = 15  # issue 15
JOBS, FORMATIONS = 110, 55  # held-out draw
SEED_PREFIX = "JOB."  # a seed document's job (knowledge/sources/), one record with its ONISEP twin
FAQ_SEED, FAQ_JOBS, FAQ_FORMATIONS = 1508, 30, 12  # the FAQ's draw, disjoint from the held-out one


@dataclass
class Job:
    id: str
    name: str  # « contrôleur/euse aérien/ne »
    masculine: str
    feminine: str
    synonyms: list[str] = field(default_factory=list)  # masculine and feminine forms
    romes: list[str] = field(default_factory=list)
    level: str = ""
    statuses: list[str] = field(default_factory=list)
    salary: str = ""  # the « Salaire du débutant » sentence(s), as text
    hook: str = ""  # accroche_metier, as text
    formations: list[str] = field(default_factory=list)  # formations_min_requise libellés
    related: list[str] = field(default_factory=list)
    interests: list[str] = field(default_factory=list)

    @property
    def names(self) -> list[str]:
        return [n for n in [self.masculine, self.feminine, *self.synonyms] if n]


@dataclass
class Formation:
    id: str
    label: str  # libelle_complet
    sigle: str
    kind: str  # type_formation_libelle
    kind_sigle: str
    duration: str
    level: str  # niveau_certification
    study_level: str  # niveau_etudes/libelle
    jobs: list[tuple[str, str]] = field(default_factory=list)  # (MET.n, masculine name)
    further: list[str] = field(default_factory=list)  # poursuites d'études


def text(node: ET.Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def html_text(fragment: str) -> str:
    """The HTML of a CDATA field as one line of text."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", fragment or ""))).strip()


def _root(path: Path) -> ET.Element:
    with zipfile.ZipFile(path) as archive:
        (member,) = [n for n in archive.namelist() if n.lower().endswith(".xml")]
        with archive.open(member) as stream:
            return ET.parse(stream).getroot()


def salary_of(vie_professionnelle: str) -> str:
    """The « Salaire du débutant » paragraph(s) of `vie_professionnelle`, as text."""
    found = re.search(r"Salaire du d[ée]butant\s*</h\d>(.*?)(?=<h\d|$)", vie_professionnelle or "", re.S)
    return html_text(found.group(1)) if found else ""


@lru_cache(maxsize=None)
def jobs() -> dict[str, Job]:
    out = {}
    for node in _root(METIERS_ZIP).iter("metier"):
        synonyms = []
        for syn in node.iter("synonyme"):
            synonyms += [f for f in (text(syn.find("libelle_masculin")), text(syn.find("libelle_feminin"))) if f]
        job = Job(
            id=text(node.find("identifiant")), name=text(node.find("nom_metier")),
            masculine=text(node.find("libelle_masculin")), feminine=text(node.find("libelle_feminin")),
            synonyms=list(dict.fromkeys(synonyms)),
            romes=[text(r) for r in node.iter("romeV3")],
            level=text(node.find("niveau_acces_min/libelle")),
            statuses=[text(s.find("libelle")) for s in node.iter("statut")],
            salary=salary_of(text(node.find("vie_professionnelle"))),
            hook=html_text(text(node.find("accroche_metier"))),
            formations=[text(f.find("libelle")) for f in node.iter("formation_min_requise")],
            related=[text(m.find("libelle")) for m in node.iter("metier_associe")],
            interests=[text(c.find("libelle")) for c in node.iter("centre_interet")],
        )
        out[job.id] = job
    return out


@lru_cache(maxsize=None)
def formations() -> dict[str, Formation]:
    out = {}
    for node in _root(FORMATIONS_ZIP).iter("formation"):
        further = [text(p) for p in node.iter("formation_poursuite_Etudes")]
        form = Formation(
            id=text(node.find("identifiant")), label=text(node.find("libelle_complet")), sigle=text(node.find("sigle")),
            kind=text(node.find("type_Formation/type_formation_libelle")),
            kind_sigle=text(node.find("type_Formation/type_formation_sigle")),
            duration=text(node.find("duree_formation")), level=text(node.find("niveau_certification")),
            study_level=text(node.find("niveau_etudes/libelle")),
            jobs=[(text(m.find("id")), text(m.find("libelle_masculin"))) for m in node.findall("metiers_formation/metier")],
            further=further,
        )
        out[form.id] = form
    return out


def fold(name: str) -> str:
    """Case-, accent- and punctuation-free form of a name, to find the records that share one."""
    bare = "".join(c for c in unicodedata.normalize("NFKD", name.casefold()) if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", " ", bare).strip()


@lru_cache(maxsize=None)
def holders() -> dict[str, set[str]]:
    """Folded name → the ids of the records bearing it (job names and synonyms, formation titles and sigles)."""
    out: dict[str, set[str]] = {}
    for job in jobs().values():
        for name in job.names:
            out.setdefault(fold(name), set()).add(job.id)
    for form in formations().values():
        for name in (form.label, form.sigle and f"{form.kind_sigle} {form.sigle}"):
            if name:
                out.setdefault(fold(name), set()).add(form.id)
    return out


def draw(seed: int = SEED, n_jobs: int = JOBS, n_formations: int = FORMATIONS,
         exclude: frozenset[str] = frozenset()) -> tuple[list[Job], list[Formation]]:
    """`n_jobs` jobs and `n_formations` formations, uniformly at random (ids sorted first: the draw is stable)."""
    rng = random.Random(seed)
    job_ids = sorted((i for i in jobs() if i not in exclude), key=lambda i: int(i.split(".")[1]))
    form_ids = sorted((i for i in formations() if i not in exclude), key=lambda i: int(i.split(".")[1]))
    return ([jobs()[i] for i in rng.sample(job_ids, n_jobs)],
            [formations()[i] for i in rng.sample(form_ids, n_formations)])


def heldout_ids() -> frozenset[str]:
    picked_jobs, picked_forms = draw()
    return frozenset(r.id for r in [*picked_jobs, *picked_forms])


def label_of(record_id: str) -> str:
    return jobs()[record_id].masculine if record_id in jobs() else formations()[record_id].label


def show_job(job: Job, facts: bool = False) -> str:
    shared = sorted({other for n in job.names for other in holders()[fold(n)]} - {job.id})
    lines = [f"{job.id}  {job.masculine} / {job.feminine}",
             f"    synonymes: {', '.join(job.synonyms) or '-'}",
             f"    niveau: {job.level or '-'}  statuts: {', '.join(job.statuses) or '-'}  rome: {', '.join(job.romes) or '-'}"
             f"  salaire: {'oui' if job.salary else 'non'}"]
    if shared:
        lines.append(f"    NOMS PARTAGÉS avec: {', '.join(f'{i} ({label_of(i)})' for i in shared)}")
    if facts:
        lines += [f"    salaire: {job.salary or '-'}", f"    accroche: {job.hook[:300]}",
                  f"    formations: {'; '.join(job.formations) or '-'}", f"    associés: {', '.join(job.related) or '-'}",
                  f"    intérêts: {', '.join(job.interests) or '-'}"]
    return "\n".join(lines)


def show_formation(form: Formation, facts: bool = False) -> str:
    same = sorted(holders()[fold(form.label)] - {form.id})
    lines = [f"{form.id}  {form.label}  [sigle: {form.sigle or '-'}; type: {form.kind} ({form.kind_sigle})]",
             f"    durée: {form.duration or '-'}  niveau: {form.level or '-'}  études: {form.study_level or '-'}"
             f"  métiers: {len(form.jobs)}  poursuites: {len(form.further)}"]
    if same:
        lines.append(f"    MÊME TITRE que: {', '.join(f'{i} ({label_of(i)})' for i in same)}")
    if facts:
        lines += [f"    métiers: {', '.join(f'{i} {n}' for i, n in form.jobs) or '-'}",
                  f"    poursuites: {'; '.join(form.further[:6]) or '-'}"]
    return "\n".join(lines)


def load_holdout(path: Path = HOLDOUT) -> list[dict]:
    import yaml
    return yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]


def check(path: Path = HOLDOUT) -> list[str]:
    """What is wrong with the held-out file: unknown ids or intents, too few questions, drawn records unasked."""
    import yaml
    intents = set(yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))["intents"])
    items, problems = load_holdout(path), []
    known = set(jobs()) | set(formations())
    asked: set[str] = set()
    seen_texts: set[str] = set()
    for n, item in enumerate(items, 1):
        if item["intent"] not in intents:
            problems.append(f"#{n} intention inconnue : {item['intent']}")
        if not item.get("ids") or any(i not in known and not i.startswith(SEED_PREFIX) for i in item["ids"]):
            problems.append(f"#{n} identifiant inconnu : {item.get('ids')}")
        if item["text"] in seen_texts:
            problems.append(f"#{n} question en double : {item['text']}")
        seen_texts.add(item["text"])
        asked.add(item["ids"][0])
    if len(items) < 150:
        problems.append(f"{len(items)} questions (< 150)")
    unasked = sorted(heldout_ids() - asked)
    if unasked:
        problems.append(f"tirés mais sans question : {', '.join(unasked)}")
    strays = sorted(asked - heldout_ids())
    if strays:
        problems.append(f"premier identifiant hors du tirage : {', '.join(strays)}")
    return problems


def main(argv: list[str]) -> int:
    mode = argv[0] if argv else "draw"
    if mode == "draw":
        picked_jobs, picked_forms = draw()
        print(f"# graine {SEED} : {len(picked_jobs)} métiers sur {len(jobs())}, "
              f"{len(picked_forms)} formations sur {len(formations())}")
        for job in picked_jobs:
            print(show_job(job))
        for form in picked_forms:
            print(show_formation(form))
    elif mode == "faq":
        picked_jobs, picked_forms = draw(FAQ_SEED, FAQ_JOBS, FAQ_FORMATIONS, exclude=heldout_ids())
        for job in picked_jobs:
            print(show_job(job, facts=True))
        for form in picked_forms:
            print(show_formation(form, facts=True))
    elif mode == "check":
        problems = check()
        print("\n".join(problems) or f"{HOLDOUT.name} : conforme ({len(load_holdout())} questions)")
        return 1 if problems else 0
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
