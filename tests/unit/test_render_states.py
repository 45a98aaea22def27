"""Discrete readings render their state's name, not a raw code; sensors sort worst first."""

from __future__ import annotations

from hotspare import model
from hotspare.render import value_text, worst_first

K, S = model.ReadingKind, model.Status


def r(sensor, kind, value, status=S.OK, reason="", labels=None, unit="", name=""):
    return model.Reading("a1", sensor, kind, value, unit, status, reason, 1, name or sensor,
                         labels or {})


def test_state_names_instead_of_codes():
    # SNMP: the state label is the raw code, the reason is the profile's name for it
    assert value_text(r("cisco:fan:Fan 2", K.FAN, 6.0, S.CRITICAL, "not functioning",
                        {"state": "6"})) == "not functioning"
    assert value_text(r("cisco:fan:Fan 1", K.FAN, 1.0, S.OK, "", {"state": "1"})) == "ok"
    # IPMI chassis power carries the state's name
    assert value_text(r("ipmi:power", K.POWER_STATE, 1.0, S.OK, "on", {"state": "on"})) == "on"
    # IPMI discrete sensors: the asserted states
    assert value_text(r("ipmi:PSU1", K.PSU, 2.0, S.CRITICAL, "Failure detected",
                        {"states": "Presence detected, Failure detected"})) == \
        "Presence detected, Failure detected"
    # device text is escaped
    assert value_text(r("x", K.OTHER, 1.0, labels={"state": "on\x1b[2J"})) == "on\\x1b[2J"
    # measured values keep their number and unit
    assert value_text(r("t", K.TEMPERATURE, 41.0, unit="C", labels={"states": ""})) == "41.0C"
    assert value_text(r("poll", K.COLLECTOR_HEALTH, 0.5, unit="s",
                        labels={"state": "ok"})) == "0.5 s"


def test_worst_first():
    readings = [r("a", K.CPU, 1.0, name="CPU"), r("b", K.FAN, 6.0, S.CRITICAL, name="Fan 2"),
                r("c", K.DISK_HEALTH, 3.0, S.WARNING, name="Disk 1"),
                r("d", K.PSU, None, S.UNKNOWN, name="PSU")]
    assert [x.name for x in worst_first(readings)] == ["Fan 2", "Disk 1", "PSU", "CPU"]
