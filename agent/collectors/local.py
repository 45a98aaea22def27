"""Local host readings from psutil: CPU, memory, filesystems, NIC bandwidth, sensors, load."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import psutil

from agent.collectors import CollectorConfig, CollectorContext, parse_common
from hotspare import model
from hotspare.threads import run_blocking
from hotspare.tomlconf import Section

K = model.ReadingKind
S = model.Status

# PRODUCT.md defaults (normal range / alert at); the rules engine may override later.
CPU_WARN_PERCENT = 80.0
MEMORY_WARN_PERCENT = 85.0
BANDWIDTH_WARN_PERCENT = 70.0
FILESYSTEM_WARN_PERCENT = 85.0
FILESYSTEM_CRIT_PERCENT = 95.0

_PSEUDO_FS = {
    "proc", "sysfs", "tmpfs", "devtmpfs", "devpts", "overlay", "squashfs", "cgroup", "cgroup2",
    "nsfs", "autofs", "mqueue", "debugfs", "tracefs", "securityfs", "pstore", "bpf", "fusectl",
    "configfs", "hugetlbfs", "ramfs", "binfmt_misc", "efivarfs", "rpc_pipefs",
}


@dataclass(frozen=True, slots=True)
class LocalConfig(CollectorConfig):
    """Settings of the local collector."""

    include_loopback: bool = False
    filesystems: tuple[str, ...] = ()  # empty: every real mounted filesystem
    nics: tuple[str, ...] = ()  # empty: every NIC that is up; listed NICs are watched when down


def parse_config(section: Section) -> LocalConfig:
    common = parse_common(section, interval=10.0, timeout=5.0)
    cfg = LocalConfig(
        include_loopback=section.bool("include_loopback", False),
        filesystems=tuple(section.str_list("filesystems")),
        nics=tuple(section.str_list("nics")),
        **common,
    )
    section.finish()
    return cfg


def threshold_status(value: float, warn: float, crit: float | None = None) -> tuple[model.Status, str]:
    """Status and reason of a percentage against warning/critical limits."""
    if crit is not None and value >= crit:
        return S.CRITICAL, f"{value:.1f}% >= critical {crit:g}% (default)"
    if value >= warn:
        return S.WARNING, f"{value:.1f}% >= warning {warn:g}% (default)"
    return S.OK, ""


def throughput_bits_per_second(
    prev_bytes: tuple[int, int], now_bytes: tuple[int, int], seconds: float
) -> float | None:
    """Bit rate of the busier direction; None across a counter reset or wrap (no absurd rate)."""
    if seconds <= 0:
        return None
    deltas = [now - prev for prev, now in zip(prev_bytes, now_bytes, strict=True)]
    if any(d < 0 for d in deltas):
        return None
    return max(deltas) * 8 / seconds


def bandwidth_percent(
    prev_bytes: tuple[int, int], now_bytes: tuple[int, int], seconds: float, speed_mbps: float
) -> float | None:
    """Utilisation % of the busier direction; None when it cannot be computed honestly."""
    rate = throughput_bits_per_second(prev_bytes, now_bytes, seconds)
    if rate is None or speed_mbps <= 0:
        return None
    return min(100.0, rate / (speed_mbps * 1_000_000) * 100.0)


@dataclass
class _NicSample:
    time_s: float
    bytes_rx_tx: tuple[int, int]


@dataclass
class LocalCollector:
    """Reads the machine the agent runs on."""

    config: LocalConfig
    context: CollectorContext
    name: str = "local"
    _nics: dict[str, _NicSample] = field(default_factory=dict)

    def __post_init__(self) -> None:
        psutil.cpu_percent(interval=None)  # prime: the first call always returns 0.0

    async def collect(self) -> model.Batch:
        return await run_blocking(self._collect_sync)

    async def close(self) -> None:
        return None

    def _reading(
        self, sensor_id: str, kind: model.ReadingKind, value: float | None, unit: str, **kw: object
    ) -> model.Reading:
        return model.Reading(
            asset_id=self.context.host_asset_id,
            sensor_id=sensor_id,
            kind=kind,
            value=value,
            unit=unit,
            time_unix_ms=self.context.wall_clock_ms(),
            name=str(kw.pop("name", sensor_id)),
            **kw,  # type: ignore[arg-type]
        )

    def _collect_sync(self) -> model.Batch:
        out: list[model.Reading] = []
        cpu = psutil.cpu_percent(interval=None)
        status, reason = threshold_status(cpu, CPU_WARN_PERCENT)
        out.append(self._reading("cpu", K.CPU, cpu, "%", status=status, reason=reason, name="CPU"))
        mem = psutil.virtual_memory().percent
        status, reason = threshold_status(mem, MEMORY_WARN_PERCENT)
        out.append(
            self._reading("memory", K.MEMORY, mem, "%", status=status, reason=reason, name="Memory")
        )
        out.extend(self._filesystems())
        out.extend(self._nics_readings())
        out.extend(self._sensors())
        load1, _, _ = os.getloadavg()
        out.append(self._reading("load1", K.LOAD, load1, "", name="Load (1 min)"))
        uptime = time.time() - psutil.boot_time()
        out.append(self._reading("uptime", K.UPTIME, uptime, "s", name="Uptime"))
        return model.Batch(readings=tuple(out))

    def _filesystems(self) -> list[model.Reading]:
        out = []
        seen: set[str] = set()
        for part in psutil.disk_partitions(all=False):
            if part.fstype in _PSEUDO_FS or part.mountpoint in seen:
                continue
            if self.config.filesystems and part.mountpoint not in self.config.filesystems:
                continue
            seen.add(part.mountpoint)
            sensor = f"fs:{part.mountpoint}"
            try:
                usage = psutil.disk_usage(part.mountpoint)
            except OSError as exc:
                out.append(
                    self._reading(sensor, K.FILESYSTEM, None, "%", status=S.UNKNOWN,
                                  reason=f"cannot stat: {exc.strerror or exc}")
                )
                continue
            status, reason = threshold_status(
                usage.percent, FILESYSTEM_WARN_PERCENT, FILESYSTEM_CRIT_PERCENT
            )
            out.append(
                self._reading(sensor, K.FILESYSTEM, usage.percent, "%", status=status,
                              reason=reason, name=f"Filesystem {part.mountpoint}",
                              labels={"device": part.device, "fstype": part.fstype})
            )
        return out

    def _nics_readings(self) -> list[model.Reading]:
        out = []
        now = time.monotonic()
        counters = psutil.net_io_counters(pernic=True)
        stats = psutil.net_if_stats()
        for nic, c in counters.items():
            st = stats.get(nic)
            if st is None or (nic == "lo" and not self.config.include_loopback):
                continue
            watched = nic in self.config.nics
            if self.config.nics and not watched:
                continue
            if not st.isup and not watched:
                continue  # unconfigured NICs that are down (virtual, unused) are not monitored
            sample = _NicSample(now, (c.bytes_recv, c.bytes_sent))
            prev = self._nics.get(nic)
            self._nics[nic] = sample
            if prev is None:
                continue  # first sample: no rate yet
            sensor = f"nic:{nic}"
            if not st.isup:
                out.append(self._reading(sensor, K.BANDWIDTH, None, "%", status=S.CRITICAL,
                                         reason="link down", name=f"NIC {nic}"))
                continue
            seconds = now - prev.time_s
            if st.speed <= 0:  # virtual NICs expose no speed: report throughput, not a guess
                rate = throughput_bits_per_second(prev.bytes_rx_tx, sample.bytes_rx_tx, seconds)
                if rate is not None:
                    out.append(self._reading(sensor, K.BANDWIDTH, rate, "bit/s",
                                             name=f"NIC {nic}",
                                             labels={"speed_mbps": "unknown"}))
                continue
            pct = bandwidth_percent(prev.bytes_rx_tx, sample.bytes_rx_tx, seconds, float(st.speed))
            if pct is None:  # counter reset or wrap: skip this cycle rather than invent a rate
                continue
            status, reason = threshold_status(pct, BANDWIDTH_WARN_PERCENT)
            out.append(self._reading(sensor, K.BANDWIDTH, pct, "%", status=status, reason=reason,
                                     name=f"NIC {nic}", labels={"speed_mbps": str(st.speed)}))
        return out

    def _sensors(self) -> list[model.Reading]:
        out = []
        temps_fn = getattr(psutil, "sensors_temperatures", None)
        temps = temps_fn() if temps_fn else {}
        for chip, entries in temps.items():
            for i, t in enumerate(entries):
                label = t.label or f"{chip}{i}"
                status, reason = S.OK, ""
                if t.critical and t.current >= t.critical:
                    status, reason = S.CRITICAL, f"{t.current:.1f} >= critical {t.critical:g} (OS)"
                elif t.high and t.current >= t.high:
                    status, reason = S.WARNING, f"{t.current:.1f} >= high {t.high:g} (OS)"
                out.append(self._reading(f"temp:{chip}:{label}", K.TEMPERATURE, t.current, "C",
                                         status=status, reason=reason, name=f"{chip} {label}"))
        fans_fn = getattr(psutil, "sensors_fans", None)
        fans = fans_fn() if fans_fn else {}
        for chip, entries in fans.items():
            for i, f in enumerate(entries):
                label = f.label or f"{chip}{i}"
                out.append(self._reading(f"fan:{chip}:{label}", K.FAN, float(f.current), "RPM",
                                         name=f"{chip} {label}"))
        return out


def build(config: LocalConfig, context: CollectorContext) -> LocalCollector:
    return LocalCollector(config, context)
