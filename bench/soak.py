"""Soak: simulated agents stream while the controller and agent hosts are killed -9; ledger vs database."""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.helpers import ControllerProc, Proc, wait_for  # noqa: E402

KILL_WINDOW_SLACK_MS = 1000  # a reading handed over this long before a kill may be unspooled


@dataclass
class Host:
    """One soak_agent process hosting some agents; restarted after every kill."""

    name: str
    agent_ids: list[str]
    args: list[str]
    log: Path
    proc: Proc | None = None
    kills_ms: list[int] = field(default_factory=list)

    def start(self) -> None:
        self.proc = Proc([sys.executable, str(ROOT / "bench" / "soak_agent.py"), *self.args],
                         self.log)


@dataclass
class Verdict:
    """The ledger of generated readings compared with the controller's database."""

    generated: int = 0
    stored: int = 0
    lost_in_gaps: int = 0
    lost_in_kill_window: int = 0
    lost_unexplained: int = 0
    never_generated: int = 0
    gaps_recorded: int = 0
    agents_with_several_epochs: int = 0
    seqs_missing: int = 0
    seqs_missing_unexplained: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not (self.lost_unexplained or self.never_generated
                    or self.agents_with_several_epochs or self.seqs_missing_unexplained)


def _ledger(paths: list[Path]) -> tuple[dict[str, set[int]], dict[str, list[dict]]]:
    generated: dict[str, set[int]] = defaultdict(set)
    gaps: dict[str, list[dict]] = defaultdict(list)
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            kind, _, rest = line.partition(" ")
            if kind == "gen":
                agent, n = rest.split()
                generated[agent].add(int(n))
            elif kind == "gap":
                gap = json.loads(rest)
                gaps[gap["agent"]].append(gap)
    return generated, gaps


def verify(db: Path, ledgers: list[Path], hosts: list[Host], base_ms: int,
           interval_ms: int) -> Verdict:
    from bench.soak_agent import SENSOR_ID, asset_of

    generated, gaps = _ledger(ledgers)
    v = Verdict()
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        stored: dict[str, set[int]] = defaultdict(set)
        for asset, value in conn.execute(
                "SELECT s.asset_id, r.value FROM readings r JOIN sensors s USING (sensor_key)"
                " WHERE s.sensor_id=?", (SENSOR_ID,)):
            stored[asset].add(int(value))
        streams: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for agent, highest, count in conn.execute(
                "SELECT agent_id, highest_seq, stored_batches FROM streams"):
            streams[agent].append((int(highest), int(count)))
    kills = {a: h.kills_ms for h in hosts for a in h.agent_ids}
    for agent, made in generated.items():
        got = stored.get(asset_of(agent), set())
        v.generated += len(made)
        v.stored += len(made & got)
        v.never_generated += len(got - made)
        v.gaps_recorded += sum(g["readings"] for g in gaps.get(agent, []))
        for n in sorted(made - got):
            t = base_ms + n * interval_ms
            if any(g["from"] <= t <= g["to"] for g in gaps.get(agent, [])):
                v.lost_in_gaps += 1
            elif any(0 <= k - t <= interval_ms + KILL_WINDOW_SLACK_MS for k in kills[agent]):
                v.lost_in_kill_window += 1
            else:
                v.lost_unexplained += 1
                if len(v.examples) < 10:
                    v.examples.append(f"{agent} reading {n} (t={t}) lost")
        epochs = streams.get(agent, [])
        if len(epochs) > 1:
            v.agents_with_several_epochs += 1
        missing = sum(h - c for h, c in epochs)
        v.seqs_missing += missing
        if missing and not gaps.get(agent):
            v.seqs_missing_unexplained += missing
            v.examples.append(f"{agent}: {missing} seqs never stored and no gap recorded")
    return v


def run(args: argparse.Namespace, work: Path) -> Verdict:
    rng = random.Random(args.seed)
    data = work / "data"
    ctl = ControllerProc(data)
    ctl.wait_ready(60)
    base_ms = int(time.time() * 1000)
    interval_ms = int(args.interval * 1000)
    agent_ids = [f"soak-{i:03d}" for i in range(args.agents)]
    small = agent_ids[: args.small_spool_agents]
    hosts: list[Host] = []
    for h in range(args.hosts):
        ids = agent_ids[h :: args.hosts]
        if not ids:
            continue
        name = f"host{h}"
        hosts.append(Host(name, ids, [
            "--controller", ctl.address, "--agent-ids", ",".join(ids),
            "--state-dir", str(work / "state"), "--ledger", str(work / f"{name}.ledger"),
            "--base-ms", str(base_ms), "--interval-ms", str(interval_ms),
            "--small-spool", ",".join(a for a in ids if a in small),
            "--small-spool-batches", str(args.small_spool_batches)], work / f"{name}.log"))
    for host in hosts:
        host.start()
    started = time.monotonic()
    next_ctl_kill = started + args.controller_kill_period
    next_agent_kill = started + args.agent_kill_period
    controller_kills = agent_kills = 0
    while time.monotonic() < started + args.duration:
        now = time.monotonic()
        if now >= next_ctl_kill:
            ctl.kill9()
            controller_kills += 1
            time.sleep(args.controller_down)
            ctl = ControllerProc(data, port=ctl.port)
            ctl.wait_ready(60)
            next_ctl_kill = time.monotonic() + args.controller_kill_period
        elif now >= next_agent_kill and hosts:
            host = rng.choice(hosts)
            assert host.proc is not None
            host.proc.kill9()
            host.proc.stop()  # closes its log handle
            host.kills_ms.append(int(time.time() * 1000))
            agent_kills += 1
            host.start()
            next_agent_kill = now + args.agent_kill_period
        time.sleep(0.1)
    for host in hosts:  # stop generating, drain (the controller stays up now), exit
        assert host.proc is not None
        host.proc.popen.terminate()
    for host in hosts:
        assert host.proc is not None
        host.proc.popen.wait(timeout=args.drain_seconds + 30)
        host.proc.stop()
    wait_for(lambda: ctl.alive(), 1, 0.1, "controller still up")
    ctl.stop()
    verdict = verify(data / "hotspare.sqlite", [work / f"{h.name}.ledger" for h in hosts], hosts,
                     base_ms, interval_ms)
    print(f"soak: {args.agents} agents on {len(hosts)} hosts, {args.duration:g} s, interval"
          f" {args.interval:g} s; controller killed {controller_kills}x (down"
          f" {args.controller_down:g} s), agent hosts killed {agent_kills}x")
    return verdict


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--agents", type=int, default=12, help="simulated agents (issue: 200)")
    p.add_argument("--hosts", type=int, default=3, help="processes hosting them")
    p.add_argument("--duration", type=float, default=30.0, help="seconds (issue: 600)")
    p.add_argument("--interval", type=float, default=1.0, help="seconds between readings")
    p.add_argument("--controller-kill-period", type=float, default=10.0, help="issue: 30")
    p.add_argument("--controller-down", type=float, default=3.0, help="seconds down per kill")
    p.add_argument("--agent-kill-period", type=float, default=7.0,
                   help="a random agent host is killed -9 this often")
    p.add_argument("--small-spool-agents", type=int, default=1,
                   help="agents with a deliberately small spool: they drop and record gaps")
    p.add_argument("--small-spool-batches", type=int, default=3)
    p.add_argument("--drain-seconds", type=float, default=30.0)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--workdir", type=Path, help="keep files here (default: a temporary dir)")
    args = p.parse_args(argv)
    if args.workdir:
        args.workdir.mkdir(parents=True, exist_ok=True)
        verdict = run(args, args.workdir)
    else:
        with tempfile.TemporaryDirectory(prefix="hotspare-soak-") as tmp:
            verdict = run(args, Path(tmp))
    print(json.dumps({k: v for k, v in vars(verdict).items()}, indent=2))
    print("soak: OK" if verdict.ok else "soak: FAILED")
    return 0 if verdict.ok else 1


if __name__ == "__main__":
    sys.exit(main())
