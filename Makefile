# The assistant's routine tasks. `make run` and `make test` work on a fresh machine.
SHELL := /bin/bash
PYTHON310 ?= $(shell p=$$(pyenv root 2>/dev/null)/versions/3.10.13/bin/python; [ -x "$$p" ] && echo $$p || command -v python3.10)
VENV := .venv
BIN := $(VENV)/bin
STORE := build/knowledge.sqlite
MODEL := models/orientation.tar.gz
MODEL_INPUTS := config.yml domain.yml $(wildcard nlu/*.yml) $(wildcard stories/*.yml)
KB_INPUTS := $(wildcard knowledge/*.py knowledge/parsers/*.py knowledge/sources/*)

export RASA_TELEMETRY_ENABLED := false
export TF_CPP_MIN_LOG_LEVEL := 2
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: all install kb model run test unit validate crossval lint bench clean

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

$(STORE): $(BIN)/.installed $(KB_INPUTS)
	$(BIN)/orientation kb build
	$(BIN)/orientation kb check

kb: $(STORE)

# -- tests --------------------------------------------------------------------------------------
unit: kb
	$(BIN)/python -m pytest -q

test: unit

lint: install
	$(BIN)/ruff check knowledge actions bot tests

clean:
	rm -rf build models results .pytest_cache
