# Two commands do all set-up: `make demo` and `make test` create .venv when missing.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test eval eval-llm bench clean venv
BASE_URL ?= http://127.0.0.1:8080/v1
MODEL ?= local

venv: $(STAMP)

# CPU torch first: it lies on this machine's disk; a bare `torch` requirement would pull a CUDA build.
$(STAMP): pyproject.toml
	test -d $(VENV) || $(PY) -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq torch==2.13.0
	$(BIN)/pip install -qq -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/synth run transcripts/sample --workspace .synth-demo
	@echo "Review it in the browser: $(BIN)/synth review --web --workspace .synth-demo"

test: $(STAMP)
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/python -m evals

eval-llm: $(STAMP)
	$(BIN)/python -m evals --study dev --quick --base-url $(BASE_URL) --model $(MODEL) --out evals/results-llm.json

bench: $(STAMP)
	$(BIN)/python -m benchmarks

clean:
	rm -rf $(VENV) .synth .synth-demo
