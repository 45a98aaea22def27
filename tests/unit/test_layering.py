"""agent/, controller/ and tui/ depend on hotspare/ and never on each other."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import ROOT
from tests.layering import violations


def test_layering_tree_has_no_cross_imports() -> None:
    assert violations(ROOT) == []


def test_layering_check_catches_a_deliberate_cross_import(tmp_path: Path) -> None:
    for layer in ("agent", "controller", "tui", "hotspare/cli"):
        (tmp_path / layer).mkdir(parents=True)
    (tmp_path / "agent" / "ok.py").write_text("from hotspare import model\n")
    (tmp_path / "tui" / "bad.py").write_text("import os\n\ndef f():\n    from controller import store\n")
    (tmp_path / "hotspare" / "leak.py").write_text("import agent.runner\n")
    (tmp_path / "hotspare" / "cli" / "root.py").write_text("import agent.runner\n")
    found = violations(tmp_path)
    assert found == ["tui/bad.py:4: tui imports controller",
                     "hotspare/leak.py:1: hotspare imports agent.runner"]
