"""Summarise `rasa test nlu` results (cross-validation or a held-out set) as a short table (intent and entity F1).

With `--min-f1 X`, exit 1 when the intent weighted F1 is below X; with `--min-entity-f1 Y`, when the entity
extractor's weighted F1 is below Y."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(folder: str, min_f1: float = 0.0, min_entity_f1: float = 0.0) -> int:
    root = Path(folder)
    intents = json.loads((root / "intent_report.json").read_text())
    print(f"intent     accuracy {intents['accuracy']:.3f}   weighted F1 {intents['weighted avg']['f1-score']:.3f}   "
          f"macro F1 {intents['macro avg']['f1-score']:.3f}")
    entity_f1 = None
    for entity_file in sorted(root.glob("*_report.json")):  # one per entity extractor (intent_report: intents)
        if entity_file.name != "intent_report.json":
            entity_f1 = json.loads(entity_file.read_text())["weighted avg"]["f1-score"]
            print(f"entities   weighted F1 {entity_f1:.3f}   ({entity_file.name.removesuffix('_report.json')})")
    worst = sorted(((v["f1-score"], k) for k, v in intents.items() if isinstance(v, dict) and "support" in v
                    and k not in {"macro avg", "weighted avg", "micro avg"}))[:5]
    print("weakest intents: " + ", ".join(f"{k} {f:.2f}" for f, k in worst))
    if intents["weighted avg"]["f1-score"] < min_f1:
        print(f"ÉCHEC : F1 pondéré des intentions sous {min_f1:.2f}")
        return 1
    if min_entity_f1 and (entity_f1 is None or entity_f1 < min_entity_f1):
        print(f"ÉCHEC : F1 pondéré des entités sous {min_entity_f1:.3f}")
        return 1
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    thresholds = {"--min-f1": 0.0, "--min-entity-f1": 0.0}
    for option in thresholds:
        if option in args:
            at = args.index(option)
            thresholds[option] = float(args[at + 1])
            del args[at:at + 2]
    sys.exit(main(args[0] if args else "results/crossval", *thresholds.values()))
