"""Runs the alert engine inside the controller: ingest hook, clock ticks, outbox delivery."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from typing import TypeVar

from controller import fleet
from controller.alerts.engine import FLAP_WINDOW_MS, Alert, AlertEngine, Changes, Transition
from controller.alerts.rules import default_rules, merge_rules
from controller.config import AlertsConfig
from controller.store import Database, Store
from hotspare import model
from hotspare.maintenance import held
from hotspare.threads import run_blocking

log = logging.getLogger("hotspare.controller.alerts")
T = TypeVar("T")

BACKOFF_MAX_MS = 300_000
WEBHOOK_TIMEOUT_SECONDS = 5.0


def _now_ms() -> int:
    return int(time.time() * 1000)


def redact_url(url: str) -> str:
    """Scheme, host and port only: paths and queries of webhook URLs often carry tokens."""
    parts = urllib.parse.urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{f':{parts.port}' if parts.port else ''}/..."


def webhook_key(url: str) -> str:
    """What the outbox stores for a webhook: the redacted URL and a digest, never credentials."""
    return f"{redact_url(url)}#{hashlib.sha256(url.encode()).hexdigest()[:16]}"


def post_json(url: str, payload: bytes, timeout: float = WEBHOOK_TIMEOUT_SECONDS) -> None:
    """POST one JSON document; raises OSError (with the reason) unless the answer is 2xx."""
    req = urllib.request.Request(url, data=payload, method="POST",
                                 headers={"Content-Type": "application/json",
                                          "User-Agent": "hotspare-controller"})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            if not 200 <= resp.status < 300:
                raise OSError(f"HTTP {resp.status}")
    except urllib.error.HTTPError as exc:
        raise OSError(f"HTTP {exc.code}") from None
    except urllib.error.URLError as exc:
        raise OSError(str(exc.reason)) from None


class Alerting:
    """Owns the engine and the delivery loop.

    The engine is touched only inside units of work on the database's writer (`db.write`), so
    ingest evaluation, ticks, acknowledgements and hold changes never interleave.
    """

    def __init__(self, config: AlertsConfig, db: Database,
                 on_change: Callable[[set[str]], None] | None = None,
                 poster: Callable[[str, bytes], None] = post_json) -> None:
        self.config = config
        self.db = db
        self.on_change = on_change
        self.poster = poster
        builtins = default_rules() if config.builtin_rules else []
        self.engine = AlertEngine(merge_rules(builtins, config.rules), hold=self._hold)
        self._silences: list = []  # refreshed on every tick
        self._windows = list(config.windows)
        self._tasks: list[asyncio.Task[None]] = []
        self._last_heartbeat_ms = 0
        self._agent_interval_s: dict[str, float] = {}  # asset -> its agent's interval
        self.delivered_total = 0
        self.delivery_failures_total = 0

    # ---- inside units of work on the writer ---------------------------------------------
    def load(self, store: Store) -> None:
        store.alerts.outbox_targets = tuple(webhook_key(u) for u in self.config.webhooks)
        self.engine.load(store.alerts.load_alerts(_now_ms() - FLAP_WINDOW_MS))
        self._refresh(store)

    def _refresh(self, store: Store) -> None:
        now = _now_ms()
        self._silences = store.alerts.silences(now_ms=now)
        self._windows = list(self.config.windows) + store.alerts.windows()
        parents: dict[str, str] = {}
        agents = {a.agent_id: a for a in store.fleet.agents()}
        intervals: dict[str, float] = {}
        criticality: dict[str, str] = {}
        for asset, agent_id in store.fleet.assets():
            if asset.labels.get("criticality"):
                criticality[asset.asset_id] = asset.labels["criticality"]
            agent = agents.get(agent_id)
            parent = asset.parent_id or (agent.host_asset_id if agent else "")
            if parent and parent != asset.asset_id:
                parents[asset.asset_id] = parent
            if agent is not None:
                intervals[asset.asset_id] = agent.interval_seconds
        self.engine.parents = parents
        self.engine.criticality = criticality
        self._agent_interval_s = intervals

    def _hold(self, alert: Alert, now_ms: int) -> str:
        return held(alert.asset_id, alert.rule, alert.level, now_ms, self._silences, self._windows)

    def evaluate(self, readings: list[model.Reading], now_ms: int) -> Changes:
        """The ingest hook: runs inside the ingest transaction."""
        return self.engine.process(readings, now_ms)

    async def feed(self, readings: list[model.Reading]) -> None:
        """Judge readings the controller derives itself (group readiness); they are not stored."""

        def unit(store: Store) -> set[str]:
            changes = self.engine.process(readings, _now_ms())
            if changes:
                store.alerts.save_alert_changes(changes)
            return {a.asset_id for a in changes.alerts.values()}

        changed = await self.db.write(unit)
        if changed and self.on_change:
            self.on_change(changed)

    def _tick_sync(self, store: Store) -> set[str]:
        now = _now_ms()
        self._refresh(store)
        agents = {a.agent_id: a for a in store.fleet.agents()}
        down: dict[str, str] = {}
        for asset, agent_id in store.fleet.assets():
            agent = agents.get(agent_id)
            if agent is not None and not fleet.agent_up(agent, now):
                down[asset.asset_id] = f"agent {agent_id} is down (silent for " \
                                       f"{(now - agent.last_seen_ms) // 1000}s)"
        changes = self.engine.tick(now, down, self._agent_interval_s.get)
        if changes:
            store.alerts.save_alert_changes(changes)
        hb = self.config.heartbeat_seconds
        if hb and now - self._last_heartbeat_ms >= hb * 1000:
            slot = now - now % int(hb * 1000)
            store.alerts.queue_notification(f"heartbeat-{slot}", {
                "id": f"heartbeat-{slot}", "kind": "heartbeat", "time_unix_ms": now,
                "controller": self.config.controller_name, "count": 0, "alerts": []})
            self._last_heartbeat_ms = now
        return {a.asset_id for a in changes.alerts.values()}

    async def change_holds(self, fn: Callable[[Store], T]) -> T:
        """Add or end a silence or window, and take it into account before the next reading."""

        def unit(store: Store) -> T:
            result = fn(store)
            self._refresh(store)
            return result

        return await self.db.write(unit)

    async def acknowledge(self, alert_id: str, who: str, comment: str) -> Alert | None:
        """Record an acknowledgement (who, when, comment) on an open or stored alert."""
        return await self.db.write(lambda store: self._acknowledge(store, alert_id, who, comment))

    def _acknowledge(self, store: Store, alert_id: str, who: str, comment: str) -> Alert | None:
        now = _now_ms()
        alert = self.engine.acknowledge(alert_id, who, comment, now) or store.alerts.alert(alert_id)
        if alert is None:
            return None
        alert.acked_by, alert.acked_ms, alert.ack_comment = who, now, comment
        alert.updated_ms = max(alert.updated_ms, now)
        changes = Changes()
        changes.alerts[alert.alert_id] = alert
        changes.transitions.append(Transition(alert_id, now, "acknowledged", None,
                                              f"by {who}: {comment}"))
        store.alerts.save_alert_changes(changes)
        return alert

    # ---- on the event loop ----------------------------------------------------------
    def start(self) -> None:
        self._tasks.append(asyncio.create_task(self._ticker(), name="alert-ticker"))
        self._tasks.append(asyncio.create_task(self._deliverer(), name="alert-outbox"))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _ticker(self) -> None:
        while True:
            try:
                changed = await self.db.write(self._tick_sync)
                if changed and self.on_change:
                    self.on_change(changed)
            except Exception as exc:  # a failed tick is logged and retried next time
                log.error("alert tick failed: %s", exc)
            await asyncio.sleep(self.config.tick_seconds)

    async def _deliverer(self) -> None:
        while True:
            try:
                await self.deliver_due()
            except Exception as exc:
                log.error("outbox delivery failed: %s", exc)
            await asyncio.sleep(0.5)

    async def deliver_due(self) -> int:
        """Send every due message once; failures are retried with exponential backoff."""
        due = await self.db.alerts.due_notifications(_now_ms())
        sent = 0
        urls = {webhook_key(u): u for u in self.config.webhooks}
        urls.update((u, u) for u in self.config.webhooks)  # rows written before keys
        for notification_id, target, payload, attempts in due:
            url = urls.get(target)
            if url is None:  # a webhook no longer configured: parked, not retried in a loop
                await self.db.alerts.mark_failed(notification_id, target,
                                                 _now_ms() + BACKOFF_MAX_MS, "not configured")
                continue
            try:
                await run_blocking(self.poster, url, payload.encode())
            except OSError as exc:
                delay = min(BACKOFF_MAX_MS, 1000 * 2 ** min(attempts, 16))
                await self.db.alerts.mark_failed(notification_id, target, _now_ms() + delay,
                                                 str(exc))
                self.delivery_failures_total += 1
                if attempts == 0:
                    log.warning("webhook %s: %s (will retry)", redact_url(target), exc)
                continue
            await self.db.alerts.mark_delivered(notification_id, target, _now_ms())
            sent += 1
            self.delivered_total += 1
            log.info("notified %s: %s", redact_url(target), json.loads(payload).get("kind", "?"))
        return sent
