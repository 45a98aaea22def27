"""Does a BMC rejecting passwords slow another BMC's reads? Shared pyghmi process vs one worker per BMC.

Run: .venv/bin/python -m bench.ipmi_isolation [--polls 30] [--bad 3]
Two ipmi_sim BMCs on loopback; the good one is read (sensors, power, SEL) every 0.2 s while N
clients log in to the other with a wrong password twice a second each. "shared" runs every
session in one process on threads (the agent before issue 15); "workers" gives each BMC its own
process (agent/collectors/ipmi/handle.py). Prints the good BMC's read times for each, and the
load average: on a busy host ipmi_sim's own latency swamps everything, so compare runs made at
a low load only.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from agent.collectors.ipmi.bmc import BmcError
from agent.collectors.ipmi.handle import BmcWorker
from controller.demo.ipmi_lab import PASSWORD, USER, IpmiSim
from hotspare.threads import SerialWorker

WRONG = "Not-The-Password-9"


def _summary(name: str, times: list[float]) -> str:
    q = statistics.quantiles(times, n=10)
    return (f"{name:<22} n={len(times):<3} median {statistics.median(times) * 1000:7.1f} ms  "
            f"p90 {q[8] * 1000:7.1f} ms  max {max(times) * 1000:7.1f} ms")


async def _bad_logins_shared(port: int, stop: asyncio.Event) -> int:
    from agent.collectors.ipmi.transport import BmcSession

    thread, count = SerialWorker("bad"), 0
    for _ in range(10_000):  # bounded; `stop` ends it first
        if stop.is_set():
            break
        try:
            await thread.run(BmcSession, "127.0.0.1", port, USER, WRONG, 4)
        except BmcError:
            count += 1
        await asyncio.sleep(0.5)
    thread.shutdown(wait=False)
    return count


async def _bad_logins_workers(port: int, stop: asyncio.Event) -> int:
    worker, count = BmcWorker("127.0.0.1", port, USER, WRONG, 4, "bad"), 0
    await worker.start()
    for _ in range(10_000):
        if stop.is_set():
            break
        try:
            await worker.call("power_state", 10.0)
        except BmcError:
            count += 1
        await asyncio.sleep(0.5)
    await worker.close()
    return count


async def _run(mode: str, good: int, bad: int, bad_clients: int, polls: int) -> list[float]:
    from agent.collectors.ipmi.transport import BmcSession

    stop = asyncio.Event()
    times: list[float] = []
    if mode == "shared":
        thread = SerialWorker("good")
        session = await thread.run(BmcSession, "127.0.0.1", good, USER, PASSWORD, 4)
        await thread.run(session.sensors)

        async def read() -> None:
            await thread.run(lambda: (session.sensors(), session.power_state(), session.sel()))
        bad_task = _bad_logins_shared
    else:
        worker = BmcWorker("127.0.0.1", good, USER, PASSWORD, 4, "good")
        await worker.call("poll", 30.0, fru_due=False)

        async def read() -> None:
            await worker.call("poll", 30.0, fru_due=False)
        bad_task = _bad_logins_workers
    tasks = [asyncio.ensure_future(bad_task(bad, stop)) for _ in range(bad_clients)]
    await asyncio.sleep(0.5)
    for _ in range(polls):
        started = time.monotonic()
        await read()
        times.append(time.monotonic() - started)
        await asyncio.sleep(0.2)
    stop.set()
    rejected = sum(await asyncio.gather(*tasks))
    if mode == "shared":
        await thread.run(session.close)
        thread.shutdown(wait=False)
    else:
        await worker.close()
    print(f"  ({mode}: {rejected} wrong-password logins during the run)")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--polls", type=int, default=30)
    parser.add_argument("--bad", type=int, default=3, help="clients with a wrong password")
    parser.add_argument("--modes", default="shared,workers", help="shared, workers or both")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        good, bad = IpmiSim(Path(tmp), "good", "SN1"), IpmiSim(Path(tmp), "bad", "SN2")
        try:
            print(f"load average before: {os.getloadavg()[0]:.2f}")
            runs = [(mode, clients) for mode in args.modes.split(",")
                    for clients in (0, args.bad)]
            for mode, clients in runs:
                times = asyncio.run(_run(mode, good.port, bad.port, clients, args.polls))
                print(_summary(f"{mode}, {clients} bad", times))
            print(f"load average after: {os.getloadavg()[0]:.2f}")
        finally:
            good.cleanup()
            bad.cleanup()


if __name__ == "__main__":
    main()
