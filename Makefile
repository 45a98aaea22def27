# Two set-up commands: `make demo` runs HotSpare, `make test` runs every check.
# Both create the virtualenv and install what a fresh Debian/Ubuntu machine lacks.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
SNMPSIM_VENV ?= .venv-snmpsim
APT_PACKAGES := snmpd snmp openipmi ipmitool freeipmi-tools smartmontools
APT_COMMANDS := snmpd snmpget ipmi_sim ipmitool ipmi-sensors smartctl

.PHONY: demo test lint typecheck unit system-deps protos bench clean wheel-check

demo: system-deps $(VENV)/.installed $(SNMPSIM_VENV)/.installed
	HOTSPARE_SNMPSIM=$(abspath $(SNMPSIM_VENV))/bin/snmpsim-command-responder \
		$(PY) -m hotspare demo

test: system-deps $(VENV)/.installed $(SNMPSIM_VENV)/.installed
	$(VENV)/bin/ruff check hotspare agent controller tui tests bench scripts
	$(VENV)/bin/mypy
	HOTSPARE_SNMPSIM=$(abspath $(SNMPSIM_VENV))/bin/snmpsim-command-responder \
		$(PY) -m pytest -p no:cacheprovider
	PYTHON=$(PYTHON) VENV_PYTHON=$(abspath $(PY)) scripts/check_wheel.sh

system-deps:
	@missing=""; for c in $(APT_COMMANDS); do command -v $$c >/dev/null 2>&1 || \
		[ -x /usr/sbin/$$c ] || missing="$$missing $$c"; done; \
	$(PYTHON) -c 'import ensurepip' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
		echo "installing system packages (missing:$$missing)"; \
		SUDO=""; [ "$$(id -u)" = 0 ] || SUDO=sudo; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq \
			$(APT_PACKAGES) python3-venv >/dev/null; \
	fi

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --upgrade pip
	$(VENV)/bin/pip install -q -e '.[dev]'
	touch $@

# snmpsim (and pysmi, which it imports) live in their own virtualenv: pysmi slows pysnmp.
$(SNMPSIM_VENV)/.installed:
	$(PYTHON) -m venv $(SNMPSIM_VENV)
	$(SNMPSIM_VENV)/bin/pip install -q 'snmpsim>=1.1,<2' pysmi
	touch $@

protos: $(VENV)/.installed
	$(PY) scripts/gen_protos.py

wheel-check: $(VENV)/.installed
	PYTHON=$(PYTHON) VENV_PYTHON=$(abspath $(PY)) scripts/check_wheel.sh

bench: $(VENV)/.installed
	$(PY) bench/ingest.py

clean:
	rm -rf $(VENV) $(SNMPSIM_VENV) hotspare-data hotspare-demo-data
