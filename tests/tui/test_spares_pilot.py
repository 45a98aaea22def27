"""Pilot test: `S` opens spares; a failing part's line comes first, drills down, exports HTML."""

from __future__ import annotations

import time
from pathlib import Path

import grpc
import pytest
from textual.widgets import DataTable, Static

from hotspare import convert, model
from hotspare.v1 import agent_pb2, agent_pb2_grpc
from tests.helpers import ControllerProc, cli, pilot_wait
from tui.app import HotSpareApp
from tui.screens.asset import AssetScreen
from tui.screens.fleet import FleetScreen
from tui.screens.spares import SparesScreen

pytestmark = pytest.mark.integration


def send_failing_psu(address: str) -> None:
    """One real agent stream: a server at site lon with two PSUs, PSU1's status critical."""
    host = model.Asset("tui-srv", model.AssetKind.SERVER, location=model.Location(site="lon"))
    psus = tuple(model.Component(f"psu:{i}", "tui-srv", "psu", "Delta", "DPS-550", "DPS-550",
                                 f"PS{i}SER", fru=True) for i in (1, 2))
    now = int(time.time() * 1000)
    status = model.Reading("tui-srv", "psu:1:status", model.ReadingKind.PSU, None,
                           status=model.Status.CRITICAL, reason="failure detected",
                           time_unix_ms=now)
    hello = agent_pb2.Hello(agent_id="tui-ag", stream_epoch=1, interval_seconds=1.0,
                            hostname="tui-ag", assets=[convert.asset_to_pb(host)])
    batch = convert.batch_to_pb("tui-ag", 1, 1, model.Batch(readings=(status,), components=psus))
    with grpc.insecure_channel(address) as channel:
        call = agent_pb2_grpc.AgentServiceStub(channel).Stream(iter([
            agent_pb2.AgentMessage(hello=hello), agent_pb2.AgentMessage(batch=batch)]))
        for msg in call:  # the ack for seq 1 means the batch is stored
            if msg.WhichOneof("body") == "ack" and msg.ack.highest_seq >= 1:
                call.cancel()
                break


async def test_tui_spares_screen_lists_urgent_first_and_exports(tmp_path: Path) -> None:
    ctl = ControllerProc(tmp_path / "data")
    ctl.wait_ready()
    try:
        send_failing_psu(ctl.address)
        assert cli("spares", "stock", "add", "FAN-9", "--site", "lon", "--quantity", "4",
                   "--why", "opening", "--controller", ctl.address).returncode == 0
        app = HotSpareApp(ctl.address)
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot_wait(lambda: isinstance(app.screen, FleetScreen), pilot)
            await pilot.press("S")
            await pilot_wait(lambda: isinstance(app.screen, SparesScreen), pilot)
            screen = app.screen
            assert isinstance(screen, SparesScreen)
            table = screen.query_one(DataTable)
            await pilot_wait(lambda: table.row_count == 2 and bool(screen.reservations)
                             and str(table.get_row_at(0)[2]) == "-1/0", pilot, 20)
            first = table.get_row_at(0)
            assert first[0] == "DPS-550" and str(first[2]) == "-1/0"  # reserved, none on hand
            detail = str(screen.query_one("#spares-detail", Static).render())
            assert "tui-srv psu:1 serial PS1SER" in detail and "reserved #" in detail
            assert str(table.get_row_at(1)[2]) == "4/0"
            out = tmp_path / "report.html"
            await pilot.press("e")
            await pilot.pause(0.2)
            for _ in range(len("spares-report.html")):
                await pilot.press("backspace")
            await pilot.press(*str(out))
            await pilot.press("tab")
            await pilot.press("enter")
            await pilot_wait(out.exists, pilot)
            assert "DPS-550" in out.read_text(encoding="utf-8")
            await pilot_wait(lambda: isinstance(app.screen, SparesScreen), pilot)
            table.move_cursor(row=0)
            await pilot.press("enter")  # drill down to the failing PSU's server
            await pilot_wait(lambda: isinstance(app.screen, AssetScreen), pilot)
            assert app.screen.asset_id == "tui-srv"
    finally:
        ctl.stop()
