# The assistant's routine tasks. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON310 ?= $(shell p=$$(pyenv root 2>/dev/null)/versions/3.10.13/bin/python; [ -x "$$p" ] && echo $$p || command -v python3.10)
VENV := .venv
BIN := $(VENV)/bin
STORE := build/knowledge.sqlite
MODEL := models/orientation.tar.gz
# Rasa's CLI through our entry point: the same commands, without the known warnings of pinned libraries
# (bot/server/quiet.py); the serving patches are off here (training, validation and evaluation are plain Rasa).
RASA := env ORIENTATION_RASA_PATCHES=none $(BIN)/python -m bot.server.rasa_server
# Training: the same, with spaCy loaded once for the two SpacyNLP nodes (its patch) and TensorFlow kept out of the
# process when config.yml has no TensorFlow component (bot/server/no_tensorflow.py).
TRAIN := env ORIENTATION_RASA_PATCHES=spacy $(BIN)/python -m bot.server.rasa_server train
MODEL_INPUTS := config.yml domain.yml $(wildcard nlu/*.yml) $(wildcard stories/*.yml) $(wildcard bot/components/*.py) \
	knowledge/mentions.py knowledge/linker.py knowledge/names.py knowledge/normalize.py
# The knowledge base's inputs: its code, the source documents and the national exports' archives (read in place).
KB_INPUTS := $(wildcard knowledge/*.py knowledge/parsers/*.py knowledge/importers/*.py knowledge/sources/* \
	knowledge/sources/national/*.zip)
CHROMIUM := /usr/bin/chromium
AXE := build/node/node_modules/axe-core/axe.min.js

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1
# Rasa 3.6 pins SQLAlchemy 1.4, whose « uber » 2.0 warning this documented switch turns off (in `rasa …` too).
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
# Progress bars animate on a terminal. When make's stderr (where tqdm writes) is a log or a pipe, tqdm's bars,
# Rasa's included, refresh at most every 30 s (tqdm reads these defaults from the environment); our own bars
# write plain lines there (knowledge/progress.py). $(shell) keeps make's stderr, so `-t 2` tests the real one.
ifeq ($(shell [ -t 2 ] && echo terminal),)
export TQDM_MININTERVAL := 30
export TQDM_MAXINTERVAL := 60
endif

.PHONY: all install kb model run test test-steps unit unit-bot unit-other integration pytest-nlu pytest-model \
	pytest-e2e pytest-scaleout validate stories faq crossval latency lint bench clean webchat-deps load audit scaleout-deps scaleout holdout \
	conversations

all: install kb

# -- set-up -------------------------------------------------------------------------------------
$(BIN)/.installed: pyproject.toml constraints.txt
	@test -n "$(PYTHON310)" || { echo "Python 3.10 introuvable (pyenv 3.10.13 ou python3.10)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON310) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade "pip==26.3"
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev]'
	$(BIN)/python -m pip check
	touch $@

install: $(BIN)/.installed

# Web chat browser tests: Debian's Chromium (driven by Playwright, no browser download) and axe-core.
$(CHROMIUM):
	$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo -E ) apt-get install -y -qq chromium

$(AXE):
	npm install --prefix build/node --no-audit --no-fund --silent axe-core@4.14.1

webchat-deps: $(CHROMIUM) $(AXE)

# Scale-out profile test (tests/bench/test_scaleout.py): Debian's PostgreSQL, Redis and nginx, installed only when
# missing (quick when present). The test runs private instances on free ports, never the system services.
# After Chromium: apt-get runs one at a time (make -j in `make test`).
SCALEOUT_PKGS := postgresql redis-server nginx
scaleout-deps: | $(CHROMIUM)
	@missing=$$(for p in $(SCALEOUT_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q ' installed$$' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "Installation de :" $$missing; \
		$$( [ "$$(id -u)" = 0 ] || echo sudo ) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $$( [ "$$(id -u)" = 0 ] || echo sudo -E ) apt-get install -y -qq \
			--no-install-recommends $$missing; \
	fi

$(STORE): $(BIN)/.installed $(KB_INPUTS)
	$(BIN)/orientation kb build
	$(BIN)/orientation kb check

kb: $(STORE)

# Retrained only when its inputs changed (make compares their dates with the model's). The entity extractor learns
# from the names the knowledge base finds in nlu/: the store must exist, but a new one needs no retraining.
$(MODEL): $(BIN)/.installed $(MODEL_INPUTS) | $(STORE)
	$(TRAIN) --data nlu stories --config config.yml --domain domain.yml \
		--out models --fixed-model-name orientation
	touch $@

model: $(MODEL)

# -- running ------------------------------------------------------------------------------------
run: kb model
	$(BIN)/python -m bot.server.launcher

# -- tests --------------------------------------------------------------------------------------
# pytest tests carry one kind each (pyproject.toml, tests/conftest.py): unit, nlu, model, e2e, browser, scaleout.
# BESIDE_TRAINING prefixes the steps that `make test` runs while the model trains (there: nice -n 10, so that the
# training keeps its cores and the tests take what it leaves).
BESIDE_TRAINING ?=

validate: install
	$(BESIDE_TRAINING) $(RASA) data validate --data nlu stories --fail-on-warnings

# The pure unit tests: nothing but the venv (no knowledge base, model, browser or database). About 30 s: two
# sessions side by side, as the tests of bot/ import Rasa and TensorFlow and the others hardly anything.
unit: install
	@$(MAKE) --no-print-directory -j 2 --output-sync=target unit-bot unit-other

unit-bot: install
	$(BESIDE_TRAINING) $(BIN)/python -m pytest -q -m unit tests/bot

unit-other: install
	$(BESIDE_TRAINING) $(BIN)/python -m pytest -q -m unit --ignore=tests/bot

# The other pytest tests: the model's, then the end-to-end ones (most on one shared stack: tests/conftest.py),
# the web chat in Chromium, the scale-out profile. The shipped FAQ (faq/exemple.csv) is checked there too.
integration: kb model webchat-deps scaleout-deps
	$(BIN)/python -m pytest -q -m "not unit"

# The same in sessions that `make test` runs side by side: the NLU component's while the model trains.
pytest-nlu: install
	$(BESIDE_TRAINING) $(BIN)/python -m pytest -q -m nlu

pytest-model: model
	$(BIN)/python -m pytest -q -m model

pytest-e2e: kb model webchat-deps
	$(BIN)/python -m pytest -q -m "e2e or browser"

pytest-scaleout: model scaleout-deps
	$(BIN)/python -m pytest -q -m scaleout

stories: model
	$(RASA) test core --model $(MODEL) --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out results/stories

# The shipped staff FAQ, played through a private copy of the assistant (in `make test`, through the shared
# stack of the pytest tests: tests/staff/test_staff_e2e.py).
faq: kb model
	$(BIN)/orientation faq check faq/exemple.csv --start --quiet --report build/rapports/faq.html

# The held-out conversations (tests/conversations_holdout.yml: 2 to 4 turns each, written apart from nlu/ and
# stories/), played through the REST channel of a private copy of the assistant: pass rate overall and per
# category, the failures, and build/rapports/conversations.txt. `make test` plays them too (at least 95 %).
conversations: kb model
	$(BIN)/orientation bench conversations --start --quiet

# The independent held-out set (tests/nlu_holdout.yml: 300 student messages written apart from nlu/).
holdout: model
	rm -rf results/holdout
	$(RASA) test nlu --model $(MODEL) --nlu tests/nlu_holdout.yml --out results/holdout
	$(BIN)/python -m bench.crossval_report results/holdout --min-f1 0.90 --min-entity-f1 0.954

# Every check (what CI runs on a fresh clone: ~6–9 min on 2 cores). Independent steps run side by side, each
# one's output shown when it ends (so tqdm writes lines, not bars): the venv, the system packages and pip-audit's
# venv; then, while the model trains (about 1.2 of the 2 cores), the unit and NLU tests, `rasa data validate` and
# the audit; then, with the model, the end-to-end tests, the scale-out profile, the model's tests, the test stories
# and the held-out set.
# The order of test-steps is the order make starts them in: the longest chain first. A failing step does not
# stop the others (--keep-going): make names every failed one at the end.
test:
	@echo "make test : étapes en parallèle, la sortie de chacune à sa fin (pytest -m unit, nlu, model, e2e…, scaleout)"
	@$(MAKE) --no-print-directory -j 5 --keep-going --output-sync=target TQDM_MININTERVAL=30 TQDM_MAXINTERVAL=60 \
		BESIDE_TRAINING="nice -n 10" test-steps

test-steps: pytest-e2e pytest-scaleout pytest-model stories holdout unit-bot unit-other pytest-nlu validate audit

# Just the scale-out test: two Rasa servers and two action servers behind nginx, PostgreSQL, Redis.
scaleout: model scaleout-deps
	$(BIN)/python -m pytest -q -m scaleout

# Known vulnerabilities of the installed packages (pip-audit, PyPI's advisories; findings accepted with their
# reason in audit-accepted.txt). pip-audit has its own venv: it needs CacheControl>=0.13 and packaging>=23,
# which Rasa 3.6 forbids. Packages that could not be checked (advisory service unreachable) fail `make audit`
# but only warn in `make test` (AUDIT_INCOMPLET=avertir); an unaccepted vulnerability always fails.
AUDIT_VENV := build/audit-venv
PIP_AUDIT := $(AUDIT_VENV)/bin/pip-audit
AUDIT_INCOMPLET ?= echec
test-steps: AUDIT_INCOMPLET := avertir

$(PIP_AUDIT):
	$(PYTHON310) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install -q "pip-audit==2.10.1"

define AUDIT_VERDICT
import json, os, sys
try:
    deps = json.load(open("build/audit.json", encoding="utf-8"))["dependencies"]
except (OSError, ValueError, KeyError):
    sys.exit("pip-audit n'a produit aucun résultat (voir ses messages ci-dessus)")
found = [(d["name"], d["version"], v) for d in deps for v in d.get("vulns", [])]
for name, version, v in found:
    print(f"VULNÉRABILITÉ {v['id']} {name} {version} (corrigée en {', '.join(v['fix_versions']) or '?'}) : "
          f"{' '.join((v.get('description') or '').split())[:300]}")
skipped = [d for d in deps if "skip_reason" in d]
checked = len(deps) - len(skipped)
if found:
    sys.exit(f"{len(found)} vulnérabilité(s) hors audit-accepted.txt : mettre à jour, ou l'accepter avec sa raison")
if skipped:
    print(f"AUDIT INCOMPLET : {len(skipped)} paquet(s) sur {len(deps)} non vérifié(s), par exemple : "
          f"{skipped[0]['skip_reason']}. Le service d'avis de PyPI (pypi.org/pypi/NOM/VERSION/json) "
          "ne répond pas depuis cette machine.", file=sys.stderr)
    sys.exit(0 if os.environ.get("AUDIT_INCOMPLET") == "avertir" else 1)
print(f"pip-audit : {checked} paquets vérifiés, aucune vulnérabilité connue hors audit-accepted.txt")
endef
export AUDIT_VERDICT

audit: install $(PIP_AUDIT)
	@mkdir -p build && rm -f build/audit.json
	-$(PIP_AUDIT) --skip-editable --progress-spinner off --desc on -f json -o build/audit.json \
		--path "$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" \
		$$(awk '!/^#/ && NF { printf " --ignore-vuln %s", $$1 }' audit-accepted.txt)
	@AUDIT_INCOMPLET=$(AUDIT_INCOMPLET) $(AUDIT_VENV)/bin/python -c "$$AUDIT_VERDICT"

# NLU cross-validation (slow: trains 3 models); the report lands in results/crossval.
crossval: install
	$(RASA) test nlu --nlu nlu --config config.yml --cross-validation -f 3 --out results/crossval
	$(BIN)/python -m bench.crossval_report results/crossval

# Answer latency through the REST channel of a running stack (make run in another terminal).
latency: install
	$(BIN)/python -m bench.latency --url http://localhost:5005/webhooks/rest/webhook

# Load test: 50 simultaneous conversations for 5 minutes through the REST channel (a running stack on
# port 5005, else a private one started for the run); figures in build/load.json.
load: kb model
	$(BIN)/orientation bench load

# Performance figures (not in CI; ~15 min on a quiet 2-core machine): the linker (1 s), the synthetic
# national catalogue (~2 min, 1.7 GB in build/bench), then the whole stack against a bare Rasa bot with the same
# NLU pipeline: training, cold start, latency and throughput at 1/10/50 conversations, memory, targets and a
# profile, and the cost of the national data (the same stack on the documents alone, side by side); table on
# screen, figures in build/bench.json (bench/benchmark.py). models/ is left alone.
bench: kb
	$(BIN)/orientation bench linker
	$(BIN)/orientation bench catalogue
	$(BIN)/orientation bench stack

lint: install
	$(BIN)/ruff check knowledge actions bot staff bench orientation tests
	$(BIN)/lint-imports

clean:
	rm -rf build models results .pytest_cache
