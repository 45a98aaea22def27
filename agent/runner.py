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
from agent.metrics import AgentMetrics
from agent.scheduler import Scheduler
from agent.stream import AgentStream
from hotspare import model
from hotspare.tomlconf import ConfigError

log = logging.getLogger("hotspare.agent")
SHUTDOWN_STACK_DUMP_SECONDS = 6.0
ONCE_DRAIN_SECONDS = 15.0


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
        self.metrics = AgentMetrics(config.metrics_listen, self.stream) if config.metrics_listen \
            else None
        self.emit = self.metrics.tap(self.stream.submit) if self.metrics else self.stream.submit
        self.scheduler = Scheduler(config.host_asset.asset_id, self.emit)
        if self.metrics:
            self.metrics.scheduler_stats = self.scheduler.stats
        self._seen: set[str] = set()
        state = Path(config.state_dir) if config.state_dir else None
        self.journal = CommandJournal(state / "commands.sqlite3" if state else None)
        self.epochs = EpochStore(state / "group-epochs.json" if state else None)
        self.dispatcher: Dispatcher | None = None

    def build_collectors(self) -> None:
        context = CollectorContext(
            agent_id=self.config.agent_id,
            host_asset_id=self.config.host_asset.asset_id,
            emit=self.emit,
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
        if self.metrics:  # bound first: a taken port stops the agent before it collects
            await self.metrics.start()
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
        await self._close_collectors()
        self.journal.close()
        if self.metrics:
            await self.metrics.stop()
        stats = self.stream.stats
        log.info("agent %s stopped: epoch=%d last_seq=%d acked_seq=%d pending=%d dropped=%d",
                 self.config.agent_id, self.stream.epoch, self.stream.last_seq, stats.acked_seq,
                 self.stream.pending_count, stats.dropped_batches_total)
        faulthandler.cancel_dump_traceback_later()


    async def once(self) -> int:
        """Every collector once, then wait for the acks; 0 when the controller stored it all."""
        await self.stream.open()
        self.build_collectors()
        self.stream.submit(model.Batch(assets=(self.config.host_asset,)))
        self.stream.start()
        await asyncio.gather(*(self.scheduler.run_once(c, timeout, interval)
                               for c, interval, timeout in self.collectors))
        await self.stream.stop(drain_seconds=ONCE_DRAIN_SECONDS)
        await self._close_collectors()
        pending, stats = self.stream.pending_count, self.stream.stats
        if pending:
            log.error("agent %s: %d of %d batches not acknowledged by controller %s within %gs",
                      self.config.agent_id, pending, self.stream.last_seq,
                      self.config.stream.controller, ONCE_DRAIN_SECONDS)
            return 1
        log.info("agent %s: one cycle of %s stored by controller %s (seq %d acked)",
                 self.config.agent_id, ",".join(c.name for c, _, _ in self.collectors),
                 self.config.stream.controller, stats.acked_seq)
        return 0

    async def _close_collectors(self) -> None:
        for collector, _, _ in self.collectors:
            with contextlib.suppress(Exception):
                await collector.close()


async def run_once(config: AgentConfig) -> int:
    """`hotspare agent run --once`: one cycle of every collector, acknowledged, then exit."""
    return await Agent(config).once()


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
