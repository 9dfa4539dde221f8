# Two commands for a newcomer: `make run` (serve the demo) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# `make run PORT=8080` serves the demo on another port.
PORT ?= 8000
STAMP := $(VENV)/.installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

.PHONY: run test install lock audit build bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: the CPU build on local disk (an unpinned torch pulls a multi-GB CUDA build).
# Then exactly the versions in requirements.lock, each checked against its hash (the lock pins torch to
# 2.13.0+cpu too), then the project itself on top of them.
$(STAMP): $(BIN)/python pyproject.toml requirements.lock
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet --require-hashes -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Regenerates requirements.lock from pyproject.toml (main dependencies and the test and bench extras), with
# pip-tools in a venv of its own. Pins already in the lock are kept while pyproject still admits them;
# `make lock LOCK_ARGS=--upgrade` (or `LOCK_ARGS='-P fastapi'`) moves them. Run it on this kind of machine:
# the torch 2.13.0+cpu wheel must be on pip's find-links, or the lock would name PyPI's CUDA build.
lock:
	$(PYTHON) -m venv .venv-lock
	.venv-lock/bin/pip install --quiet --upgrade pip pip-tools==7.6.2
	.venv-lock/bin/pip-compile --quiet --allow-unsafe --generate-hashes --strip-extras --extra test --extra bench \
	  --no-emit-index-url --no-emit-find-links --output-file requirements.lock $(LOCK_ARGS) pyproject.toml

# The offline vulnerability check (README, "Dependencies"): the lock, then what the venv holds, pip included.
audit: install
	$(BIN)/python .ci/audit.py
	$(BIN)/python .ci/audit.py --installed

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
	rm -rf $(VENV) .venv-lock index/*/ var/
