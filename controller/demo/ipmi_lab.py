"""Simulated BMCs: OpenIPMI's ipmi_sim on loopback with HotSpare's own SDR, FRU and chassis script."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from controller.demo.net import free_port

LAB = Path(__file__).resolve().parent / "data"
USER = "hsadmin"
PASSWORD = "lab-Secret-4711"


def _field(text: str) -> bytes:
    data = text.encode()
    return bytes([0xC0 | len(data)]) + data


def _area(body: bytes) -> bytes:
    body = body + b"\xc1"
    size = (len(body) + 3 + 7) // 8 * 8  # version, length and checksum bytes; multiple of 8
    area = bytes([0x01, size // 8]) + body
    area += b"\x00" * (size - len(area) - 1)
    return area + bytes([(-sum(area)) & 0xFF])


def fru_image(serial: str) -> bytes:
    """A standard IPMI FRU image with chassis, board and product areas."""
    chassis = _area(bytes([0x17]) + _field("CH-PN-100") + _field(f"CH-{serial}"))
    board = _area(bytes([0x00, 0x00, 0x00, 0x00]) + _field("Acme Boards") + _field("X99-Board")
                  + _field(f"BRD-{serial}") + _field("BRD-PN-7") + _field(""))
    product = _area(bytes([0x00]) + _field("Acme Servers") + _field("RackServer 2U")
                    + _field("RS2U-PN") + _field("1.0") + _field(serial) + _field("TAG-42")
                    + _field(""))
    offsets = [0, 1, 1 + len(chassis) // 8, 1 + (len(chassis) + len(board)) // 8, 0]
    header = bytes([0x01, *offsets, 0x00])
    header += bytes([(-sum(header)) & 0xFF])
    return header + chassis + board + product


class IpmiSim:
    """ipmi_sim with sensors read from files, chassis power through a script, a console."""

    def __init__(self, workdir: Path, name: str = "bmc1", serial: str = "SN0001") -> None:
        self.dir = (workdir / name).resolve()  # ipmi_sim runs with cwd=self.dir
        self.dir.mkdir(parents=True)
        self.name = name
        self.port = free_port(socket.SOCK_DGRAM)
        self.console_port = free_port(socket.SOCK_STREAM)
        self.values = {"temp": 45, "inlet": 25, "fan": 60, "power": 50}
        for key, value in self.values.items():
            (self.dir / f"{key}.val").write_text(f"{value}\n")
        self.power_file = self.dir / "power"
        self.power_file.write_text("1\n")
        state = self.dir / "state"
        (state / "ipmi_sim" / name).mkdir(parents=True)
        subprocess.run(["sdrcomp", "-o", str(state / "ipmi_sim" / name / "sdr.20.main"),
                        str(LAB / "lab.sdrs")], check=True, capture_output=True, timeout=30)
        script = self.dir / "chassis.sh"
        script.write_text(
            "#!/bin/sh\n# chassis control for ipmi_sim: power state in a file\n"
            f'f="{self.power_file}"\nop=$1; shift 1\n'
            'case $op in\n'
            '  get) for p in "$@"; do case $p in power) echo "power:$(cat "$f")";; '
            '*) echo "$p:0";; esac; done;;\n'
            '  set) while [ $# -gt 1 ]; do case $1 in power) echo "$2" > "$f"; '
            'echo "$(date +%s%3N) $2" >> "$f.log";; esac; '
            'shift 2; done;;\nesac\nexit 0\n')
        script.chmod(0o755)
        (self.dir / "lan.conf").write_text(
            f'name "{name}"\nset_working_mc 0x20\n  startlan 1\n'
            f"    addr 127.0.0.1 {self.port}\n    priv_limit admin\n"
            "    allowed_auths_callback md5\n    allowed_auths_user md5\n"
            "    allowed_auths_operator md5\n    allowed_auths_admin md5\n"
            "    guid a123456789abcdefa123456789abcdef\n  endlan\n"
            f'  chassis_control "{script}"\n'
            f'  user 2 true "{USER}" "{PASSWORD}" admin 10 md5\n'
            f"console 127.0.0.1 {self.console_port}\n")
        fru = " ".join(f"0x{b:02x}" for b in fru_image(serial))
        d = self.dir
        (self.dir / "sim.emu").write_text(
            "mc_setbmc 0x20\n"
            "mc_add 0x20 0 no-device-sdrs 0x23 9 8 0x9f 0x1291 0xf02 persist_sdr\n"
            "sel_enable 0x20 1000 0x0a\n"
            f'sensor_add 0x20 0 1 0x01 0x01 poll 200 file "{d}/temp.val"\n'
            "sensor_set_threshold 0x20 0 1 settable 111000 100 90 80 00 00 00\n"
            f'sensor_add 0x20 0 2 0x01 0x01 poll 200 file "{d}/inlet.val"\n'
            "sensor_set_threshold 0x20 0 2 settable 011000 00 45 40 00 00 00\n"
            f'sensor_add 0x20 0 3 0x04 0x01 poll 200 file "{d}/fan.val"\n'
            "sensor_set_threshold 0x20 0 3 settable 000011 00 00 00 00 5 10\n"
            f'sensor_add 0x20 0 4 0x03 0x01 poll 200 file "{d}/power.val"\n'
            "sensor_add 0x20 0 5 0x08 0x6f\nsensor_set_bit_clr_rest 0x20 0 5 0 1\n"
            "sensor_add 0x20 0 6 0x08 0x6f\nsensor_set_bit_clr_rest 0x20 0 6 0 1\n"
            f"mc_add_fru_data 0x20 0 {len(fru_image(serial))} data {fru}\n"
            "mc_enable 0x20\n")
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.port}"

    def start(self) -> None:
        log = (self.dir / "sim.log").open("ab")
        self.proc = subprocess.Popen(
            ["ipmi_sim", "-n", "-c", str(self.dir / "lan.conf"), "-f", str(self.dir / "sim.emu"),
             "-s", str(self.dir / "state")], stdout=log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL, cwd=self.dir)
        log.close()
        for _ in range(100):  # bounded: about 10 s
            if self.proc.poll() is not None:
                raise RuntimeError(f"ipmi_sim exited: {(self.dir / 'sim.log').read_text()}")
            if self.ipmitool("power", "status").returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"ipmi_sim {self.name} did not answer in time")

    def ipmitool(self, *args: str, password: str = PASSWORD) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            ["ipmitool", "-I", "lanplus", "-C", "3", "-H", "127.0.0.1", "-p", str(self.port),
             "-U", USER, "-P", password, *args], capture_output=True, text=True, timeout=20)

    def set(self, key: str, value: float) -> None:
        (self.dir / f"{key}.val").write_text(f"{value}\n")

    def console(self, *commands: str) -> str:
        """Run emulator commands on ipmi_sim's console (sensor_set_bit, sel_add, ...)."""
        out = b""
        with socket.create_connection(("127.0.0.1", self.console_port), timeout=5) as s:
            time.sleep(0.1)
            for command in commands:
                s.sendall(command.encode() + b"\n")
                time.sleep(0.15)
            s.settimeout(0.5)
            try:
                while chunk := s.recv(4096):
                    out += chunk
            except TimeoutError:
                pass
        return out.decode(errors="replace")

    def power(self) -> str:
        return "on" if self.power_file.read_text().strip() == "1" else "off"

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def cleanup(self) -> None:
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Lab:
    """BMCs for the demo agent: its TOML fragment and how to stop them."""

    sims: list[IpmiSim] = field(default_factory=list)
    agent_toml: str = ""

    def stop(self) -> None:
        for sim in self.sims:
            sim.stop()


DEMO_SERVERS = ("rack1-server1", "rack1-server2")


def start_lab(workdir: Path, names: tuple[str, ...] = DEMO_SERVERS) -> Lab:
    """Simulated BMCs, one per server, each in workdir/<asset>/ (power state in its `power` file).

    Needs ipmi_sim, sdrcomp and ipmitool from Debian.
    """
    for tool in ("ipmi_sim", "sdrcomp", "ipmitool"):
        if shutil.which(tool) is None:
            raise RuntimeError(f"{tool} is not installed (apt-get install openipmi ipmitool)")
    workdir.mkdir(parents=True, exist_ok=True)
    secrets = workdir / "bmc-secrets.toml"
    secrets.write_text(f'[lab]\npassword = "{PASSWORD}"\n')
    secrets.chmod(0o600)
    lab = Lab()
    for i, name in enumerate(names, start=1):
        if (workdir / name).exists():
            shutil.rmtree(workdir / name)
        sim = IpmiSim(workdir, name, f"DEMO{i:04d}")
        sim.set("temp", 40 + 12 * i)
        lab.sims.append(sim)
        lab.agent_toml += (
            f'[[collectors.ipmi.bmcs]]\naddress = "{sim.address}"\nuser = "{USER}"\n'
            f'secrets_file = "{secrets}"\npassword_key = "lab.password"\n'
            f'asset = "{name}"\nrack = "rack1"\nunit = "{10 * i}"\nsite = "demo"\n')
    lab.agent_toml = (f"[collectors.ipmi]\ninterval_seconds = 5\ntimeout_seconds = 5\n"
                      f'state_dir = "{workdir / "state"}"\n') + lab.agent_toml
    return lab
