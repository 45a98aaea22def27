"""The demo's spares story: a failing disk reserves a spare, one part is below its reorder point."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import cli, free_port


def test_spares_demo_shows_reservation_and_part_below_reorder_point(tmp_path: Path) -> None:
    proc = cli("demo", "--no-labs", "--data-dir", str(tmp_path / "demo"), "--port",
               str(free_port()), "--duration", "14", timeout=90)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    lines = [ln for ln in proc.stdout.splitlines() if "spares:" in ln]
    assert lines, proc.stdout
    assert "1 part(s) below reorder point (SPARE-HDD-14T@demo order 1)" in lines[-1]
    assert "1 reservation(s) (SPARE-HDD-14T for " in lines[-1]
    assert "disk:/dev/sda" in lines[-1]
    assert "Traceback" not in proc.stdout + proc.stderr
