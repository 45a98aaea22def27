"""Shared fixtures: a running controller subprocess and an agent factory."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.helpers import AgentProc, ControllerProc


@pytest.fixture
def running_controller(tmp_path: Path) -> Iterator[ControllerProc]:
    """A real controller process on a free loopback port with a fresh SQLite database."""
    data = tmp_path / "data"
    proc = ControllerProc(data)
    try:
        proc.wait_ready()
        yield proc
    finally:
        proc.stop()


@pytest.fixture
def start_agent(tmp_path: Path) -> Iterator[Callable[..., AgentProc]]:
    """Factory: start_agent(controller_address, config_text, name=...) -> a running agent."""
    started: list[AgentProc] = []

    def start(controller: str, config_text: str, name: str = "agent") -> AgentProc:
        proc = AgentProc(tmp_path, controller, config_text, name)
        started.append(proc)
        return proc

    yield start
    for proc in started:
        proc.stop()
