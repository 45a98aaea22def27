"""Alerts end to end: a real controller, a scripted agent stream, a webhook receiver on loopback."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from hotspare.v1 import types_pb2
from tests.fakes.agent_stream import ScriptedAgent
from tests.helpers import ControllerProc, cli, cli_json, free_port, wait_for
from tests.webhook import Receiver

pytestmark = pytest.mark.integration

CONFIG = """
[controller]
[alerts]
tick_seconds = 0.2
heartbeat_seconds = {heartbeat}
controller_name = "test-ctl"
[[alerts.webhooks]]
url = "{url}"
[[alerts.rules]]
name = "hot_inlet"
level = 2
kinds = ["temperature"]
sensor = "inlet"
condition = "above"
threshold = 80
recover = 70
summary = "inlet too hot"
"""


def _controller(tmp_path: Path, receiver_port: int, port: int | None = None,
                heartbeat: float = 0) -> ControllerProc:
    conf = tmp_path / "controller.toml"
    conf.write_text(CONFIG.format(url=f"http://127.0.0.1:{receiver_port}/hook", heartbeat=heartbeat))
    ctl = ControllerProc(tmp_path / "data", port=port, extra=["--config", str(conf)])
    ctl.wait_ready()
    return ctl


def test_alerts_fire_once_resolve_once_one_notification_each(tmp_path):
    receiver = Receiver(free_port()).start()
    ctl = _controller(tmp_path, receiver.port)
    agent = ScriptedAgent(ctl.address, "ag1", "rack1-srv1")
    try:
        now = int(time.time() * 1000)
        for i, value in enumerate([50, 90, 95, 92, 75, 60, 55]):
            agent.send("inlet", value, now + i * 1000)
        wait_for(lambda: len(receiver.alerts(rule="hot_inlet")) >= 2, 15, 0.1, "two notifications")
        time.sleep(1.0)  # nothing more may arrive
        bodies = receiver.alerts(rule="hot_inlet")
        assert [b["kind"] for b in bodies] == ["firing", "resolved"], bodies
        assert len({b["id"] for b in bodies}) == 2
        firing = bodies[0]["alerts"][0]
        assert firing["asset_id"] == "rack1-srv1" and firing["level"] == 2
        assert firing["threshold"] == ">= 80" and firing["threshold_source"] == "operator"
        assert firing["alert_id"] == bodies[1]["alerts"][0]["alert_id"]
        doc = cli_json("alerts", "--state", "resolved", "--controller", ctl.address)
        (alert,) = [a for a in doc["alerts"] if a["rule"] == "hot_inlet"]
        shown = cli_json("alerts", "show", alert["alert_id"], "--controller", ctl.address)
        assert [h["state"] for h in shown["history"]] == ["pending", "firing", "resolved"]
    finally:
        agent.close()
        ctl.stop()
        receiver.stop()


def test_alerts_outbox_survives_kill9_delivered_once_after_restart(tmp_path):
    port = free_port()
    receiver = Receiver(port)  # not started: deliveries fail and stay in the outbox
    ctl = _controller(tmp_path, port)
    agent = ScriptedAgent(ctl.address, "ag2", "srv2")
    now = int(time.time() * 1000)
    try:
        agent.send("inlet", 99, now)
        wait_for(lambda: "webhook" in ctl.log(), 10, 0.1, "a failed delivery attempt")
    finally:
        agent.close()
    ctl.kill9()
    receiver.start()
    ctl2 = _controller(tmp_path, port, port=ctl.port)
    try:
        wait_for(lambda: receiver.alerts(rule="hot_inlet"), 15, 0.1, "delivery after restart")
        agent = ScriptedAgent(ctl2.address, "ag2", "srv2", epoch=2)
        agent.send("inlet", 20, now + 5000)
        wait_for(lambda: len(receiver.alerts(rule="hot_inlet")) >= 2, 15, 0.1, "resolved")
        time.sleep(1.0)
        agent.close()
        bodies = receiver.alerts(rule="hot_inlet")
        assert [b["kind"] for b in bodies] == ["firing", "resolved"], bodies
        assert len({b["id"] for b in receiver.bodies}) == len(receiver.bodies)  # no duplicate ids
    finally:
        ctl2.stop()
        receiver.stop()


def test_alerts_maintenance_window_holds_then_one_notification(tmp_path):
    receiver = Receiver(free_port()).start()
    ctl = _controller(tmp_path, receiver.port)
    agent = ScriptedAgent(ctl.address, "ag3", "srv3")
    try:
        added = cli("maintenance", "add", "--name", "swap fans", "--start", "00:00", "--end",
                    "24:00", "--asset", "srv3", "--controller", ctl.address)
        assert added.returncode == 0, added.stderr
        window_id = added.stdout.split()[2]
        agent.send("inlet", 99, int(time.time() * 1000))
        alert = wait_for(lambda: [a for a in cli_json("alerts", "--controller", ctl.address)[
            "alerts"] if a["asset_id"] == "srv3" and a["state"] == "firing"], 10, 0.2, "firing")[0]
        assert alert["held_reason"] == "maintenance window swap fans"
        time.sleep(1.0)
        assert receiver.alerts(rule="hot_inlet") == []  # recorded, not notified
        assert cli("maintenance", "remove", window_id, "--controller",
                   ctl.address).returncode == 0
        wait_for(lambda: receiver.alerts(rule="hot_inlet"), 10, 0.1, "notified at window end")
        time.sleep(1.0)
        bodies = receiver.alerts(rule="hot_inlet")
        assert [b["kind"] for b in bodies] == ["firing"], bodies
    finally:
        agent.close()
        ctl.stop()
        receiver.stop()


def test_alerts_ack_silence_cli_and_no_data(tmp_path):
    receiver = Receiver(free_port()).start()
    ctl = _controller(tmp_path, receiver.port)
    agent = ScriptedAgent(ctl.address, "ag4", "srv4")
    addr = ctl.address
    try:
        silenced = cli("silence", "add", "--asset", "srv4", "--duration", "1h", "--reason",
                       "PSU swap", "--author", "ann", "--controller", addr)
        assert silenced.returncode == 0, silenced.stderr
        agent.send("inlet", 99, int(time.time() * 1000))
        alert = wait_for(lambda: [a for a in cli_json("alerts", "--controller", addr)["alerts"]
                                  if a["rule"] == "hot_inlet"], 10, 0.2, "alert listed")[0]
        assert alert["held_reason"].startswith("silenced by ann")
        ack = cli("alerts", "ack", alert["alert_id"], "--comment", "on it", "--who", "bob",
                  "--controller", addr)
        assert ack.returncode == 0 and "acknowledged" in ack.stdout
        listed = [a for a in cli_json("alerts", "--level", "2", "--controller", addr)["alerts"]
                  if a["rule"] == "hot_inlet"]
        assert listed[0]["acked_by"] == "bob" and listed[0]["ack_comment"] == "on it"
        agent.send("inlet", None, int(time.time() * 1000), status=4, reason="sensor read failed")
        def inlet_alert():
            return next(a for a in cli_json("alerts", "--controller", addr)["alerts"]
                        if a["rule"] == "hot_inlet")

        wait_for(lambda: inlet_alert()["no_data"], 10, 0.2, "no data shown")
        assert inlet_alert()["state"] == "firing"
        sid = cli_json("silence", "list", "--controller", addr)["silences"][0]["silence_id"]
        assert cli("silence", "expire", sid, "--controller", addr).returncode == 0
        wait_for(lambda: receiver.alerts(rule="hot_inlet"), 10, 0.1, "notified after the silence")
        assert cli("alerts", "ack", "a-nope", "--comment", "x", "--controller",
                   addr).returncode == 1
        assets = cli_json("assets", "--controller", addr)["assets"]
        assert next(a for a in assets if a["asset_id"] == "srv4")["alert_level"] == 2
    finally:
        agent.close()
        ctl.stop()
        receiver.stop()


def test_alerts_heartbeat_reaches_the_pager(tmp_path):
    receiver = Receiver(free_port()).start()
    ctl = _controller(tmp_path, receiver.port, heartbeat=0.5)
    try:
        wait_for(lambda: len(receiver.alerts("heartbeat")) >= 2, 15, 0.1, "two heartbeats")
        beats = receiver.alerts("heartbeat")
        assert beats[0]["controller"] == "test-ctl" and beats[0]["alerts"] == []
        assert len({b["id"] for b in beats}) == len(beats)
    finally:
        ctl.stop()
        receiver.stop()


def test_alerts_silent_agent_is_unreachable_once(tmp_path):
    receiver = Receiver(free_port()).start()
    ctl = _controller(tmp_path, receiver.port)
    agent = ScriptedAgent(ctl.address, "ag5", "srv5")
    try:
        agent.send("inlet", 20, int(time.time() * 1000))
        agent.close()  # silent from now on: down after 3 intervals (1 s each)
        wait_for(lambda: receiver.alerts(rule="unreachable"), 15, 0.2, "unreachable notified")
        (body,) = receiver.alerts(rule="unreachable")
        alert = body["alerts"][0]
        assert alert["asset_id"] == "srv5" and alert["level"] == 2 and "ag5" in alert["reason"]
        agent = ScriptedAgent(ctl.address, "ag5", "srv5", epoch=2)
        agent.send("inlet", 20, int(time.time() * 1000))
        wait_for(lambda: receiver.alerts(kind="resolved", rule="unreachable"), 15, 0.2,
                 "resolved when the agent is back")
        agent.close()
    finally:
        ctl.stop()
        receiver.stop()


def test_alerts_say_what_broke_with_a_hint_at_the_level_of_the_assets_criticality(tmp_path):
    """A degraded volume on a core system: level 1, its own wording and a hint, in the webhook."""
    receiver = Receiver(free_port()).start()
    ctl = _controller(tmp_path, receiver.port)
    core = ScriptedAgent(ctl.address, "ag-core", "core-nas", labels={"criticality": "high"})
    lab = ScriptedAgent(ctl.address, "ag-lab", "lab-nas")
    try:
        time.sleep(0.6)  # the alerting runtime picks the assets' labels up on its next tick
        for agent in (core, lab):
            agent.send("syno:raid:Volume 1", 11, kind=types_pb2.READING_KIND_REDUNDANCY,
                       status=types_pb2.STATUS_CRITICAL, reason="degraded", name="Volume 1")
        wait_for(lambda: len(receiver.alerts(rule="redundancy_lost")) >= 1, 15, 0.1, "webhook")

        def both() -> dict | None:
            found = {a["asset_id"]: a for a in cli_json("alerts", "--controller", ctl.address)
                     ["alerts"] if a["rule"] == "redundancy_lost" and a["state"] == "firing"}
            return found if len(found) == 2 else None

        fired = wait_for(both, 15, 0.2, "both alerts")
        assert fired["core-nas"]["level"] == 1 and fired["lab-nas"]["level"] == 2
        assert fired["core-nas"]["summary"] == "Volume 1 degraded (redundancy lost)"
        sent = [a for body in receiver.alerts(rule="redundancy_lost") for a in body["alerts"]]
        assert sent[0]["hint"] and "replace" in sent[0]["hint"]
        assert all("power supply" not in a["summary"] for a in sent)
    finally:
        core.close()
        lab.close()
        ctl.stop()
        receiver.stop()
