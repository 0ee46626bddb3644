"""`orientation kb …`: build, check, import, show and search the knowledge base."""

from __future__ import annotations

import argparse
import json
import shutil
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Optional

from .build import MANIFEST, build, national_entries, parse_sources
from .kb import KnowledgeBase, StoreMissing, store_path
from .linker import Linker
from .model import Record
from .parsers.errors import ParseError

# Types of which one source document is the only definition: two records with one id is an error.
PRIMARY_TYPES = {"metier", "certification", "secteur"}
REQUIRED = {
    "metier": ["appellation"],
    "certification": ["numero", "intitule", "niveau_europe", "certificateurs"],
    "formation": ["libelle"],
    "secteur": ["nom", "metiers"],
    "rome": ["code"],
    "interet": ["libelle"],
}


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def cmd_build(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    counts = build(args.store, args.manifest, report=lambda note: print(f"note : {note}"))
    total = sum(counts.values())
    for record_type, count in sorted(counts.items()):
        print(f"{record_type:<14} {count:>6}")
    print(f"{'total':<14} {total:>6}   → {args.store} ({time.perf_counter() - started:.1f} s)")
    return 0


def check_store(kb: KnowledgeBase, parsed: list[Record]) -> list[str]:
    """Problems in the sources and the store: duplicate ids, dangling references, empty required fields."""
    problems: list[str] = []
    seen = Counter((r.id, r.type) for r in parsed if r.type in PRIMARY_TYPES)
    problems += [f"identifiant en double : {rid} ({rtype}, {n} fois)" for (rid, rtype), n in seen.items() if n > 1]
    types_by_id: dict[str, set[str]] = {}
    for r in parsed:
        types_by_id.setdefault(r.id, set()).add(r.type)
    problems += [f"identifiant {rid} porté par plusieurs types : {sorted(t)}" for rid, t in types_by_id.items() if len(t) > 1]
    known = set(kb.ids())
    for src, rel, dst in kb.db.execute("SELECT src, rel, dst FROM relations"):
        for end in (src, dst):
            if end not in known:
                problems.append(f"référence pendante : {src} --{rel}--> {dst} ({end} inconnu)")
    for src, dst in kb.redirects().items():
        if dst not in known or src in known:
            problems.append(f"redirection invalide : {src} → {dst}")
    # The stored JSON, read as is (quicker than rebuilding thousands of records).
    for record_id, record_type, text in kb.db.execute("SELECT id, type, data FROM records"):
        data = json.loads(text)
        for name in REQUIRED.get(record_type, []):
            value = data.get(name)
            if not value or (isinstance(value, dict) and not any(value.values())):
                problems.append(f"{record_id} : champ obligatoire « {name} » vide")
        if not (data.get("source") or {}).get("document"):
            problems.append(f"{record_id} : source absente")
        if record_type == "metier":
            refs = [f["id"] for f in data.get("formations", [])] + data.get("codes_rome", []) + \
                data.get("centres_interet", []) + data.get("secteurs", [])
            problems += [f"{record_id} : référence pendante vers {ref}" for ref in refs if ref not in known]
        if record_type == "certification":
            problems += [f"{record_id} : code ROME pendant {c}" for c in data.get("codes_rome", []) if c not in known]
    return problems


def _origins(store: Path, kind: str) -> Optional[tuple[set[tuple[str, str]], set[str]]]:
    """((id, type) the export of `kind` gave to the store, ids the store holds or redirects), None without a store."""
    if not store.exists():
        return None
    try:
        kb = KnowledgeBase(store)
        given = set(kb.db.execute("SELECT id, type FROM origins WHERE kind = ?", (kind,)))
        held = set(kb.ids()) | set(kb.redirects())
        kb.close()
    except sqlite3.Error:  # a store built before origins were kept
        return None
    return given, held


def cmd_import(args: argparse.Namespace) -> int:
    """Read an export in place of the previous one of its kind, then rebuild the store (all or nothing)."""
    from .imports import KINDS, ImportStore, catalogue, detect_kind, file_sha256, imports_path
    from .progress import progress_bar

    if len(args.what) > 2:
        print("Usage : orientation kb import [TYPE] FICHIER", file=sys.stderr)
        return 2
    path = Path(args.what[-1])
    if not path.exists():
        print(f"Fichier introuvable : {path}", file=sys.stderr)
        return 2
    kind = args.what[0] if len(args.what) == 2 else detect_kind(path)
    if kind not in KINDS:
        print(f"Type d'export « {kind} » inconnu : {', '.join(sorted(KINDS))}", file=sys.stderr)
        return 2
    shipped = next((args.manifest.parent / e["file"] for e in national_entries(args.manifest)
                    if e["import"] == catalogue(kind)), None)
    before = _origins(args.store, catalogue(kind))
    imports = imports_path(args.store)
    backup = imports.with_name(imports.name + ".avant-import")
    if imports.exists():
        shutil.copyfile(imports, backup)
    started = time.perf_counter()
    try:
        store = ImportStore(imports)
        try:
            with progress_bar(desc=f"Import {kind}", unit=" enregistrements", disable=args.quiet) as bar:
                summary = store.load(kind, path, include_inactive=args.inactives, progress=lambda: bar.update(1),
                                     shipped_sha256=file_sha256(shipped) if shipped and shipped.exists() else "")
        finally:
            store.close()
        try:
            with progress_bar(desc="Construction de la base", unit=" enregistrements", disable=args.quiet) as bar:
                counts = build(args.store, args.manifest, progress=lambda: bar.update(1))
        except BaseException:  # the store is unchanged: so are the imports
            if backup.exists():
                backup.replace(imports)
            else:
                imports.unlink(missing_ok=True)
            raise
    finally:
        backup.unlink(missing_ok=True)
    after = _origins(args.store, catalogue(kind))
    if before is not None and after is not None:
        (old, _), (new, held) = before, after
        summary.added = Counter(t for _, t in new - old)
        summary.updated = Counter(t for _, t in new & old)
        summary.removed = Counter(t for i, t in old - new if i not in held)
    print(f"Import {kind} de {path.name} en {time.perf_counter() - started:.1f} s")
    for line in summary.lines():
        print(f"  {line}")
    print(f"  base : {sum(counts.values())} enregistrements → {args.store}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    kb = KnowledgeBase(args.store)
    problems = check_store(kb, parse_sources(args.manifest))
    for problem in problems:
        print(f"ERREUR {problem}")
    print(f"{sum(kb.counts().values())} enregistrements vérifiés, {len(problems)} erreur(s).")
    return 1 if problems else 0


def cmd_show(args: argparse.Namespace) -> int:
    kb = KnowledgeBase(args.store)
    record = kb.get(args.id)
    if record is None:
        print(f"Aucun enregistrement « {args.id} ».", file=sys.stderr)
        return 1
    relations = {rel: [{"id": i, "label": kb.get(i).label if kb.get(i) else ""} for i in ids]
                 for rel, ids in kb.relations_of(record.id).items()}
    merged = kb.merged_ids(record.id)
    if args.json:
        _print_json({**record.to_dict(), "label": record.label, "merged_ids": merged, "relations": relations})
        return 0
    print(f"{record.id} · {record.type} · {record.label}" + (f" (avec {', '.join(merged)})" if merged else ""))
    print(record.source.citation())
    for key, value in record.to_dict().items():
        if key in {"id", "type", "source"} or not value:
            continue
        print(f"  {key}: {json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else value}")
    for rel, items in relations.items():
        print(f"  → {rel}: " + ", ".join(f"{i['id']} ({i['label']})" for i in items))
    return 0


def cmd_find(args: argparse.Namespace) -> int:
    kb = KnowledgeBase(args.store)
    text = " ".join(args.text)
    linker: Linker = kb.linker
    result = linker.link(text)
    if args.json:
        _print_json(result.to_dict())
        return 0
    print(f"« {text} » : {result.status}")
    for c in result.candidates:
        print(f"  {c.score:5.1f}  {c.id:<40} {c.type:<14} {c.label}")
    return 0


def add_kb_commands(subparsers: argparse._SubParsersAction) -> None:
    kb = subparsers.add_parser("kb", help="base de connaissances").add_subparsers(dest="kb_command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--store", type=Path, default=None, help="fichier SQLite (défaut : build/knowledge.sqlite)")
    common.add_argument("--manifest", type=Path, default=MANIFEST,
                        help="documents sources et exports nationaux (défaut : knowledge/sources/manifest.yml)")
    kb.add_parser("build", parents=[common], help="analyser les sources et construire la base").set_defaults(func=cmd_build)
    kb.add_parser("check", parents=[common], help="vérifier la base").set_defaults(func=cmd_check)
    from .imports import KINDS

    imp = kb.add_parser("import", parents=[common], help="importer un export open data (Onisep, RNCP, ROME) à la "
                        "place du précédent du même type")
    imp.add_argument("what", nargs="+", metavar="[TYPE] FICHIER",
                     help=f"le fichier, le dossier ou le zip de l'export ; son type ({', '.join(sorted(KINDS))}) est "
                     "reconnu à son en-tête ou donné avant lui")
    imp.add_argument("--inactives", action="store_true", help="RNCP : importer aussi les fiches inactives")
    imp.add_argument("--quiet", action="store_true", help="sans barre de progression")
    imp.set_defaults(func=cmd_import)
    show = kb.add_parser("show", parents=[common], help="afficher un enregistrement")
    show.add_argument("id")
    show.add_argument("--json", action="store_true")
    show.set_defaults(func=cmd_show)
    find = kb.add_parser("find", parents=[common], help="relier une mention à des enregistrements")
    find.add_argument("text", nargs="+")
    find.add_argument("--json", action="store_true")
    find.set_defaults(func=cmd_find)


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> int:
    """Parse and run a command; source and store errors become a clear message (exit 2)."""
    args = parser.parse_args(argv)
    if getattr(args, "store", "unset") is None:
        args.store = store_path()
    try:
        return args.func(args)
    except ParseError as error:
        print(f"Erreur de lecture : {error}", file=sys.stderr)
        return 2
    except StoreMissing as error:
        print(str(error), file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    """`python -m knowledge.cli`: the knowledge-base commands alone."""
    parser = argparse.ArgumentParser(prog="orientation", description="Base de connaissances.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    add_kb_commands(subparsers)
    return run(parser, argv)


if __name__ == "__main__":
    sys.exit(main())
