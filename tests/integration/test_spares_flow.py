"""Spares end to end: a real controller and agent (stand-in smartctl), the real CLI as subprocess."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import ROOT, cli, cli_json, wait_for

DATA = ROOT / "tests" / "data" / "smartctl"
FAKE = ROOT / "tests" / "fakes" / "smartctl.py"
MODEL = "WDC WD140EDFZ-11A0VA0"
AGENT = """
[agent]
id = "spares-agent"
[agent.asset]
id = "store-host"
site = "lon"
[agent.stream]
flush_interval_seconds = 0.2
[collectors.smart]
smartctl = "{fake}"
interval_seconds = 1
timeout_seconds = 1
per_disk_timeout_seconds = 1
[[collectors.smart.devices]]
name = "/dev/sda"
type = "sat"
"""


def _capture(failing: bool, serial: str) -> str:
    """A real smartctl capture (scrutiny's WD140EDFZ); failing sets the overall-health flag."""
    doc = json.loads((DATA / "scrutiny-smart-ata.json").read_text())
    doc["serial_number"] = serial
    if failing:
        doc["smart_status"] = {"passed": False}
        doc["smartctl"]["exit_status"] = 8
    return json.dumps(doc)


@pytest.fixture
def failing_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "disks"
    root.mkdir()
    (root / "_dev_sda.json").write_text(_capture(True, "OLD1"))
    monkeypatch.setenv("SMARTCTL_FAKE_DIR", str(root))
    return root


def _ctl(addr: str, *args: str) -> list[str]:
    return [*args, "--controller", addr]


def test_spares_failing_disk_reserves_report_shows_it_and_replacement_consumes(
        running_controller: Any, start_agent: Any, failing_disk: Path, tmp_path: Path) -> None:
    addr = running_controller.address
    start_agent(addr, AGENT.format(fake=FAKE))
    # the site exists once the agent's asset arrives; before, stock for it is refused
    wait_for(lambda: cli(*_ctl(addr, "spares", "stock", "add", "SPARE-14T", "--site", "lon",
                                "--quantity", "0", "--lead-time-days", "21", "--class", "disk",
                                "--replaces", MODEL, "--why", "catalogue"))
             .returncode == 0, 20, 0.5, "site lon known")

    def reserved() -> Any:
        found = cli_json(*_ctl(addr, "spares", "reservations", "--open"))["reservations"]
        return found if found else None

    (res,) = wait_for(reserved, 20, 0.5, "a reservation for the failing disk")
    assert (res["part_number"], res["site"], res["asset_id"], res["component_id"],
            res["serial"], res["state"]) == ("SPARE-14T", "lon", "store-host", "disk:/dev/sda",
                                             "OLD1", "reserved")

    (part,) = cli_json(*_ctl(addr, "spares", "parts"))["parts"]
    assert (part["part_key"], part["spare_part_number"], part["installed_by_site"]) == (
        MODEL, "SPARE-14T", {"lon": 1})
    assert part["capacity_bytes"] == 14_000_519_643_136 and part["sources"] == ["smartctl"]
    report = cli_json(*_ctl(addr, "spares", "report"))
    (line,) = [ln for ln in report["lines"] if ln["part_number"] == "SPARE-14T"]
    assert line["reserved"] == 1 and line["on_hand"] == 0 and line["below_reorder_point"]
    assert line["order_quantity"] == line["reorder_point"] + 1
    assert [p["serial"] for p in line["failing"]] == ["OLD1"]
    assert "1 reserved" in line["why"] and line["lead_time_days"] == 21

    html_path, csv_path = tmp_path / "r.html", tmp_path / "r.csv"
    assert cli(*_ctl(addr, "spares", "report", "--format", "html", "--output",
                     str(html_path))).returncode == 0
    page = html_path.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "SPARE-14T" in page and "<script" not in page
    assert cli(*_ctl(addr, "spares", "report", "--format", "csv", "--output",
                     str(csv_path))).returncode == 0
    rows = list(csv.DictReader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert rows[0]["part_number"] == "SPARE-14T" and rows[0]["reserved"] == "1"

    # a spare arrives, then the technician swaps the disk: the reservation is consumed
    cli_json(*_ctl(addr, "spares", "stock", "add", "SPARE-14T", "--site", "lon", "--quantity",
                   "1", "--serial", "NEW1", "--who", "ann", "--why", "delivery PO-1"))
    (failing_disk / "_dev_sda.json").write_text(_capture(False, "NEW1"))

    def consumed() -> Any:
        found = cli_json(*_ctl(addr, "spares", "reservations"))["reservations"]
        return found[0] if found and found[0]["state"] == "consumed" else None

    done = wait_for(consumed, 20, 0.5, "the reservation consumed by the replacement")
    assert done["replaced_by_serial"] == "NEW1"
    (item,) = cli_json(*_ctl(addr, "spares", "stock", "list"))["stock"]
    assert (item["on_hand"], item["reserved"], item["serials"]) == (0, 0, [])
    log = cli_json(*_ctl(addr, "spares", "stock", "log"))["changes"]
    assert [(c["who"], c["delta_on_hand"]) for c in log] == [("hotspare", -1), ("ann", 1),
                                                            (log[2]["who"], 0)]
    assert "failed serial OLD1 replaced by NEW1" in log[0]["why"]
    line = cli_json(*_ctl(addr, "spares", "report"))["lines"][0]
    assert line["failures"] == 1 and line["reserved"] == 0


def test_spares_bad_input_is_refused_with_file_line_and_numbers(running_controller: Any,
                                                                tmp_path: Path) -> None:
    addr = running_controller.address
    assert cli_json(*_ctl(addr, "spares", "stock", "add", "PSU-1", "--site", "lon",
                          "--quantity", "2", "--new-site", "--why", "opening stock"))["on_hand"] == 2
    cases = {
        "negative.csv": ("part_number,site,quantity\nPSU-1,lon,1\nPSU-1,lon,-3\n",
                         "negative.csv:3: quantity -3 is negative"),
        "lead.csv": ("part_number,site,quantity,lead_time_days\nPSU-1,lon,1,two weeks\n",
                     "lead.csv:2: lead_time_days 'two weeks' is not a number"),
        "dup.csv": ("part_number,site,quantity,serial\nPSU-1,lon,1,S1\nPSU-1,lon,1,S1\n",
                    "dup.csv:3: duplicate serial 'S1' (first on line 2)"),
        "site.csv": ("part_number,site,quantity\nPSU-1,lon,5\nPSU-1,mars,1\n",
                     "site.csv:3: unknown site 'mars'"),
    }
    for name, (text, message) in cases.items():
        path = tmp_path / name
        path.write_text(text)
        proc = cli(*_ctl(addr, "spares", "stock", "import", str(path), "--why", "inventory"))
        assert proc.returncode != 0 and message in proc.stderr, (name, proc.stderr)
        assert "Traceback" not in proc.stderr and "nothing imported" in proc.stderr
    (item,) = cli_json(*_ctl(addr, "spares", "stock", "list"))["stock"]
    assert item["on_hand"] == 2  # nothing half-imported (site.csv's good first row too)
    good = tmp_path / "good.csv"
    good.write_text("part_number,site,quantity\nFAN-9,lon,3\n")
    imported = cli_json(*_ctl(addr, "spares", "stock", "import", str(good), "--why", "count"))
    assert isinstance(imported, dict)
    assert len(cli_json(*_ctl(addr, "spares", "stock", "log"))["changes"]) == 2
    proc = cli(*_ctl(addr, "spares", "stock", "remove", "PSU-1", "--site", "lon", "--quantity",
                     "7", "--why", "oops"))
    assert proc.returncode == 1 and "cannot remove 7 on hand" in proc.stderr
    assert "there are 2 on hand" in proc.stderr and "Traceback" not in proc.stderr

    after = cli_json(*_ctl(addr, "spares", "stock", "remove", "PSU-1", "--site", "lon",
                           "--quantity", "1", "--who", "bob", "--why", "rack 4 PSU swap"))
    assert (after["part_number"], after["on_hand"]) == ("PSU-1", 1)
    assert cli_json(*_ctl(addr, "spares", "stock", "add", "PSU-1", "--site", "lon", "--quantity",
                          "1", "--why", "returned unused"))["on_hand"] == 2
    assert cli_json(*_ctl(addr, "spares", "stock", "add", "PSU-1", "--site", "lon", "--on-order",
                          "2", "--expected", "2027-02-01", "--why", "PO-77"))["on_order"] == 2
    got = cli_json(*_ctl(addr, "spares", "stock", "receive", "PSU-1", "--site", "lon",
                         "--quantity", "2", "--why", "delivery DN-5"))
    assert (got["on_hand"], got["on_order"], got["expected_unix_ms"]) == (4, 0, 0)
    proc = cli(*_ctl(addr, "spares", "stock", "receive", "PSU-1", "--site", "lon", "--quantity",
                     "1", "--why", "phantom"))
    assert proc.returncode == 1 and "only 0 on order" in proc.stderr
    assert cli_json(*_ctl(addr, "spares", "stock", "remove", "PSU-1", "--site", "lon",
                          "--quantity", "2", "--why", "back to 2"))["on_hand"] == 2
    assert cli_json(*_ctl(addr, "spares", "stock", "add", "PSU-1", "--site", "par",
                          "--quantity", "1", "--new-site", "--why", "new room"))["site"] == "par"
    by_site = cli_json(*_ctl(addr, "spares", "report", "--site", "par"))
    assert by_site["site"] == "par" and {ln["site"] for ln in by_site["lines"]} == {"par"}
    assert cli_json(*_ctl(addr, "spares", "stock", "list", "--site", "lon"))["stock"][0][
        "site"] == "lon"
    good = tmp_path / "good.csv"
    good.write_text("part_number,site,quantity,on_order,expected_date,lead_time_days,serial\n"
                    "PSU-1,lon,1,0,,14,S9\nFAN-2,lon,3,2,2027-01-15,7,\n")
    out = cli_json(*_ctl(addr, "spares", "stock", "import", str(good), "--why", "count"))
    assert out == {"imported_rows": 2, "file": str(good)}
    exported = cli(*_ctl(addr, "spares", "stock", "export")).stdout
    rows = {(r["part_number"], r["site"], r["serial"]): r
            for r in csv.DictReader(io.StringIO(exported))}
    assert rows[("PSU-1", "lon", "")]["quantity"] == "2"
    assert rows[("PSU-1", "lon", "S9")]["quantity"] == "1"
    assert rows[("FAN-2", "lon", "")]["expected_date"] == "2027-01-15"
    # the export imports back into a fresh site list unchanged in shape
    assert spare_columns(exported) == spare_columns(good.read_text()) | {
        "class", "description", "replaces", "prior_afr_percent", "service_level_percent",
        "reserve_at_risk"}


def spare_columns(text: str) -> set[str]:
    return set(next(csv.reader(io.StringIO(text))))


def test_spares_report_table_without_controller_is_one_line_error(tmp_path: Path) -> None:
    proc = cli("spares", "report", "--controller", "127.0.0.1:1")
    assert proc.returncode == 1 and "unreachable" in proc.stderr
    assert "Traceback" not in proc.stderr
    shutil.rmtree(tmp_path, ignore_errors=True)
