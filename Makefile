# The front door: every target creates or reuses .venv by itself.
# Another Python in its own venv: make test PYTHON=python3.13 VENV=.venv-3.13 (as .ci/run does).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: venv demo test lint bench stress realworld clean

venv: $(STAMP)

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: copy the incident scenario, show plain ruff breaking it, then safefix keeping it whole
DEMO_CHECK := from app.routers import health, users; print("health:", health.check()); print("user:", users.get_user(7))
demo: venv
	@set -e; top=$$(pwd); tmp=$$(mktemp -d); \
	cp -r scenarios/incident/repo $$tmp/with-ruff; cp -r scenarios/incident/repo $$tmp/with-safefix; \
	echo "== plain: ruff check --fix (in a copy of scenarios/incident/repo)"; \
	(cd $$tmp/with-ruff && $$top/$(BIN)/ruff check --fix --no-cache . || true); \
	echo "== the service afterwards:"; \
	(cd $$tmp/with-ruff && $$top/$(BIN)/python -c '$(DEMO_CHECK)' 2>&1 | tail -n 1 || true); \
	echo; echo "== safefix (same config, another copy)"; \
	(cd $$tmp/with-safefix && $$top/$(BIN)/safefix . || true); \
	echo "== the service afterwards:"; \
	(cd $$tmp/with-safefix && $$top/$(BIN)/python -c '$(DEMO_CHECK)'); \
	echo; echo "== what safefix changed in app/main.py:"; \
	diff -u scenarios/incident/repo/app/main.py $$tmp/with-safefix/app/main.py || true; \
	rm -rf $$tmp

## test: the whole suite, in random order, on every core
test: venv
	$(BIN)/python -m pytest -n auto -p randomly -q

lint: venv
	$(BIN)/ruff check safefix tests
	$(BIN)/ruff format --check safefix tests
	$(BIN)/mypy
	$(BIN)/safefix --diff .

clean:
	rm -rf $(VENV) .venv-3.* safefix/_version.py .pytest_cache .mypy_cache .ruff_cache .safefix_cache

## bench: ruff and safefix side by side (results in tests/benchmarks/); QUICK=1 for a smoke run;
## BIG=20 instead times one generated 20 MB module, cold (tests/benchmarks/big.json)
bench: venv
	$(BIN)/python tests/benchmark.py $(if $(QUICK),--quick,) $(if $(BIG),--big $(BIG),)

## stress: kill safefix at random moments 200 times; must report 0 corrupted files
stress: venv
	$(BIN)/python tests/stress.py --iterations 200

## realworld: ruff and safefix on real projects' own test suites (tests/realworld/results.md); QUICK=1 for a few minutes;
## AUDIT=F401,wide re-runs the tests once per import safefix keeps, without it (the removal rate's evidence)
realworld: venv
	$(BIN)/python tests/realworld/run.py $(if $(QUICK),--quick,) $(if $(AUDIT),--audit=$(AUDIT),)
