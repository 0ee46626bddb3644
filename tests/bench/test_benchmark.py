"""The stack benchmark (bench/benchmark.py): its pure parts only (nothing is started nor timed here)."""

from __future__ import annotations

import json

import pytest
import yaml

from bench.benchmark import (
    MAX_COLD_START_S,
    MAX_TOTAL_RSS_MB,
    MAX_TRAINING_S,
    REFERENCE_PIPELINE,
    ROOT,
    TECHNICAL_HICCUP,
    TEMPLATE,
    _env_pairs,
    baseline_files,
    compute_targets,
    conversation_scripts,
    finish,
    good_answer,
    level_figures,
    messages_of,
    new_document,
    nlu_intents,
    our_project,
    process_role,
    render_table,
    write_baseline,
)

pytestmark = pytest.mark.unit

CSV = """question;attendu;interdit;conversation
quelles études pour devenir dircom ?;bac + 5;;
bonjour;Bonjour;;
que fait un dircom ?;stratégie;;c1
et quelles études faut-il faire ?;bac + 5;;c1
t'es un robot ?;assistant;;
qui délivre le titre 360 ?;école;;
parle-moi du titre cross média;;;c2
qui la délivre ?;;;c2
merci beaucoup;plaisir;;
quel est le niveau du RNCP35746 ?;niveau 6;;
et son code rome ?;E1103;;c1
"""


def test_scripts_keep_follow_ups_together_and_leave_small_talk_out(tmp_path) -> None:
    path = tmp_path / "faq.csv"
    path.write_text(CSV, encoding="utf-8")
    scripts = conversation_scripts(path, size=2)
    assert scripts[0] == ("que fait un dircom ?", "et quelles études faut-il faire ?", "et son code rome ?")
    assert scripts[1] == ("parle-moi du titre cross média", "qui la délivre ?")
    assert scripts[2:] == [("quelles études pour devenir dircom ?", "qui délivre le titre 360 ?"),
                           ("quel est le niveau du RNCP35746 ?",)]
    assert messages_of(scripts) == 8
    assert not any(text in ("bonjour", "t'es un robot ?", "merci beaucoup") for s in scripts for text in s)


def test_scripts_fall_back_to_the_load_test_when_the_faq_is_missing(tmp_path) -> None:
    from bench.loadtest import SCRIPTS

    assert conversation_scripts(tmp_path / "absent.csv") == [tuple(s) for s in SCRIPTS]


def test_the_shipped_faq_gives_knowledge_base_conversations() -> None:
    scripts = conversation_scripts()
    assert len(scripts) >= 10 and messages_of(scripts) >= 40
    assert any(len(s) >= 3 and s[1].startswith("et ") for s in scripts)  # a follow-up conversation


NLU = """version: "3.1"
nlu:
- intent: ask_studies
  examples: |
    - études ?
- synonym: dircom
  examples: |
    - directeur de la communication
- intent: brand_new
  examples: |
    - nouveau
"""
DOMAIN = {"version": "3.1", "intents": ["ask_studies", {"greet": {"use_entities": []}}],
          "entities": ["job", "choice"], "responses": {"utter_greet": [{"text": "Bonjour"}]},
          "actions": ["action_answer"], "session_config": {"session_expiration_time": 120}}
CONFIG = {"recipe": "default.v1", "language": "fr", "assistant_id": "orientation",
          "pipeline": [{"name": "SpacyNLP", "model": "fr_core_news_md"}, {"name": "DIETClassifier", "epochs": 80}],
          "policies": [{"name": "MemoizationPolicy", "max_history": 3},
                       {"name": "RulePolicy", "core_fallback_threshold": 0.3,
                        "core_fallback_action_name": "action_fallback"}]}


def test_nlu_intents_are_read_from_the_training_files(tmp_path) -> None:
    (tmp_path / "a.yml").write_text(NLU, encoding="utf-8")
    (tmp_path / "b.yml").write_text('version: "3.1"\nnlu:\n- intent: ask_studies\n  examples: |\n    - x\n',
                                    encoding="utf-8")
    assert nlu_intents(tmp_path) == ["ask_studies", "brand_new"]


def test_baseline_answers_every_intent_with_the_template_through_the_reference_pipeline() -> None:
    files = baseline_files(DOMAIN, CONFIG, ["ask_studies", "brand_new"])
    assert set(files) == {"config.yml", "domain.yml", "data/rules.yml", "credentials.yml", "endpoints.yml"}
    domain = yaml.safe_load(files["domain.yml"])
    assert domain["intents"] == ["ask_studies", "greet", "brand_new"]  # the domain's, then the NLU's extras
    assert domain["entities"] == ["job", "choice"]
    assert domain["responses"] == {"utter_template": [{"text": TEMPLATE}]}
    assert "actions" not in domain and domain["session_config"] == {"session_expiration_time": 120}
    rules = yaml.safe_load(files["data/rules.yml"])["rules"]
    assert [r["steps"] for r in rules] == [[{"intent": i}, {"action": "utter_template"}]
                                           for i in ("ask_studies", "greet", "brand_new", "nlu_fallback")]
    config = yaml.safe_load(files["config.yml"])
    assert config["pipeline"] == REFERENCE_PIPELINE and config["language"] == "fr"  # not ours: the same reference
    assert config["assistant_id"] == "baseline"
    assert config["policies"][0] == CONFIG["policies"][0]
    assert config["policies"][1]["core_fallback_action_name"] == "utter_template"  # no custom action here
    assert CONFIG["policies"][1]["core_fallback_action_name"] == "action_fallback"  # input left alone
    assert yaml.safe_load(files["credentials.yml"]) == {"rest": None}
    assert not yaml.safe_load(files["endpoints.yml"])  # Rasa's defaults: in-memory tracker, no action server


def test_baseline_project_from_the_real_project(tmp_path) -> None:
    project = write_baseline(tmp_path / "baseline")
    ours = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    generated = yaml.safe_load(project.config.read_text(encoding="utf-8"))
    assert generated["pipeline"] == REFERENCE_PIPELINE != ours["pipeline"]
    assert "DIETClassifier" in {c["name"] for c in generated["pipeline"]}  # Rasa's usual entity extractor
    assert "DIETClassifier" not in {c["name"] for c in ours["pipeline"]}
    domain = yaml.safe_load(project.domain.read_text(encoding="utf-8"))
    ruled = {r["steps"][0]["intent"] for r in yaml.safe_load((project.cwd / "data" / "rules.yml").read_text())["rules"]}
    assert set(nlu_intents(ROOT / "nlu")) <= set(domain["intents"]) <= ruled
    assert project.data == (ROOT / "nlu", tmp_path / "baseline" / "data")  # the SAME NLU data, our stories not
    command = project.train_command(tmp_path / "out", "baseline")
    assert command[1:3] == ["train", "--data"] and "--force" in command
    assert command[command.index("--config") + 1] == str(project.config)
    assert command[command.index("--out") + 1] == str(tmp_path / "out")
    assert command[0].endswith("/rasa") and project.env == ()  # the reference: Rasa's own executable
    mine = our_project().train_command(tmp_path / "out", "orientation")
    assert mine[1:5] == ["-m", "bot.server.rasa_server", "train", "--data"]  # as `make model` trains it
    assert mine[5:7] == [str(ROOT / "nlu"), str(ROOT / "stories")] and "--force" in mine
    assert str(ROOT / "models") not in mine and dict(our_project().env) == {"ORIENTATION_RASA_PATCHES": "spacy"}
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "TRAIN := env ORIENTATION_RASA_PATCHES=spacy $(BIN)/python -m bot.server.rasa_server train" in makefile
    write_baseline(tmp_path / "baseline")  # regenerated in place


def test_generated_baseline_domain_is_valid_for_rasa(tmp_path) -> None:
    from rasa.shared.core.domain import Domain

    project = write_baseline(tmp_path / "baseline")
    domain = Domain.load(project.domain)
    assert "utter_template" in domain.action_names_or_texts
    assert domain.responses["utter_template"][0]["text"] == TEMPLATE


def test_level_figures() -> None:
    figures = level_figures(10, [float(v) for v in range(100, 0, -1)], {"HTTP 503": 2}, 20.0)
    assert figures["answers"] == 100 and figures["error_count"] == 2 and figures["errors"] == {"HTTP 503": 2}
    assert (figures["p50_ms"], figures["p95_ms"], figures["max_ms"]) == (50.0, 95.0, 100.0)
    assert figures["mean_ms"] == 50.5 and figures["answers_per_s"] == 5.0
    empty = level_figures(1, [], {}, 0.0)
    assert empty["p50_ms"] == empty["answers_per_s"] == 0.0


def _bot(p50: float, rate: float, rss: float, cold: float) -> dict:
    return {"cold_start": {"first_answer_s": cold},
            "levels": {"1": {"p50_ms": p50, "p95_ms": 2 * p50, "answers_per_s": 1000 / p50, "error_count": 0},
                       "10": {"p50_ms": 5 * p50, "p95_ms": 9 * p50, "answers_per_s": rate, "error_count": 0}},
            "memory": {"total_rss_mb": rss, "processes": [{"role": "rasa", "pid": 1, "rss_mb": rss, "peak_mb": rss}]}}


def _document(ours: dict, ref: dict, training: float | None = 250.0) -> dict:
    """A run without the documents-only comparison (its targets: tests/bench/test_benchmark_documents.py)."""
    document = new_document([1, 10], 5.0, [("a", "b")], {"TF_INTRA_OP_PARALLELISM_THREADS": "1"}, documents=False)
    document["training"] = {"assistant_s": training, "baseline_s": 200.0}
    document["assistant"], document["baseline"] = ours, ref
    return finish(document)


def test_targets_are_ratios_to_the_same_runs_baseline() -> None:
    document = _document(_bot(80, 12.0, 650.0, 10.0), _bot(100, 10.0, 1000.0, 20.0), training=50.0)
    targets = {t["name"].split(" ")[0] + str(i): t for i, t in enumerate(document["targets"])}
    values = [(t["value"], t["target"], t["met"]) for t in document["targets"]]
    assert values == [(0.8, 1.0, True), (1.2, 1.0, True), (650.0, 700.0, True), (10.0, 12.0, True),
                      (50.0, 60.0, True)]
    assert (MAX_TOTAL_RSS_MB, MAX_COLD_START_S, MAX_TRAINING_S) == (700.0, 12.0, 60.0)  # issue 17
    assert document["all_met"] is True and len(targets) == 5
    assert compute_targets(document) == document["targets"]  # a pure function of the figures
    slower = _document(_bot(120, 9.0, 1400.0, 39.0), _bot(100, 10.0, 1000.0, 20.0), training=400.0)
    assert [t["met"] for t in slower["targets"]] == [False, False, False, False, False]
    assert slower["targets"][0]["value"] == 1.2 and slower["targets"][1]["value"] == 0.9
    assert slower["all_met"] is False


def test_a_missing_figure_is_not_a_met_target() -> None:
    document = _document(_bot(80, 12.0, 600.0, 11.0), None, training=None)  # type: ignore[arg-type]
    assert [t["value"] for t in document["targets"]] == [None, None, 600.0, 11.0, None]
    assert [t["met"] for t in document["targets"]] == [False, False, True, True, False]
    assert "—" in render_table(document)


def test_json_shape_and_table() -> None:
    document = json.loads(json.dumps(_document(_bot(80, 12.0, 600.0, 10.0), _bot(100, 10.0, 1000.0, 20.0), 50.0)))
    assert {"version", "date", "machine", "settings", "training", "assistant", "baseline", "profile", "targets",
            "all_met"} <= set(document)
    assert document["machine"]["cpu_count"] >= 1
    assert len(document["machine"]["load_average_start"]) == len(document["machine"]["load_average_end"]) == 3
    assert document["settings"]["stack_env"] == {"TF_INTRA_OP_PARALLELISM_THREADS": "1"}
    for target in document["targets"]:
        assert {"name", "value", "target", "met"} <= set(target)
        assert isinstance(target["met"], bool) and isinstance(target["name"], str)
    table = render_table(document)
    assert "1 conv. : latence p50 (ms)" in table and "10 conv. : réponses/s" in table
    assert table.count("[OK]") == 5 and "Tous les objectifs sont atteints." in table
    assert "0.80" in table  # the p50 ratio


def test_good_answer() -> None:
    from bot.channels.guard import TECHNICAL_HICCUP as GUARD_HICCUP

    assert TECHNICAL_HICCUP == GUARD_HICCUP
    assert good_answer([{"recipient_id": "x", "text": "Pour devenir…"}])
    assert not good_answer([])
    assert not good_answer({"error": "…"})
    assert not good_answer([{"recipient_id": "x", "text": TECHNICAL_HICCUP}])


def test_process_roles() -> None:
    assert process_role(["/v/bin/python", "-m", "bot.server.launcher"]) == "lanceur"
    assert process_role(["/v/bin/python", "-m", "bot.server.actions_server", "--port", "1"]) == "actions"
    assert process_role(["/v/bin/python", "/v/bin/rasa", "run", "--model", "m.tar.gz"]) == "rasa"  # baseline
    assert process_role(["/v/bin/python", "-m", "bot.server.rasa_server", "run", "--model", "m.tar.gz"]) == "rasa"  # ours


def test_env_pairs() -> None:
    assert _env_pairs(["A=1", "B=x=y", "C="]) == {"A": "1", "B": "x=y", "C": ""}
    with pytest.raises(ValueError):
        _env_pairs(["nope"])


def test_command_is_registered() -> None:
    from orientation.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["bench", "stack", "--help"])
    assert exit_.value.code == 0
