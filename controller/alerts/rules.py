"""Pure rule definitions: what to watch, when it is bad, when it is good again, how bad it is."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from hotspare import model

K = model.ReadingKind
S = model.Status
DEVICE_SOURCES = {"bmc", "mib", "device", "smart", "os"}
CRITICAL_ASSETS = {"high", "critical", "core"}  # asset label criticality values that raise levels


@dataclass(frozen=True, slots=True)
class Rule:
    """One rule. condition: above | below | status | absent | rate (change per minute >= threshold)."""

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
    critical_level: int = 0  # when set, a critical reading raises the alert at this level
    hint: str = ""  # what to check or do
    critical_assets_level: int = 0  # when set, an asset labelled criticality=high|critical

    def level_for(self, r: model.Reading, criticality: str = "") -> int:
        """The alert level for this reading (critical readings, critical assets may be worse)."""
        level = self.level
        if self.critical_level and r.status >= S.CRITICAL:
            level = min(level, self.critical_level)
        if self.critical_assets_level and criticality.lower() in CRITICAL_ASSETS:
            level = min(level, self.critical_assets_level)
        return level

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
        if self.condition == "rate":
            return f"change >= {self.threshold:g}/min"
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
             summary="CPU busy", hint="find the busiest processes; check for runaway jobs"),
        Rule("memory_high", 3, (K.MEMORY,), "above", 85.0, recover=80.0, for_seconds=five_min,
             summary="memory nearly full",
             hint="find the largest processes; check for leaks and swap use"),
        Rule("bandwidth_high", 3, (K.BANDWIDTH,), "above", 70.0, recover=65.0,
             for_seconds=five_min, labels={}, summary="NIC bandwidth high",
             hint="find the top talkers; check for backups or replication running now"),
        Rule("disk_failing", 2, (K.DISK_HEALTH,), "status", status_at_least=S.CRITICAL,
             summary="disk failing", critical_assets_level=1,
             hint="replace the disk; check its volume's redundancy and that a backup is recent"),
        Rule("disk_at_risk", 3, (K.DISK_HEALTH,), "status", status_at_least=S.WARNING,
             status_below=S.CRITICAL, summary="disk at risk",
             hint="plan a replacement; watch reallocated and pending sectors"),
        Rule("psu_failed", 2, (K.PSU,), "status", status_at_least=S.CRITICAL,
             summary="power supply failed", critical_assets_level=1,
             hint="check the supply's cable and feed; replace the unit if it stays failed"),
        Rule("redundancy_lost", 2, (K.REDUNDANCY,), "status", status_at_least=S.CRITICAL,
             summary="redundancy lost", critical_assets_level=1,
             hint="find the failed member (disk, supply or link) and replace it; "
                  "one more failure means an outage"),
        Rule("ups_on_battery", 2, (K.POWER_STATE,), "status", status_at_least=S.WARNING,
             summary="UPS output not on mains",
             critical_assets_level=1,
             hint="check the mains feed; runtime remaining tells how long the load can last"),
        Rule("battery_attention", 3, (K.BATTERY,), "status", status_at_least=S.WARNING,
             status_below=S.CRITICAL, summary="battery needs attention",
             critical_assets_level=2,
             hint="replace or test the battery; a UPS on battery with a weak battery may not "
                  "hold the load"),
        Rule("fan_failed", 3, (K.FAN,), "status", status_at_least=S.CRITICAL,
             summary="fan failed",
             hint="check the fan is seated and not blocked; replace it and watch temperatures"),
        Rule("unreachable", 2, (K.REACHABILITY,), "status", status_at_least=S.CRITICAL,
             summary="device or agent unreachable",
             hint="check the network path, the device's power and the agent's log"),
        Rule("standby_member_down", 1, (K.STANDBY_ROLE, K.HEARTBEAT, K.REPLICATION_LAG),
             "status", status_at_least=S.CRITICAL, summary="hot-standby member down",
             hint="hotspare standby status: check the member's heartbeat and replication"),
        Rule("standby_not_ready", 2, (K.READINESS,), "status", status_at_least=S.WARNING,
             critical_level=1, sensor="failover:readiness",
             summary="hot-standby group not ready for a switchover",
             hint="hotspare standby status shows which readiness check fails"),
        Rule("primary_out_of_sight", 1, (K.READINESS,), "status", status_at_least=S.CRITICAL,
             sensor="failover:blind",
             summary="neither the active member nor its BMC is visible: no automatic failover",
             hint="check the active member's network and its BMC; fail over by hand if down"),
        Rule("fencing_unconfirmed", 1, (K.READINESS,), "status", status_at_least=S.CRITICAL,
             sensor="failover:fencing",
             summary="switchover blocked: the old active's power-off was not confirmed",
             hint="confirm the old active is off (BMC or by hand) before promoting"),
        Rule("device_critical", 2, (K.TEMPERATURE, K.POWER, K.VOLTAGE, K.CURRENT,
                                    K.HUMIDITY, K.BATTERY, K.INTRUSION,
                                    K.INTERFACE, K.DISK_ATTRIBUTE, K.OTHER, K.FILESYSTEM),
             "status", status_at_least=S.CRITICAL,
             summary="device-reported critical (BMC or MIB threshold)",
             hint="check the sensor's reason and the device's own log (SEL or event log)"),
    ]


def _subject(r: model.Reading) -> str:
    """Which part broke: the reading's name without a trailing 'status'/'state'."""
    name = (r.name or r.sensor_id).strip()
    for suffix in (" status", " state"):
        if name.lower().endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
    return name


def _detail(rule: Rule, r: model.Reading) -> str:
    """What happened: the device's short reason, else the rule's wording."""
    reason = r.reason.split(";")[0].strip()
    if reason and len(reason) <= 48:
        return reason
    return rule.summary or rule.name


def summary_for(rule: Rule, r: model.Reading) -> str:
    """What broke and where, e.g. 'Disk 2 crashed in Volume 1', 'Volume 1 degraded (redundancy lost)'."""
    subject, detail = _subject(r), _detail(rule, r)
    if r.kind is K.REACHABILITY or set(rule.kinds) & {
            K.STANDBY_ROLE, K.HEARTBEAT, K.REPLICATION_LAG, K.READINESS}:
        return rule.summary or rule.name  # group-wide wording says it best
    if detail.lower().startswith(subject.lower()):
        text = detail[:1].upper() + detail[1:]
    else:
        words = detail.split(" ", 1)
        if len(words) == 2 and subject.lower().split()[-1:] == [words[0].lower()]:
            detail = words[1]  # 'System fan' + 'fan failed' -> 'System fan failed'
        text = f"{subject} {detail}"
    where = r.labels.get("volume") or r.labels.get("raid") or r.labels.get("pool")
    if where and where.lower() not in text.lower():
        text += f" in {where}"
    wording = rule.summary or rule.name
    if rule.source == "operator" or (rule.name in _QUALIFIED and
                                     wording.lower() not in text.lower()):
        text += f" ({wording})"
    return text


_QUALIFIED = {"redundancy_lost", "ups_on_battery", "battery_attention"}


def merge_rules(defaults: Iterable[Rule], operator: Iterable[Rule]) -> list[Rule]:
    """Operator rules replace built-ins of the same name and come first (they win)."""
    ops = list(operator)
    names = {r.name for r in ops}
    return ops + [r for r in defaults if r.name not in names]


def _exact(pattern: str) -> str | None:
    """The pattern itself when it has no glob characters (an exact id), else None."""
    return None if any(c in pattern for c in "*?[") else pattern


Check = Callable[[model.Reading], bool]


def _glob_check(pattern: str, field_name: str) -> Check | None:
    """A fast matcher for one glob: a literal-prefix test first, the regex only when it passes."""
    if pattern == "*" or _exact(pattern) is not None:
        return None
    prefix = pattern[: min(pattern.find(c) for c in "*?[" if c in pattern)]
    regex = re.compile(fnmatch.translate(pattern))

    def check(r: model.Reading) -> bool:
        value: str = getattr(r, field_name)
        return value.startswith(prefix) and regex.match(value) is not None

    return check


def _checker(rule: Rule) -> Check | None:
    """What is left to check after the index matched kind and exact ids (None: nothing)."""
    checks = [c for c in (_glob_check(rule.asset, "asset_id"), _glob_check(rule.sensor, "sensor_id"))
              if c is not None]
    if rule.labels:
        labels = dict(rule.labels)
        checks.append(lambda r: all(r.labels.get(k) == v for k, v in labels.items()))
    if not checks:
        return None
    if len(checks) == 1:
        return checks[0]
    return lambda r: all(c(r) for c in checks)


class RuleIndex:
    """Rules bucketed by kind and exact asset/sensor ids: a reading meets only rules that can match.

    Buckets are keyed (kind or None, asset or None, sensor or None); None means "any / a glob",
    so each reading looks at 8 buckets however many rules there are. Globs are pre-compiled and
    tested on their literal prefix first.
    """

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.rules = list(rules)
        self._buckets: dict[tuple[object, str | None, str | None],
                            list[tuple[Rule, Check | None]]] = {}
        # sensor globs: kind -> prefix length -> literal prefix -> rules (a prefix lookup each)
        self._sensor_globs: dict[object, dict[int, dict[str, list[tuple[Rule, Check | None]]]]] = {}
        for rule in self.rules:
            if rule.condition == "absent":
                continue
            check = _checker(rule)
            sensor_glob = rule.sensor != "*" and _exact(rule.sensor) is None
            for kind in rule.kinds or (None,):
                if sensor_glob:
                    prefix = rule.sensor[: min(rule.sensor.find(c) for c in "*?[" if c in rule.sensor)]
                    by_len = self._sensor_globs.setdefault(kind, {}).setdefault(len(prefix), {})
                    by_len.setdefault(prefix, []).append((rule, check))
                    continue
                key = (kind, _exact(rule.asset), _exact(rule.sensor))
                self._buckets.setdefault(key, []).append((rule, check))
        self.absent_rules = [r for r in self.rules if r.condition == "absent"]
        self._label_rules = any(r.labels for r in self.rules)
        self._memo: dict[tuple[object, str, str, str], list[Rule]] = {}
        self._has_operator_thresholds = any(
            r.source == "operator" and r.condition in ("above", "below") for r in self.rules)

    def for_reading(self, r: model.Reading) -> list[Rule]:
        """Matching rules, memoised per sensor when no rule looks at labels (rules never change)."""
        if self._label_rules:
            return self._match(r)
        key = (r.kind, r.asset_id, r.sensor_id,
               r.labels.get("threshold_source", "") if r.labels else "")
        found = self._memo.get(key)
        if found is None:
            if len(self._memo) > 200_000:
                self._memo.clear()
            found = self._memo[key] = self._match(r)
        return found

    def _match(self, r: model.Reading) -> list[Rule]:
        """Matching rules; an operator threshold on a sensor hides generic and device rules."""
        get = self._buckets.get
        matched: list[Rule] = []
        kind, asset, sensor = r.kind, r.asset_id, r.sensor_id
        for key in ((kind, None, None), (kind, asset, None), (kind, None, sensor),
                    (kind, asset, sensor), (None, None, None), (None, asset, None),
                    (None, None, sensor), (None, asset, sensor)):
            found = get(key)
            if found:
                for rule, check in found:
                    if check is None or check(r):
                        matched.append(rule)
        if self._sensor_globs:
            for k in (kind, None):
                by_len = self._sensor_globs.get(k)
                if not by_len:
                    continue
                for length, table in by_len.items():
                    found = table.get(sensor[:length])
                    if found:
                        for rule, check in found:
                            if check is None or check(r):
                                matched.append(rule)
        if not matched:
            return matched
        if self._has_operator_thresholds and any(
                m.source == "operator" and m.condition in ("above", "below") for m in matched):
            return [m for m in matched if m.source == "operator"]
        if r.labels and r.labels.get("threshold_source") in DEVICE_SOURCES:
            # the device's own thresholds win over generic defaults
            return [m for m in matched if m.condition not in ("above", "below")
                    or m.source == "operator"]
        return matched


def threshold_source(rule: Rule, r: model.Reading) -> str:
    """Where the applied threshold came from: operator, default or the device itself."""
    if rule.source == "operator":
        return "operator"
    if rule.condition == "status":
        return f"device:{r.labels.get('threshold_source', 'reported status')}"
    return "default"
