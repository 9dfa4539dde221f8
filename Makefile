# Two commands for a newcomer: `make run` (serve the demo) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run PORT=8080` serves the demo on another port.
PORT ?= 8000
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install build bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: the CPU build on local disk (an unpinned torch pulls a multi-GB CUDA build).
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

build: install
	$(BIN)/faqbot build

run: build
	$(BIN)/faqbot db upgrade
	for store in sessori dissoo stelladot; do $(BIN)/faqbot orders import --store $$store knowledge/$$store/demo-orders.csv; done
	$(BIN)/faqbot serve --host 127.0.0.1 --port $(PORT)

test: install
	$(BIN)/python -m pytest -q

eval: build
	for f in tests/eval/*.jsonl tests/eval/dates/*.jsonl; do $(BIN)/faqbot eval $$f || exit 1; done

bench: build
	$(BIN)/python -m bench.match
	$(BIN)/python -m bench.policy
	$(BIN)/python -m bench.email
	$(BIN)/python -m bench.real

clean:
	rm -rf $(VENV) index/*/ var/
