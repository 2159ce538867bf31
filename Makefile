# Two commands on a fresh machine with Python 3.11 and pip:  make demo  /  make test
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: demo test lint example bench docs clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed $@

## demo: install and run the whole example round (the repository root is the example workspace)
demo: $(VENV)/.installed
	$(BIN)/budgetbook run -w .

## test: install with test dependencies and run the whole suite
test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks examples docs
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks examples docs

## example: regenerate the example workbooks in workbook_templates/ and inbox/
example: $(VENV)/.installed
	$(BIN)/python examples/make_example_returns.py

## bench: the performance benchmark (not part of the tests)
bench: $(VENV)/.installed-test
	$(BIN)/python benchmarks/run.py

## docs: regenerate the generated docs (validation rules, template format)
docs: $(VENV)/.installed
	$(BIN)/python -m budgetbook.docs_gen
	$(BIN)/python -c 'import budgetbook.template_doc as d; d.update_doc()'

clean:
	rm -rf $(VENV) output/*.xlsx output/*.docx output/arkiv output/aterkoppling
