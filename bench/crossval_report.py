"""Summarise `rasa test nlu` results (cross-validation or a held-out set) as a short table (intent and entity F1).

With `--min-f1 X`, exit 1 when the intent weighted F1 is below X."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(folder: str, min_f1: float = 0.0) -> int:
    root = Path(folder)
    intents = json.loads((root / "intent_report.json").read_text())
    print(f"intent     accuracy {intents['accuracy']:.3f}   weighted F1 {intents['weighted avg']['f1-score']:.3f}   "
          f"macro F1 {intents['macro avg']['f1-score']:.3f}")
    entity_file = root / "DIETClassifier_report.json"
    if entity_file.exists():
        entities = json.loads(entity_file.read_text())
        print(f"entities   weighted F1 {entities['weighted avg']['f1-score']:.3f}")
    worst = sorted(((v["f1-score"], k) for k, v in intents.items() if isinstance(v, dict) and "support" in v
                    and k not in {"macro avg", "weighted avg", "micro avg"}))[:5]
    print("weakest intents: " + ", ".join(f"{k} {f:.2f}" for f, k in worst))
    if intents["weighted avg"]["f1-score"] < min_f1:
        print(f"ÉCHEC : F1 pondéré des intentions sous {min_f1:.2f}")
        return 1
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    threshold = 0.0
    if "--min-f1" in args:
        at = args.index("--min-f1")
        threshold = float(args[at + 1])
        del args[at:at + 2]
    sys.exit(main(args[0] if args else "results/crossval", threshold))
