"""Pure: BMC sensor samples and SEL entries -> readings, statuses with reasons, events."""

from __future__ import annotations

from typing import Any

from agent.collectors.ipmi.bmc import SensorSample
from hotspare import model

K = model.ReadingKind
S = model.Status

TYPE_KIND = {
    "temperature": K.TEMPERATURE, "fan": K.FAN, "voltage": K.VOLTAGE, "current": K.CURRENT,
    "power supply": K.PSU, "power unit": K.REDUNDANCY, "physical security": K.INTRUSION,
    "battery": K.BATTERY,
}
UNIT_KIND = {"W": K.POWER, "°C": K.TEMPERATURE, "RPM": K.FAN, "V": K.VOLTAGE, "A": K.CURRENT}
UNIT_TEXT = {"°C": "C"}
THRESHOLD_LABEL = {
    "upper critical threshold": "upper_critical",
    "upper non-critical threshold": "upper_non_critical",
    "upper non-recoverable threshold": "upper_non_recoverable",
    "lower critical threshold": "lower_critical",
    "lower non-critical threshold": "lower_non_critical",
    "lower non-recoverable threshold": "lower_non_recoverable",
}


def kind_of(sample: SensorSample) -> model.ReadingKind:
    kind = TYPE_KIND.get(sample.type.lower())
    if kind is None:
        kind = UNIT_KIND.get(sample.units, K.OTHER)
    if sample.units == "W":
        kind = K.POWER  # power draw is often typed "Current" by BMCs
    return kind


def status_of(sample: SensorSample) -> tuple[model.Status, str]:
    """The BMC's own verdict (health bitmask and asserted states), never a guess from the value."""
    if sample.unavailable:
        return S.UNKNOWN, "sensor reading unavailable"
    reasons = []
    for state in sample.states:
        key = THRESHOLD_LABEL.get(state)
        if key and key in sample.thresholds and sample.value is not None:
            op = ">=" if key.startswith("upper") else "<="
            reasons.append(f"{sample.value:g} {op} {key.replace('_', ' ')} "
                           f"{sample.thresholds[key]:g} (BMC)")
        elif key:
            reasons.append(f"{state} (BMC)")
        elif state.lower() != "present":
            reasons.append(state)
    if sample.health & 4 or sample.health & 2:
        return S.CRITICAL, "; ".join(reasons) or "critical (BMC)"
    if sample.health & 1:
        return S.WARNING, "; ".join(reasons) or "warning (BMC)"
    return S.OK, "; ".join(r for r in reasons if r)


def sensor_reading(asset_id: str, sample: SensorSample, now_ms: int,
                   interval_seconds: float) -> model.Reading:
    status, reason = status_of(sample)
    labels = {"threshold_source": "bmc", "sensor_type": sample.type,
              "interval_seconds": f"{interval_seconds:g}"}
    if sample.states:
        labels["states"] = ", ".join(sample.states)
    for key, value in sample.thresholds.items():
        labels[key] = f"{value:g}"
    return model.Reading(
        asset_id=asset_id, sensor_id=f"ipmi:{sample.name}", kind=kind_of(sample),
        value=None if sample.unavailable else sample.value,
        unit=UNIT_TEXT.get(sample.units, sample.units), status=status, reason=reason,
        time_unix_ms=now_ms, name=sample.name, labels=labels,
    )


SEVERITY = {0: S.OK, 1: S.WARNING, 2: S.CRITICAL, 3: S.CRITICAL}


def sel_event(asset_id: str, entry: dict[str, Any], now_ms: int) -> model.Event | None:
    """A structured event from one SEL record; None when it has no record id."""
    record = entry.get("record_id")
    if not isinstance(record, int):
        return None
    severity = entry.get("severity")
    return model.Event(
        asset_id=asset_id,
        source_id=f"sel:{record}",
        time_unix_ms=now_ms,
        type="sel",
        severity=SEVERITY.get(severity, S.WARNING) if isinstance(severity, int) else S.WARNING,
        sensor=str(entry.get("component") or ""),
        direction="deassert" if entry.get("deassertion") else "assert",
        description=" ".join(str(x) for x in (entry.get("component_type"), entry.get("event"))
                             if x),
        attributes={k: str(v) for k, v in entry.items()
                    if k in ("record_id", "timestamp", "event_id", "component_type",
                             "timecode")},
    )
