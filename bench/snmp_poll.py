"""SNMP benchmark: the collector's walks vs Net-SNMP's snmpbulkwalk against a real snmpd."""

from __future__ import annotations

import asyncio
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from agent.collectors import CollectorContext
from agent.collectors.snmp.collector import SnmpCollector, SnmpConfig, Target
from agent.collectors.snmp.opener import Opener
from agent.collectors.snmp.session import Credentials
from hotspare import model
from tests.snmp_lab import COMMUNITY, V3, Snmpd

V3_USER, V3_AUTH, V3_AUTH_KEY, V3_PRIV, V3_PRIV_KEY = V3["sha256-aes"]
SECURITY = {
    "v2c": (["-v2c", "-c", COMMUNITY], Credentials("2c", community=COMMUNITY)),
    "v3 SHA-256/AES": (["-v3", "-l", "authPriv", "-u", V3_USER, "-a", V3_AUTH, "-A", V3_AUTH_KEY,
                        "-x", V3_PRIV, "-X", V3_PRIV_KEY],
                       Credentials("3", user=V3_USER, auth_protocol=V3_AUTH, auth_key=V3_AUTH_KEY,
                                   priv_protocol=V3_PRIV, priv_key=V3_PRIV_KEY)),
}


def _cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _cpu_children() -> float:
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def c_tool(address: str, root: str, security: str) -> tuple[int, float, float]:
    cpu0, t0 = _cpu_children(), time.perf_counter()
    out = subprocess.run(["snmpbulkwalk", *SECURITY[security][0], "-On", "-Cr25", address, root],
                         capture_output=True, text=True, timeout=120).stdout
    return len(out.splitlines()), time.perf_counter() - t0, _cpu_children() - cpu0


def ours(address: str, root: str, security: str) -> tuple[int, float, float]:
    """The whole job, as for the C tool: a fresh session (v3: keys, discovery) and the walk."""
    host, port = address.split(":")

    async def run() -> int:
        session = Opener().open(host, int(port), SECURITY[security][1], 2.0, 1, 25)
        return len(await session.walk(root, max_rows=100_000))

    cpu0, t0 = _cpu_self(), time.perf_counter()
    n = asyncio.run(run())
    return n, time.perf_counter() - t0, _cpu_self() - cpu0


def fleet(addresses: list[str], devices: int, security: str) -> tuple[float, float, int]:
    """One poll of `devices` targets spread over the daemons, ~20 OIDs each."""
    targets = []
    for i in range(devices):
        host, port = addresses[i % len(addresses)].split(":")
        targets.append(Target(host, int(port), SECURITY[security][1],
                              model.Asset(f"dev{i}", model.AssetKind.NETWORK), 5.0, 1,
                              ("system", "ucd-snmp")))
    coll = SnmpCollector(SnmpConfig(targets=tuple(targets), interval_seconds=10,
                                    timeout_seconds=9), CollectorContext("b", "h", lambda b: None))

    async def run() -> tuple[float, float, int]:
        await asyncio.gather(*(coll.poll(d) for d in coll.devices))  # discovery, not measured
        cpu0, t0 = _cpu_self(), time.perf_counter()
        readings = 0
        for _ in range(2):  # steady state: the polls between discoveries
            results = await asyncio.gather(*(coll.poll(d) for d in coll.devices))
            readings += sum(len(r.batch.readings) for r in results)
        return (time.perf_counter() - t0) / 2, (_cpu_self() - cpu0) / 2, readings // 2

    return asyncio.run(run())


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        daemons = [Snmpd(Path(tmp), f"snmpd{i}") for i in range(4)]
        try:
            address = daemons[0].address
            for security, root, label in (
                    (sec, root, f"{sec}, {label}") for sec in SECURITY
                    for root, label in (("1.3.6.1.2.1", "whole 1.3.6.1.2.1"),
                                        ("1.3.6.1.2.1.2.2.1", "ifTable (profile-sized)"))):
                c_n, c_s, c_cpu = c_tool(address, root, security)
                o_n, o_s, o_cpu = ours(address, root, security)
                print(f"{label}: snmpbulkwalk {c_n} OIDs in {c_s:.3f}s ({c_n / c_s:,.0f} OIDs/s,"
                      f" {1000 * c_cpu / max(c_n, 1):.4f} CPU s/1000 OIDs)")
                print(f"{label}: collector    {o_n} OIDs in {o_s:.3f}s ({o_n / o_s:,.0f} OIDs/s,"
                      f" {1000 * o_cpu / max(o_n, 1):.4f} CPU s/1000 OIDs)")
                if c_cpu > 0:
                    print(f"{label}: CPU per OID ratio collector/snmpbulkwalk "
                          f"{(o_cpu / o_n) / (c_cpu / c_n):.1f}x (target <= 10x)")
            for security in SECURITY:
                wall, cpu, readings = fleet([d.address for d in daemons], 200, security)
                print(f"{security}, 200 devices x ~20 OIDs: one cycle {wall:.2f}s wall, "
                      f"{cpu:.2f} CPU s, {readings} readings; every 10 s = "
                      f"{100 * cpu / 10:.1f}% of one core (target < 15%)")
        finally:
            for d in daemons:
                d.stop()


if __name__ == "__main__":
    main()
