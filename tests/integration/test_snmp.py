"""SNMP against real Net-SNMP snmpd instances, a hostile responder and a silent device."""

from __future__ import annotations

import asyncio
import dataclasses
import socket
import statistics
import time

import pytest

from agent.collectors import CollectorContext
from agent.collectors.snmp.collector import SnmpCollector, SnmpConfig, Target
from agent.collectors.snmp.opener import Opener
from agent.collectors.snmp.session import Credentials, SnmpError
from hotspare import model
from tests.helpers import cli, cli_json, wait_for
from tests.snmp_lab import (
    COMMUNITY,
    V3,
    V3_VARIANTS,
    VARIANT_AUTH_KEY,
    VARIANT_PRIV_KEY,
    Snmpd,
    UdpPeer,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def snmpd(tmp_path):
    daemon = Snmpd(tmp_path)
    yield daemon
    daemon.stop()


def _creds(kind: str) -> Credentials:
    if kind == "v2c":
        return Credentials("2c", community=COMMUNITY)
    user, auth, akey, priv, pkey = V3[kind]
    return Credentials("3", user=user, auth_protocol=auth, auth_key=akey, priv_protocol=priv,
                       priv_key=pkey)


def _target(address: str, creds: Credentials, asset: str, timeout: float = 1.0) -> Target:
    host, port = address.split(":")
    return Target(host, int(port), creds, model.Asset(asset, model.AssetKind.NETWORK), timeout, 0)


def _collector(*targets: Target, timeout: float = 5.0) -> tuple[SnmpCollector, list[model.Batch]]:
    emitted: list[model.Batch] = []
    config = SnmpConfig(targets=targets, interval_seconds=timeout, timeout_seconds=timeout)
    return SnmpCollector(config, CollectorContext("t", "h", emitted.append)), emitted


@pytest.mark.parametrize("kind", ["v2c", "sha-aes", "sha256-aes"])
def test_snmp_values_match_net_snmp_tools(snmpd, kind):
    coll, _ = _collector(_target(snmpd.address, _creds(kind), "box"))
    result = asyncio.run(coll.poll(coll.devices[0]))
    assert {"if-mib", "host-resources", "entity-sensor-mib", "system"} <= set(result.profiles)
    got = {r.sensor_id: r for r in result.batch.readings}
    v3 = "" if kind == "v2c" else kind
    descr = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.2.2.1.2", v3=v3)
    oper = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.2.2.1.8", v3=v3)
    admin = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.2.2.1.7", v3=v3)
    checked = 0
    for oid, name in descr.items():
        index = oid.rsplit(".", 1)[1]
        if admin[f"1.3.6.1.2.1.2.2.1.7.{index}"] not in ("1", "up"):
            assert f"if:{name}:status" not in got  # administratively down: not monitored
            continue
        raw = oper[f"1.3.6.1.2.1.2.2.1.8.{index}"]
        value = {"up": 1, "down": 2}.get(raw) or int(raw)
        assert got[f"if:{name}:status"].value == value
        checked += 1
    assert checked >= 1
    sizes = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.25.2.3.1.5", v3=v3)
    used = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.25.2.3.1.6", v3=v3)
    names = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.25.2.3.1.3", v3=v3)
    root = next(o.rsplit(".", 1)[1] for o, n in names.items() if n == "/")
    expected = 100 * int(used[f"1.3.6.1.2.1.25.2.3.1.6.{root}"]) / int(
        sizes[f"1.3.6.1.2.1.25.2.3.1.5.{root}"])
    assert got["hr:storage:/"].value == pytest.approx(expected, abs=0.5)
    assert got["ent:1:temperature"].value == 24 and got["ent:1:temperature"].name == "Inlet Temp"
    assert got["snmp:reachability"].status is model.Status.OK


SECRETS = """
community = "{community}"
[v3]
auth = "{akey}"
priv = "{pkey}"
wrong = "not-the-auth-key-9"
"""


def test_snmp_agent_sees_sensor_changes_and_auth_failure(tmp_path, snmpd, running_controller,
                                                          start_agent):
    user, auth, akey, priv, pkey = V3["sha256-aes"]
    secrets = tmp_path / "snmp-secrets.toml"
    secrets.write_text(SECRETS.format(community=COMMUNITY, akey=akey, pkey=pkey))
    secrets.chmod(0o600)
    config = f"""
[agent]
id = "snmp-poller"
[agent.asset]
id = "poller"
[agent.stream]
flush_interval_seconds = 0.2
[collectors.local]
enabled = false
[collectors.snmp]
interval_seconds = 1
timeout_seconds = 1
[[collectors.snmp.targets]]
address = "{snmpd.address}"
version = "3"
user = "{user}"
auth_protocol = "{auth}"
priv_protocol = "{priv}"
secrets_file = "{secrets}"
auth_key = "v3.auth"
priv_key = "v3.priv"
asset = "core-switch"
rack = "r2"
timeout_seconds = 0.5
retries = 0
[[collectors.snmp.targets]]
address = "{snmpd.address}"
version = "3"
user = "{user}"
auth_protocol = "{auth}"
secrets_file = "{secrets}"
auth_key = "v3.wrong"
priv_key = "v3.priv"
asset = "wrong-key"
timeout_seconds = 0.5
retries = 0
[[collectors.snmp.targets]]
address = "{snmpd.address}"
version = "2c"
secrets_file = "{secrets}"
community_key = "community"
allow_insecure = "legacy switch, v3 not supported"
asset = "old-switch"
timeout_seconds = 0.5
retries = 0
"""
    addr = running_controller.address
    agent = start_agent(addr, config)

    def readings(asset):
        try:
            return {r["sensor_id"]: r for r in cli_json("readings", asset, "--controller",
                                                        addr)["readings"]}
        except AssertionError:
            return {}

    got = wait_for(lambda: (r := readings("core-switch")) and "ent:3:state" in r and r, 20, 0.3,
                   "switch readings")
    assert got["ent:1:temperature"]["value"] == 24 and got["ent:3:state"]["status"] == "ok"
    snmpd.set_sensors(inlet_celsius=95, psu_ok=False)

    def changed():
        r = readings("core-switch")
        return r if r["ent:1:temperature"]["value"] == 95 else None

    got = wait_for(changed, 10, 0.3, "the new temperature")
    assert got["ent:1:temperature"]["status"] == "critical"
    assert got["ent:3:state"]["status"] == "critical" and "failed" in got["ent:3:state"]["reason"]
    bad = wait_for(lambda: readings("wrong-key").get("snmp:reachability"), 10, 0.3, "bad device")
    assert bad["status"] == "critical" and bad["reason"].startswith("auth_failed")
    old = wait_for(lambda: readings("old-switch").get("snmp:reachability"), 10, 0.3, "v2c device")
    assert old["status"] == "ok"
    assets = {a["asset_id"]: a for a in cli_json("assets", "--controller", addr)["assets"]}
    assert "insecure_transport" in assets["old-switch"]["flags"]
    assert "insecure_transport" not in assets["core-switch"]["flags"]
    assert assets["core-switch"]["location"]["rack"] == "r2"
    assert "allowed because" in agent.log() and akey not in agent.log()
    # the scheduler times the real cycle (the polls, not just starting them) and reports it
    health = readings("poller")["collector:snmp"]
    assert health["labels"]["devices_total"] == "3" and health["value"] > 0.001
    assert int(health["labels"]["devices_polled"]) + int(
        health["labels"]["devices_backing_off"]) + int(health["labels"]["devices_skipped"]) == 3


def _garbage(data: bytes) -> bytes:
    return b"\x30\x82\xff\xff\x02\x01" + data[:5]


def _truncated(data: bytes) -> bytes:
    return data[: len(data) // 2]


def test_snmp_hostile_peers_are_marked_bad_and_the_rest_carries_on(snmpd):
    peers = [UdpPeer(_garbage), UdpPeer(_truncated), UdpPeer(lambda data: b"")]
    try:
        targets = [_target(snmpd.address, _creds("v2c"), "good")] + [
            _target(p.address, _creds("v2c"), f"hostile{i}", timeout=0.3)
            for i, p in enumerate(peers)]
        coll, _ = _collector(*targets, timeout=3)

        async def run():
            return await asyncio.gather(*(coll.poll(d) for d in coll.devices))

        results = asyncio.run(run())
        good = {r.sensor_id: r for r in results[0].batch.readings}
        assert good["snmp:reachability"].status is model.Status.OK
        for result in results[1:]:
            reach = next(r for r in result.batch.readings if r.sensor_id == "snmp:reachability")
            assert reach.status is model.Status.CRITICAL
            # garbage is not silence: the device is bad, with what was wrong and where
            assert reach.reason.startswith("bad: malformed response"), reach.reason
            assert "byte" in reach.reason
        assert all(p.requests >= 1 for p in peers)
    finally:
        for p in peers:
            p.stop()


def test_snmp_wrong_types_and_missing_values_are_per_reading(snmpd):
    snmpd.sensors.write_text(snmpd.sensors.read_text().replace(
        '"1.3.6.1.2.1.99.1.1.1.4.2": ["integer", 5400]',
        '"1.3.6.1.2.1.99.1.1.1.4.2": ["string", "fast"]'))
    coll, _ = _collector(_target(snmpd.address, _creds("v2c"), "box"))
    result = asyncio.run(coll.poll(coll.devices[0]))
    got = {r.sensor_id: r for r in result.batch.readings}
    assert got["ent:2:fan"].status is model.Status.UNKNOWN and "bad value" in got["ent:2:fan"].reason
    assert got["ent:1:temperature"].status is model.Status.OK  # the rest carries on
    assert any("ent:2:fan" in p for p in result.problems)


def test_snmp_blackholed_device_does_not_slow_healthy_ones(snmpd):
    silent = UdpPeer(lambda data: None)
    try:
        healthy = [_target(snmpd.address, _creds("v2c"), f"sw{i}") for i in range(6)]

        def cycle_seconds(targets):
            coll, emitted = _collector(*targets, timeout=4)

            async def run():
                times = []
                for _ in range(5):  # bounded: five cycles each, the median is compared
                    emitted.clear()
                    started = time.monotonic()
                    # the cycle lasts until every poll ends; healthy batches come out before
                    cycle = asyncio.ensure_future(coll.collect())
                    for _ in range(400):  # bounded wait for the healthy devices' batches
                        if len(emitted) >= len(healthy):
                            break
                        await asyncio.sleep(0.005)
                    times.append(time.monotonic() - started)
                    await cycle
                    await asyncio.sleep(0.1)
                await asyncio.sleep(0)
                return times

            return asyncio.run(run())

        baseline_times = cycle_seconds(healthy)
        faulty_times = cycle_seconds([*healthy, _target(silent.address, _creds("v2c"), "dead",
                                                        2.0)])
        baseline, faulty = statistics.median(baseline_times), statistics.median(faulty_times)
        assert faulty <= 1.2 * baseline + 0.05, (baseline_times, faulty_times)
        assert silent.requests >= 1
    finally:
        silent.stop()


def test_snmp_restart_and_counter_wrap_never_give_absurd_rates():
    from agent.collectors.snmp import interpret

    state = interpret.CounterState()
    assert state.rate("k", 0.0, 1000, False) is None
    assert state.rate("k", 10.0, 2000, False) == 100.0
    assert state.rate("k", 20.0, 10, False) is None  # went backwards: wrap or reset
    assert state.rate("k", 30.0, 1010, True) is None  # the device restarted
    assert state.rate("k", 40.0, 2010, False) == 100.0


def test_snmp_probe_cli(snmpd, tmp_path):
    community = tmp_path / "community"
    community.write_text(COMMUNITY + "\n")
    community.chmod(0o600)
    v2c = ("--version", "2c", "--allow-insecure", "--community-file", str(community))
    proc = cli("snmp", "probe", snmpd.address, *v2c, "--json")
    assert proc.returncode == 0, proc.stderr
    import json

    doc = json.loads(proc.stdout)
    assert doc["reachable"] and "if-mib" in doc["profiles"]
    assert any(r["sensor_id"] == "ent:1:temperature" for r in doc["readings"])
    pinned = cli("snmp", "probe", snmpd.address, *v2c, "--profile", "system", "--json")
    assert json.loads(pinned.stdout)["profiles"] == ["system"]
    user, auth, akey, priv, pkey = V3["sha-aes"]
    secrets = tmp_path / "s.toml"
    secrets.write_text(f'auth_key = "{akey}"\npriv_key = "{pkey}"\n')
    secrets.chmod(0o600)
    v3 = cli("snmp", "probe", snmpd.address, "--user", user, "--auth-protocol", auth,
             "--priv-protocol", priv, "--secrets", str(secrets))
    assert v3.returncode == 0 and "profiles:" in v3.stdout
    assert akey not in v3.stdout + v3.stderr


@pytest.mark.parametrize("variant", sorted(V3_VARIANTS))
def test_snmp_v3_variants_read_what_net_snmp_reads(snmpd, variant):
    """Every auth and privacy protocol (and security level) against the C tools, same user."""
    user, auth, priv, _, _, _ = V3_VARIANTS[variant]
    creds = Credentials("3", user=user, auth_protocol=auth,
                        auth_key=VARIANT_AUTH_KEY if auth != "NONE" else "",
                        priv_protocol=priv, priv_key=VARIANT_PRIV_KEY if priv != "NONE" else "")
    session = Opener().open(*_host_port(snmpd.address), creds, 1.0, 1)
    walked = asyncio.run(session.walk("1.3.6.1.2.1.2.2.1.2"))
    expected = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.2.2.1.2", v3=variant)
    assert expected and walked == expected


def test_snmp_v3_wrong_keys_and_users_are_auth_failed_or_named(snmpd):
    user, auth, akey, priv, pkey = V3["sha-aes"]

    async def attempt(**changes):
        fields = {"user": user, "auth_protocol": auth, "auth_key": akey, "priv_protocol": priv,
                  "priv_key": pkey, **changes}
        session = Opener().open(*_host_port(snmpd.address), Credentials("3", **fields), 0.3, 0)
        with pytest.raises(SnmpError) as caught:
            await session.get(["1.3.6.1.2.1.1.5.0"])
        return caught.value

    wrong_auth = asyncio.run(attempt(auth_key="not-the-key-1"))
    assert wrong_auth.kind == "auth_failed" and "wrong digest" in str(wrong_auth)
    unknown = asyncio.run(attempt(user="nobody-here"))
    assert unknown.kind == "auth_failed" and "unknown user" in str(unknown)
    level = asyncio.run(attempt(user=V3_VARIANTS["sha384-auth-only"][0], auth_protocol="SHA-384",
                                auth_key=VARIANT_AUTH_KEY))  # asks for privacy it does not have
    assert level.kind == "auth_failed" and "security level" in str(level)
    wrong_priv = asyncio.run(attempt(priv_key="not-the-priv-2"))  # snmpd drops it silently
    assert wrong_priv.kind == "unreachable" and "privacy key" in str(wrong_priv)


def _host_port(address: str) -> tuple[str, int]:
    host, port = address.split(":")
    return host, int(port)


def test_snmp_v3_forged_answers_fail_hmac_and_are_marked_bad(snmpd):
    """A relay that corrupts the agent's authenticated answers: never accepted as data."""
    host, port = _host_port(snmpd.address)
    upstream = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    upstream.settimeout(1.0)

    def corrupt(data: bytes) -> bytes | None:
        upstream.sendto(data, (host, port))
        try:
            answer = upstream.recv(65535)
        except TimeoutError:
            return None
        # the last byte: a counter's value in the discovery report (harmless), ciphertext in
        # the authenticated answer (its HMAC no longer matches)
        return answer[:-1] + bytes([answer[-1] ^ 0x01])

    relay = UdpPeer(corrupt)
    try:
        user, auth, akey, priv, pkey = V3["sha256-aes"]
        creds = Credentials("3", user=user, auth_protocol=auth, auth_key=akey,
                            priv_protocol=priv, priv_key=pkey)
        session = Opener().open(*_host_port(relay.address), creds, 0.5, 0)
        with pytest.raises(SnmpError) as caught:
            asyncio.run(session.get(["1.3.6.1.2.1.1.5.0"]))
        assert caught.value.kind == "bad" and "HMAC" in str(caught.value)
        assert relay.requests >= 2  # discovery went through; the data answer was refused
    finally:
        relay.stop()
        upstream.close()


def test_snmp_v2c_wrong_community_is_auth_failed_and_silence_stays_unreachable(snmpd):
    silent = UdpPeer(lambda data: None)
    try:
        wrong = _target(snmpd.address, Credentials("2c", community="not-the-community"), "wrong")
        dead = _target(silent.address, _creds("v2c"), "dead")
        coll, _ = _collector(wrong, dead, timeout=5)

        async def run():
            return await asyncio.gather(*(coll.poll(d) for d in coll.devices))

        results = asyncio.run(run())
        reach = [next(r for r in res.batch.readings if r.sensor_id == "snmp:reachability")
                 for res in results]
        assert reach[0].reason.startswith("auth_failed") and "community" in reach[0].reason
        assert reach[1].reason.startswith("unreachable")  # silent to v2c and to v3 discovery
        assert silent.requests >= 2  # the v2c request and the discovery probe
    finally:
        silent.stop()


def test_snmp_storage_read_only_filesystems_and_per_target_patterns_on_net_snmp(snmpd):
    """Against snmpd's own hrStorage and hrFSTable, as snmpbulkwalk reads them."""
    names = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.25.2.3.1.3")
    access = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.25.3.8.1.5")
    storage_of = snmpd.values("snmpbulkwalk", "1.3.6.1.2.1.25.3.8.1.7")
    read_only = {names[f"1.3.6.1.2.1.25.2.3.1.3.{storage_of[o.replace('.8.1.5.', '.8.1.7.')]}"]
                 for o, v in access.items() if v in ("2", "readOnly")}
    mounts = set(names.values())
    assert "/" in mounts and "/dev/shm" in mounts, mounts
    coll, _ = _collector(_target(snmpd.address, _creds("v2c"), "host"))
    got = {r.sensor_id for r in asyncio.run(coll.poll(coll.devices[0])).batch.readings}
    assert "hr:storage:/" in got and "hr:storage:/dev/shm" not in got  # a pseudo filesystem
    assert not {f"hr:storage:{m}" for m in read_only} & got  # read-only: hrFSAccess joined
    tailored = dataclasses.replace(_target(snmpd.address, _creds("v2c"), "host"),
                                   storage_exclude=("^/$",), storage_include=("^/dev/shm$",))
    coll, _ = _collector(tailored)
    by_id = {r.sensor_id: r for r in asyncio.run(coll.poll(coll.devices[0])).batch.readings}
    assert "hr:storage:/" not in by_id
    shm = next(o.rsplit(".", 1)[1] for o, n in names.items() if n == "/dev/shm")
    size = int(snmpd.values("snmpget", f"1.3.6.1.2.1.25.2.3.1.5.{shm}")
               [f"1.3.6.1.2.1.25.2.3.1.5.{shm}"])
    used = int(snmpd.values("snmpget", f"1.3.6.1.2.1.25.2.3.1.6.{shm}")
               [f"1.3.6.1.2.1.25.2.3.1.6.{shm}"])
    expected = 100 * used / size if size else None
    assert by_id["hr:storage:/dev/shm"].value == pytest.approx(expected, abs=0.5)
