"""Real Net-SNMP snmpd instances for tests, plus hostile and silent UDP peers."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

from tests.helpers import ROOT, free_port, wait_for

PASS_PERSIST = ROOT / "tests" / "fakes" / "pass_persist.py"
COMMUNITY = "lab-community-7"
V3 = {"sha-aes": ("hs-sha", "SHA", "auth-secret-11", "AES", "priv-secret-22"),
      "sha256-aes": ("hs-sha256", "SHA-256", "auth-secret-33", "AES", "priv-secret-44")}
# more v3 users: name -> (user, our auth, our privacy, Net-SNMP auth, Net-SNMP privacy, level)
V3_VARIANTS = {
    "sha512-aes256": ("hs-512", "SHA-512", "AES-256", "SHA-512", "AES256C", "authPriv"),
    "sha-aes256-reeder": ("hs-s256c", "SHA", "AES-256", "SHA", "AES256C", "authPriv"),
    "sha-aes256-blumenthal": ("hs-s256b", "SHA", "AES-256-BLUMENTHAL", "SHA", "AES256",
                              "authPriv"),
    "md5-aes192-blumenthal": ("hs-m192b", "MD5", "AES-192-BLUMENTHAL", "MD5", "AES192",
                              "authPriv"),
    "sha224-aes192": ("hs-224", "SHA-224", "AES-192", "SHA-224", "AES192", "authPriv"),
    "md5-des": ("hs-md5", "MD5", "DES", "MD5", "DES", "authPriv"),
    "sha384-auth-only": ("hs-384", "SHA-384", "NONE", "SHA-384", "", "authNoPriv"),
    "no-auth": ("hs-none", "NONE", "NONE", "", "", "noAuthNoPriv"),
}
_ROUSER_LEVEL = {"authPriv": "priv", "authNoPriv": "auth", "noAuthNoPriv": "noauth"}
VARIANT_AUTH_KEY, VARIANT_PRIV_KEY = "variant-auth-77", "variant-priv-88"
ENT_SENSOR = "1.3.6.1.2.1.99.1.1.1"
ENT_NAME = "1.3.6.1.2.1.47.1.1.1.1.7"


def sensor_table(inlet_celsius: int = 24, psu_ok: bool = True) -> dict[str, list[object]]:
    """ENTITY-SENSOR rows: 1 inlet temperature (celsius), 2 fan (rpm), 3 PSU (truthvalue)."""
    rows = {1: (8, 9, 0, inlet_celsius), 2: (10, 9, 0, 5400), 3: (12, 9, 0, 1 if psu_ok else 2)}
    data: dict[str, list[object]] = {}
    for index, (kind, scale, precision, value) in rows.items():
        data[f"{ENT_SENSOR}.1.{index}"] = ["integer", kind]
        data[f"{ENT_SENSOR}.2.{index}"] = ["integer", scale]
        data[f"{ENT_SENSOR}.3.{index}"] = ["integer", precision]
        data[f"{ENT_SENSOR}.4.{index}"] = ["integer", value]
        data[f"{ENT_SENSOR}.5.{index}"] = ["integer", 1]
    names = {1: "Inlet Temp", 2: "Fan Tray 1", 3: "PSU 1"}
    for index, name in names.items():
        data[f"{ENT_NAME}.{index}"] = ["string", name]
    return data


class Snmpd:
    """A private snmpd on 127.0.0.1 with v2c and v3 users and a pass_persist sensor table."""

    def __init__(self, workdir: Path, name: str = "snmpd") -> None:
        self.dir = workdir / name
        self.dir.mkdir(parents=True)
        self.port = free_port(socket.SOCK_DGRAM)
        self.sensors = self.dir / "sensors.json"
        self.set_sensors()
        users = "".join(
            f'createUser {u} {a} "{ak}" {p} "{pk}"\nrouser {u} priv\n'
            for u, a, ak, p, pk in V3.values())
        for user, _, _, auth, priv, level in V3_VARIANTS.values():
            keys = (f' {auth} "{VARIANT_AUTH_KEY}"' if auth else "") + \
                (f' {priv} "{VARIANT_PRIV_KEY}"' if priv else "")
            users += f"createUser {user}{keys}\nrouser {user} {_ROUSER_LEVEL[level]}\n"
        (self.dir / "snmpd.conf").write_text(
            f"rocommunity {COMMUNITY} 127.0.0.1\n{users}"
            f"pass_persist .{ENT_SENSOR} {sys.executable} {PASS_PERSIST} {self.sensors}\n"
            f"pass_persist .1.3.6.1.2.1.47 {sys.executable} {PASS_PERSIST} {self.sensors}\n")
        env = dict(os.environ, SNMP_PERSISTENT_DIR=str(self.dir / "persist"))
        log = (self.dir / "snmpd.log").open("ab")
        self.proc = subprocess.Popen(
            ["snmpd", "-f", "-C", "-c", str(self.dir / "snmpd.conf"), "-I", "-smux", "-m", "",
             "-Lf", str(self.dir / "snmpd.log"), f"udp:127.0.0.1:{self.port}"],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
        log.close()
        wait_for(self._ready, 15, 0.1, "snmpd answering")

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _ready(self) -> bool:
        if self.proc.poll() is not None:
            raise AssertionError((self.dir / "snmpd.log").read_text())
        return self.tool("snmpget", "1.3.6.1.2.1.1.3.0").returncode == 0

    def set_sensors(self, **kw: object) -> None:
        tmp = self.sensors.with_suffix(".tmp")
        tmp.write_text(json.dumps(sensor_table(**kw)))  # type: ignore[arg-type]
        tmp.replace(self.sensors)

    def tool(self, tool: str, *args: str, v3: str = "") -> subprocess.CompletedProcess[str]:
        if v3 in V3_VARIANTS:
            user, _, _, auth, priv, level = V3_VARIANTS[v3]
            auth_args = ["-v3", "-l", level, "-u", user]
            auth_args += ["-a", auth, "-A", VARIANT_AUTH_KEY] if auth else []
            auth_args += ["-x", priv, "-X", VARIANT_PRIV_KEY] if priv else []
        elif v3:
            user, auth, akey, priv, pkey = V3[v3]
            auth_args = ["-v3", "-l", "authPriv", "-u", user, "-a", auth, "-A", akey, "-x", priv,
                         "-X", pkey]
        else:
            auth_args = ["-v2c", "-c", COMMUNITY]
        return subprocess.run([tool, *auth_args, "-On", "-Oq", "-t", "2", "-r", "1", self.address,
                               *args], capture_output=True, text=True, timeout=30)

    def values(self, tool: str, *args: str, v3: str = "") -> dict[str, str]:
        out = {}
        for line in self.tool(tool, *args, v3=v3).stdout.splitlines():
            oid, _, value = line.partition(" ")
            out[oid.lstrip(".")] = value.strip().strip('"')
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


class UdpPeer:
    """A UDP socket on loopback that answers each request with `reply(data)` (None: silence)."""

    def __init__(self, reply: object) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.reply = reply
        self.requests = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                data, peer = self.sock.recvfrom(65535)
            except (TimeoutError, OSError):
                continue
            self.requests += 1
            answer = self.reply(data)  # type: ignore[operator]
            if answer is not None:
                self.sock.sendto(answer, peer)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self.sock.close()
