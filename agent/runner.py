"""Assembles an agent process: collectors, scheduler, stream, and the actions dispatcher."""

from __future__ import annotations

import asyncio
import contextlib
import faulthandler
import logging
import signal
from pathlib import Path
from typing import cast

from agent.actions import ActionError, CommandJournal, Dispatcher, PowerAction
from agent.actions.power import BmcProvider
from agent.actions.standby import MemberProvider, StandbyAction
from agent.collectors import Collector, CollectorContext, module_for
from agent.config import AgentConfig
from agent.epochs import EpochError, EpochStore
from agent.scheduler import Scheduler
from agent.stream import AgentStream
from hotspare import model
from hotspare.tomlconf import ConfigError

log = logging.getLogger("hotspare.agent")
SHUTDOWN_STACK_DUMP_SECONDS = 6.0


class Agent:
    """One agent: its collectors feed the stream; commands go through the actions dispatcher."""

    def __init__(self, config: AgentConfig) -> None:
        self.config = config
        self.collectors: list[tuple[Collector, float, float]] = []
        intervals = [c.interval_seconds for c in config.collectors.values()] or [10.0]
        self.stream = AgentStream(
            agent_id=config.agent_id,
            cfg=config.stream,
            hello_assets=[config.host_asset],
            collectors=sorted(config.collectors),
            interval_seconds=min(intervals),
            on_command=self.execute,
            spool=config.spool,
        )
        self.scheduler = Scheduler(config.host_asset.asset_id, self.stream.submit)
        state = Path(config.state_dir) if config.state_dir else None
        self.journal = CommandJournal(state / "commands.sqlite3" if state else None)
        self.epochs = EpochStore(state / "group-epochs.json" if state else None)
        self.dispatcher: Dispatcher | None = None

    def build_collectors(self) -> None:
        context = CollectorContext(
            agent_id=self.config.agent_id,
            host_asset_id=self.config.host_asset.asset_id,
            emit=self.stream.submit,
        )
        for name, cfg in self.config.collectors.items():
            collector = module_for(name).build(cfg, context)
            self.collectors.append((collector, cfg.interval_seconds, cfg.timeout_seconds))
        providers = [c for c, _, _ in self.collectors if isinstance(c, BmcProvider)]
        members = [c for c, _, _ in self.collectors if hasattr(c, "member_for")]
        self.dispatcher = Dispatcher(self.config.agent_id,
                                     [PowerAction(providers),
                                      StandbyAction(cast(list[MemberProvider], members))],
                                     self.journal, self.epochs)

    async def execute(self, command: model.Command) -> model.CommandResult:
        """Run a controller command through the dispatcher: once per id, across restarts."""
        assert self.dispatcher is not None, "commands arrive only after build_collectors"
        return await self.dispatcher.execute(command)

    async def run(self, stop: asyncio.Event) -> None:
        await self.stream.open()  # first: a spool in use by another agent stops us before any work
        self.build_collectors()
        self.stream.submit(model.Batch(assets=(self.config.host_asset,)))
        self.stream.start()
        for collector, interval, timeout in self.collectors:
            self.scheduler.start(collector, interval, timeout)
        log.info("agent %s started: collectors=%s controller=%s", self.config.agent_id,
                 ",".join(c.name for c, _, _ in self.collectors), self.config.stream.controller)
        await stop.wait()
        # a shutdown that hangs says where: every thread's stack goes to stderr after this long
        faulthandler.dump_traceback_later(SHUTDOWN_STACK_DUMP_SECONDS)
        await self.scheduler.stop()
        await self.stream.stop(drain_seconds=2.0)
        for collector, _, _ in self.collectors:
            with contextlib.suppress(Exception):
                await collector.close()
        self.journal.close()
        stats = self.stream.stats
        log.info("agent %s stopped: epoch=%d last_seq=%d acked_seq=%d pending=%d dropped=%d",
                 self.config.agent_id, self.stream.epoch, self.stream.last_seq, stats.acked_seq,
                 self.stream.pending_count, stats.dropped_batches_total)
        faulthandler.cancel_dump_traceback_later()


async def main(config: AgentConfig) -> None:
    """Run the agent until SIGINT or SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    try:
        agent = Agent(config)
    except (ActionError, EpochError) as exc:  # an unusable state dir stops the agent, clearly
        raise ConfigError(f"agent state dir {config.state_dir}: {exc}") from None
    await agent.run(stop)
