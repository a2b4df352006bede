# Two commands: `make demo` and `make test`. Each builds .venv on first use.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
export PIP_DISABLE_PIP_VERSION_CHECK := 1

# Tests run on both cores (pytest-xdist), in the order tests/conftest.py gives them (the
# longest groups first; what must share one worker: tests/xdist_groups.py).
# Extra pytest options: `make test PYTEST_ARGS="-x --basetemp=/var/tmp/mine"`.
PYTEST := $(PY) -m pytest -n 2 --dist loadgroup --no-loadscope-reorder $(PYTEST_ARGS)

.PHONY: venv demo test test-fast system-packages lint bench release clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --editable ".[dev]"
	$(PY) -m ipykernel install --sys-prefix --name python3 --display-name "Python 3 (nndl)" >/dev/null
	@touch $(STAMP)

demo: $(STAMP)
	$(PY) scripts/demo.py

lint: $(STAMP)
	$(VENV)/bin/ruff check .

system-packages:
	@.ci/system-packages

test: system-packages lint
	$(PYTEST)

test-fast: lint
	$(PYTEST) -m "not slow"

bench: $(STAMP)
	@$(PY) -m pip install --quiet torch==2.13.0 || echo "PyTorch not available: its rows are skipped"
	$(PY) -m bench

release: $(STAMP)
	$(VENV)/bin/course release --all

clean:
	rm -rf $(VENV) build submitted autograded feedback gradebook.db
