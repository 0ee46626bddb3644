"""Summarise `rasa test nlu --cross-validation` results as a short table (intent and entity F1)."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def main(folder: str) -> int:
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
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "results/crossval"))
