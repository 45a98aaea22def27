"""Pure alert lifecycle: pending -> firing -> resolved, no-data, flapping, folding, held notifications."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from controller.alerts.rules import Rule, RuleIndex, bad, good, summary_for, threshold_source
from controller.freshness import own_interval_seconds, stale_after_ms
from hotspare import model
from hotspare.model import AlertState

FLAP_WINDOW_MS = 600_000  # a re-fire within 10 minutes of resolving reopens the same alert
FLAP_LIMIT = 2  # a second re-fire within the window: flapping
UNREACHABLE_RULES = {"unreachable"}


@dataclass(slots=True)
class Alert:
    """One alert episode of one rule on one sensor of one asset."""

    alert_id: str
    rule: str
    level: int
    asset_id: str
    sensor_id: str
    state: str  # an AlertState (a str enum, so stored bodies stay plain strings)
    started_ms: int
    summary: str = ""
    threshold: str = ""
    threshold_source: str = ""
    fired_ms: int = 0
    resolved_ms: int = 0
    last_value: float | None = None
    last_reading_ms: int = 0
    reason: str = ""
    no_data: bool = False
    acked_by: str = ""
    acked_ms: int = 0
    ack_comment: str = ""
    flapping: bool = False
    refires: int = 0
    children: int = 0
    folded_into: str = ""
    notified: str = ""  # the last state notified: "", firing, resolved
    held_reason: str = ""  # why the last notification is waiting
    updated_ms: int = 0
    interval_seconds: float = 0.0  # the series' own poll interval (0: its agent's)
    hint: str = ""  # what to check or do (the rule's)

    def view(self) -> model.AlertView:
        """The alert as clients see it (engine bookkeeping left out)."""
        return model.AlertView(
            self.alert_id, self.rule, self.level, self.asset_id, self.sensor_id, self.state,
            self.started_ms, self.summary, self.threshold, self.threshold_source, self.fired_ms,
            self.resolved_ms, self.last_value, self.last_reading_ms, self.reason, self.no_data,
            self.acked_by, self.acked_ms, self.ack_comment, self.flapping, self.children,
            self.folded_into, self.held_reason, self.hint)


@dataclass(frozen=True, slots=True)
class Transition:
    """A state change for the alert's stored history."""

    alert_id: str
    time_ms: int
    state: str
    value: float | None
    detail: str


@dataclass(frozen=True, slots=True)
class Notification:
    """One message to send (the outbox gives it at-least-once delivery); id is stable."""

    notification_id: str
    kind: str  # firing | resolved | flapping
    alert: Alert
    time_ms: int


@dataclass(slots=True)
class Changes:
    """What one evaluation changed: alerts to save, history to append, notifications to queue."""

    alerts: dict[str, Alert] = field(default_factory=dict)
    transitions: list[Transition] = field(default_factory=list)
    notifications: list[Notification] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.alerts or self.transitions or self.notifications)


HoldFn = Callable[[Alert, int], str]


def alert_id_for(rule: str, asset_id: str, sensor_id: str, started_ms: int) -> str:
    digest = hashlib.sha256(f"{rule}|{asset_id}|{sensor_id}|{started_ms}".encode()).hexdigest()
    return f"a-{digest[:12]}"


class AlertEngine:
    """Keeps the open alerts; fed readings (reading time) and ticks (controller time)."""

    def __init__(self, rules: Iterable[Rule], hold: HoldFn | None = None,
                 parents: dict[str, str] | None = None) -> None:
        self.index = RuleIndex(rules)
        self.rules = {r.name: r for r in self.index.rules}
        self.hold: HoldFn = hold or (lambda alert, now: "")
        self.parents: dict[str, str] = parents or {}
        self.criticality: dict[str, str] = {}  # asset -> its label criticality (raises levels)
        self.open: dict[tuple[str, str, str], Alert] = {}  # (rule, asset, sensor) -> alert
        self._absent_seen: dict[tuple[str, str, str], int] = {}
        self._previous: dict[tuple[str, str, str], tuple[int, float]] = {}  # for rate rules

    # ---- loading ------------------------------------------------------------------
    def load(self, alerts: Iterable[Alert]) -> None:
        """Restore open (and recently resolved) alerts after a restart."""
        for a in alerts:
            self.open[(a.rule, a.asset_id, a.sensor_id)] = a

    # ---- readings -----------------------------------------------------------------
    def process(self, readings: Iterable[model.Reading], now_ms: int) -> Changes:
        changes = Changes()
        for r in readings:
            for rule in self.index.for_reading(r):
                self._apply(rule, r, changes)
            for rule in self.index.absent_rules:
                if rule.matches(r):
                    self._absent_seen[(rule.name, r.asset_id, r.sensor_id)] = r.time_unix_ms
        self._fold_and_notify(changes, now_ms)
        return changes

    def _rate(self, rule: Rule, r: model.Reading, key: tuple[str, str, str]) -> model.Reading:
        """A rate rule judges the change per minute since the previous reading of the series."""
        previous = self._previous.get(key)
        if r.value is None or r.status is model.Status.UNKNOWN:
            return r
        self._previous[key] = (r.time_unix_ms, r.value)
        if previous is None or r.time_unix_ms <= previous[0]:
            return dataclasses.replace(r, value=None, reason="rate: first reading")
        per_minute = (r.value - previous[1]) / (r.time_unix_ms - previous[0]) * 60_000
        return dataclasses.replace(r, value=per_minute,
                                   reason=f"changed {per_minute:+.3g}/min (now {r.value:g})")

    def _apply(self, rule: Rule, r: model.Reading, changes: Changes) -> None:
        key = (rule.name, r.asset_id, r.sensor_id)
        if rule.condition == "rate":
            r = self._rate(rule, r, key)
            rule = dataclasses.replace(rule, condition="above")
        alert = self.open.get(key)
        is_bad = bad(rule, r)
        if alert is None and not is_bad:
            return  # the fast path: nothing open, nothing wrong
        t = r.time_unix_ms
        if alert is not None and t < alert.last_reading_ms:
            return  # out-of-order reading: reading time decides, never arrival time
        if is_bad is None:  # no data: never resolves, never fires
            if alert is not None and alert.state != AlertState.RESOLVED and not alert.no_data:
                alert.no_data = True
                alert.reason = f"no data: {r.reason or 'reading has no value'}"
                self._touch(alert, t, changes)
            return
        if alert is not None:
            alert.no_data = False
            alert.last_value = r.value
            alert.last_reading_ms = t
            alert.interval_seconds = own_interval_seconds(r)
        if is_bad:
            self._bad(rule, r, key, alert, changes)
        elif alert is not None:
            recovered = good(rule, r)
            if alert.state == AlertState.PENDING:
                self._transition(alert, AlertState.RESOLVED, t, r.value, "condition cleared before 'for'",
                                 changes)
                del self.open[key]
            elif alert.state == AlertState.FIRING and recovered:
                alert.resolved_ms = t
                self._transition(alert, AlertState.RESOLVED, t, r.value, "recovered", changes)
            else:
                self._touch(alert, t, changes)

    def _bad(self, rule: Rule, r: model.Reading, key: tuple[str, str, str], alert: Alert | None,
             changes: Changes) -> None:
        t = r.time_unix_ms
        reason = r.reason or f"{r.value} {rule.threshold_text()}"
        if alert is not None and alert.state == AlertState.RESOLVED:
            if t - alert.resolved_ms <= FLAP_WINDOW_MS:  # re-fire: same episode, maybe flapping
                alert.refires += 1
                alert.reason = reason
                if alert.refires >= FLAP_LIMIT and not alert.flapping:
                    alert.flapping = True
                    self._notify(alert, "flapping", t, changes)
                self._transition(alert, AlertState.FIRING, t, r.value, "fired again", changes)
                return
            alert = None
        if alert is None:
            alert = Alert(
                alert_id=alert_id_for(rule.name, r.asset_id, r.sensor_id, t), rule=rule.name,
                level=self._level(rule, r), asset_id=r.asset_id, sensor_id=r.sensor_id,
                state=AlertState.PENDING, started_ms=t, summary=summary_for(rule, r),
                hint=rule.hint, threshold=rule.threshold_text(),
                threshold_source=threshold_source(rule, r), last_value=r.value,
                last_reading_ms=t, reason=reason, interval_seconds=own_interval_seconds(r),
            )
            self.open[key] = alert
            self._transition(alert, AlertState.PENDING, t, r.value, reason, changes)
        alert.reason = reason
        if alert.level != self._level(rule, r):  # e.g. a group going from not ready to two actives
            alert.level = self._level(rule, r)
            self._touch(alert, t, changes)
        if alert.state == AlertState.PENDING and t - alert.started_ms >= rule.for_seconds * 1000:
            alert.fired_ms = t
            self._transition(alert, AlertState.FIRING, t, r.value, reason, changes)
        else:
            self._touch(alert, t, changes)

    def _level(self, rule: Rule, r: model.Reading) -> int:
        return rule.level_for(r, self.criticality.get(r.asset_id, ""))

    # ---- time ---------------------------------------------------------------------
    def tick(self, now_ms: int, down_assets: dict[str, str] | None = None,
             agent_interval_seconds: Callable[[str], float | None] | None = None) -> Changes:
        """Agent/device liveness, absent rules, staleness, flapping ends, held notifications.

        Staleness is the one freshness rule (controller.freshness): 3 of the series' own
        intervals, or of its agent's (`agent_interval_seconds(asset_id)`) when longer.
        """
        changes = Changes()
        for asset_id, why in (down_assets or {}).items():
            reading = model.Reading(asset_id, "agent", model.ReadingKind.REACHABILITY, None,
                                    status=model.Status.CRITICAL, reason=why,
                                    time_unix_ms=now_ms)
            rule = self.rules.get("unreachable")
            if rule is not None:
                self._apply(rule, reading, changes)
        for key, alert in list(self.open.items()):
            if key[2] == "agent" and key[0] == "unreachable" and alert.state != AlertState.RESOLVED \
                    and alert.asset_id not in (down_assets or {}):
                alert.resolved_ms = now_ms
                self._transition(alert, AlertState.RESOLVED, now_ms, None, "agent back", changes)
        for (name, asset_id, sensor_id), seen in self._absent_seen.items():
            rule = self.rules[name]
            if now_ms - seen >= rule.absent_seconds * 1000:
                reading = model.Reading(asset_id, sensor_id, model.ReadingKind.OTHER, 1.0,
                                        reason=f"no data for {(now_ms - seen) // 1000}s",
                                        time_unix_ms=now_ms)
                self._bad(dataclasses.replace(rule, condition="above", threshold=0.0), reading,
                          (name, asset_id, sensor_id), self.open.get((name, asset_id, sensor_id)),
                          changes)
        for key, alert in list(self.open.items()):
            agent_s = agent_interval_seconds(alert.asset_id) if agent_interval_seconds else None
            stale_ms = stale_after_ms(alert.interval_seconds, agent_s)
            if alert.state != AlertState.RESOLVED and key[2] != "agent" and not alert.no_data \
                    and now_ms - alert.last_reading_ms > stale_ms:
                alert.no_data = True
                alert.reason = f"no data for {(now_ms - alert.last_reading_ms) // 1000}s"
                self._touch(alert, now_ms, changes)
            if alert.flapping and now_ms - max(alert.fired_ms, alert.resolved_ms) >= FLAP_WINDOW_MS:
                alert.flapping = False
                alert.refires = 0
                self._touch(alert, now_ms, changes)
                if alert.notified != alert.state and alert.state in (AlertState.FIRING, AlertState.RESOLVED):
                    self._notify(alert, alert.state, now_ms, changes)
            if alert.state == AlertState.RESOLVED and now_ms - alert.resolved_ms > FLAP_WINDOW_MS:
                del self.open[key]  # the episode is over; it stays in the database
        self._fold_and_notify(changes, now_ms, release_held=True)
        return changes

    # ---- bookkeeping ---------------------------------------------------------------
    def _touch(self, alert: Alert, t: int, changes: Changes) -> None:
        alert.updated_ms = max(alert.updated_ms, t)
        changes.alerts[alert.alert_id] = alert

    def _transition(self, alert: Alert, state: str, t: int, value: float | None, detail: str,
                    changes: Changes) -> None:
        alert.state = state
        self._touch(alert, t, changes)
        changes.transitions.append(Transition(alert.alert_id, t, state, value, detail))

    def _notify(self, alert: Alert, kind: str, t: int, changes: Changes) -> None:
        nid = f"{alert.alert_id}:{kind}:{alert.refires}"
        changes.notifications.append(Notification(nid, kind, dataclasses.replace(alert), t))
        if kind in (AlertState.FIRING, AlertState.RESOLVED):
            alert.notified = kind
        alert.held_reason = ""
        self._touch(alert, t, changes)

    def _fold_and_notify(self, changes: Changes, now_ms: int, release_held: bool = False) -> None:
        """Fold children into a down parent, then notify what changed and may be told now."""
        self._fold(changes)
        candidates = list(changes.alerts.values())
        if release_held:
            candidates += [a for a in self.open.values() if a.held_reason]
        for alert in {a.alert_id: a for a in candidates}.values():
            if alert.flapping or alert.folded_into or alert.state == AlertState.PENDING:
                continue
            if alert.state == alert.notified:
                continue
            if alert.state == AlertState.RESOLVED and alert.notified == "":
                alert.held_reason = ""  # it never fired as far as anyone was told
                continue
            why = self.hold(alert, now_ms)
            if why:
                if alert.held_reason != why:
                    alert.held_reason = why
                    self._touch(alert, now_ms, changes)
                continue
            self._notify(alert, alert.state, now_ms, changes)

    def _fold(self, changes: Changes) -> None:
        firing_parents = {a.asset_id: a for a in self.open.values()
                          if a.rule in UNREACHABLE_RULES and a.state == AlertState.FIRING}
        counts: dict[str, int] = {}
        for alert in self.open.values():
            if alert.rule not in UNREACHABLE_RULES:
                continue
            parent = self.parents.get(alert.asset_id, "")
            parent_alert = firing_parents.get(parent) if parent != alert.asset_id else None
            folded = parent_alert.alert_id if parent_alert and alert.state != AlertState.RESOLVED else ""
            if folded != alert.folded_into:
                alert.folded_into = folded
                changes.alerts[alert.alert_id] = alert
            if folded:
                counts[folded] = counts.get(folded, 0) + 1
        for parent_alert in firing_parents.values():
            n = counts.get(parent_alert.alert_id, 0)
            if n != parent_alert.children:
                parent_alert.children = n
                changes.alerts[parent_alert.alert_id] = parent_alert

    def forget(self, asset_id: str) -> None:
        """Drop every open alert and series state of a removed asset."""
        self.open = {k: a for k, a in self.open.items() if k[1] != asset_id}
        self._absent_seen = {k: t for k, t in self._absent_seen.items() if k[1] != asset_id}
        self._previous = {k: v for k, v in self._previous.items() if k[1] != asset_id}

    def acknowledge(self, alert_id: str, who: str, comment: str, now_ms: int) -> Alert | None:
        for alert in self.open.values():
            if alert.alert_id == alert_id:
                alert.acked_by, alert.acked_ms, alert.ack_comment = who, now_ms, comment
                return alert
        return None
