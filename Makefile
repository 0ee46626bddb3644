# The assistant's routine tasks. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON310 ?= $(shell p=$$(pyenv root 2>/dev/null)/versions/3.10.13/bin/python; [ -x "$$p" ] && echo $$p || command -v python3.10)
VENV := .venv
BIN := $(VENV)/bin
STORE := build/knowledge.sqlite
MODEL := models/orientation.tar.gz
MODEL_INPUTS := config.yml domain.yml $(wildcard nlu/*.yml) $(wildcard stories/*.yml)
KB_INPUTS := $(wildcard knowledge/*.py knowledge/parsers/*.py knowledge/sources/*)
CHROMIUM := /usr/bin/chromium
AXE := build/node/node_modules/axe-core/axe.min.js

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: all install kb model run test unit validate stories faq crossval latency lint bench clean webchat-deps

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

$(STORE): $(BIN)/.installed $(KB_INPUTS)
	$(BIN)/orientation kb build
	$(BIN)/orientation kb check

kb: $(STORE)

# Retrained only when its inputs changed (make compares their dates with the model's).
$(MODEL): $(BIN)/.installed $(MODEL_INPUTS)
	$(BIN)/rasa train --data nlu stories --config config.yml --domain domain.yml \
		--out models --fixed-model-name orientation
	touch $@

model: $(MODEL)

# -- running ------------------------------------------------------------------------------------
run: kb model
	$(BIN)/python -m bot.launcher

# -- tests --------------------------------------------------------------------------------------
validate: install
	$(BIN)/rasa data validate --data nlu stories --fail-on-warnings

unit: kb model webchat-deps
	$(BIN)/python -m pytest -q

stories: model
	$(BIN)/rasa test core --model $(MODEL) --stories tests/test_stories.yml \
		--fail-on-prediction-errors --out results/stories

# The shipped staff FAQ, played through a private copy of the assistant.
faq: kb model
	$(BIN)/orientation faq check faq/exemple.csv --start --quiet --report build/rapports/faq.html

test: validate unit stories faq

# NLU cross-validation (slow: trains 3 models); the report lands in results/crossval.
crossval: install
	$(BIN)/rasa test nlu --nlu nlu --config config.yml --cross-validation -f 3 --out results/crossval
	$(BIN)/python -m bot.crossval_report results/crossval

# Answer latency through the REST channel of a running stack (make run in another terminal).
latency: install
	$(BIN)/python -m bot.latency --url http://localhost:5005/webhooks/rest/webhook

bench: kb
	$(BIN)/orientation bench linker
	$(BIN)/orientation bench catalogue

lint: install
	$(BIN)/ruff check knowledge actions bot tests

clean:
	rm -rf build models results .pytest_cache
