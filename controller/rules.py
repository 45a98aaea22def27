"""Pure rule definitions: what to watch, when it is bad, when it is good again, how bad it is."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable
from dataclasses import dataclass, field

from agent import model

K = model.ReadingKind
S = model.Status
DEVICE_SOURCES = {"bmc", "mib", "device", "smart", "os"}


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule. condition: above | below | status | absent; values compare with the reading."""

    name: str
    level: int  # 1 severe, 2 partial, 3 little impact
    kinds: tuple[model.ReadingKind, ...] = ()
    condition: str = "above"
    threshold: float = 0.0
    recover: float | None = None  # hysteresis: the value that must be crossed back
    status_at_least: model.Status = model.Status.CRITICAL  # for condition "status"
    status_below: model.Status | None = None  # an upper bound, so bands do not overlap
    for_seconds: float = 0.0
    absent_seconds: float = 0.0  # for condition "absent"
    asset: str = "*"  # glob on asset id
    sensor: str = "*"  # glob on sensor id
    labels: dict[str, str] = field(default_factory=dict)
    source: str = "default"  # default | operator
    summary: str = ""
    description: str = ""

    def matches(self, r: model.Reading) -> bool:
        if self.kinds and r.kind not in self.kinds:
            return False
        if self.asset != "*" and not fnmatch.fnmatchcase(r.asset_id, self.asset):
            return False
        if self.sensor != "*" and not fnmatch.fnmatchcase(r.sensor_id, self.sensor):
            return False
        return all(r.labels.get(k) == v for k, v in self.labels.items())

    def threshold_text(self) -> str:
        if self.condition == "above":
            return f">= {self.threshold:g}"
        if self.condition == "below":
            return f"<= {self.threshold:g}"
        if self.condition == "absent":
            return f"no data for {self.absent_seconds:g}s"
        return f"status >= {self.status_at_least.label}"


def bad(rule: Rule, r: model.Reading) -> bool | None:
    """Whether the reading meets the rule's condition; None when it cannot tell (no data)."""
    if rule.condition == "status":
        if r.status is S.UNKNOWN:
            return None
        return r.status >= rule.status_at_least and (
            rule.status_below is None or r.status < rule.status_below)
    if r.value is None or r.status is S.UNKNOWN:
        return None
    if rule.condition == "above":
        return r.value >= rule.threshold
    if rule.condition == "below":
        return r.value <= rule.threshold
    return False


def good(rule: Rule, r: model.Reading) -> bool | None:
    """Whether the reading meets the recovery condition (hysteresis); None when no data."""
    verdict = bad(rule, r)
    if verdict is None:
        return None
    if rule.recover is None or rule.condition == "status":
        return not verdict
    if rule.condition == "above":
        return r.value is not None and r.value < rule.recover
    if rule.condition == "below":
        return r.value is not None and r.value > rule.recover
    return not verdict


def default_rules() -> list[Rule]:
    """PRODUCT.md defaults: generic thresholds, device-reported states, unreachable, standby."""
    five_min = 300.0
    return [
        Rule("cpu_high", 3, (K.CPU,), "above", 80.0, recover=75.0, for_seconds=five_min,
             summary="CPU busy"),
        Rule("memory_high", 3, (K.MEMORY,), "above", 85.0, recover=80.0, for_seconds=five_min,
             summary="memory nearly full"),
        Rule("bandwidth_high", 3, (K.BANDWIDTH,), "above", 70.0, recover=65.0,
             for_seconds=five_min, labels={}, summary="NIC bandwidth high"),
        Rule("disk_failing", 2, (K.DISK_HEALTH,), "status", status_at_least=S.CRITICAL,
             summary="disk failing"),
        Rule("disk_at_risk", 3, (K.DISK_HEALTH,), "status", status_at_least=S.WARNING,
             status_below=S.CRITICAL, summary="disk at risk"),
        Rule("psu_or_redundancy", 2, (K.PSU, K.REDUNDANCY), "status",
             status_at_least=S.CRITICAL, summary="power supply failed or redundancy lost"),
        Rule("unreachable", 2, (K.REACHABILITY,), "status", status_at_least=S.CRITICAL,
             summary="device or agent unreachable"),
        Rule("standby_member_down", 1, (K.STANDBY_ROLE, K.HEARTBEAT, K.REPLICATION_LAG),
             "status", status_at_least=S.CRITICAL, summary="hot-standby member down"),
        Rule("device_critical", 2, (K.TEMPERATURE, K.FAN, K.POWER, K.VOLTAGE, K.CURRENT,
                                    K.HUMIDITY, K.BATTERY, K.INTRUSION, K.POWER_STATE,
                                    K.INTERFACE, K.DISK_ATTRIBUTE, K.OTHER, K.FILESYSTEM),
             "status", status_at_least=S.CRITICAL,
             summary="device-reported critical (BMC or MIB threshold)"),
    ]


def merge_rules(defaults: Iterable[Rule], operator: Iterable[Rule]) -> list[Rule]:
    """Operator rules replace built-ins of the same name and come first (they win)."""
    ops = list(operator)
    names = {r.name for r in ops}
    return ops + [r for r in defaults if r.name not in names]


class RuleIndex:
    """Rules by reading kind, so a reading is checked only against rules that can match it."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = list(rules)
        self._by_kind: dict[model.ReadingKind, list[Rule]] = {}
        self._any_kind: list[Rule] = []
        for rule in self.rules:
            if rule.condition == "absent":
                continue
            if not rule.kinds:
                self._any_kind.append(rule)
            for kind in rule.kinds:
                self._by_kind.setdefault(kind, []).append(rule)
        self.absent_rules = [r for r in self.rules if r.condition == "absent"]

    def for_reading(self, r: model.Reading) -> list[Rule]:
        """Matching rules; an operator threshold on a sensor hides generic and device rules."""
        candidates = self._by_kind.get(r.kind, ())
        matched = [rule for rule in (*candidates, *self._any_kind) if rule.matches(r)]
        if any(m.source == "operator" and m.condition in ("above", "below") for m in matched):
            matched = [m for m in matched if m.source == "operator"]
        elif r.labels.get("threshold_source") in DEVICE_SOURCES:
            # the device's own thresholds win over generic defaults
            matched = [m for m in matched if m.condition not in ("above", "below")
                       or m.source == "operator"]
        return matched


def threshold_source(rule: Rule, r: model.Reading) -> str:
    """Where the applied threshold came from: operator, default or the device itself."""
    if rule.source == "operator":
        return "operator"
    if rule.condition == "status":
        return f"device:{r.labels.get('threshold_source', 'reported status')}"
    return "default"
