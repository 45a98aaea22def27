"""Domain records shared by agent, controller and TUI: no protobuf, no I/O."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field


class Status(enum.IntEnum):
    """Health of a reading or asset; ordered so that max() is the worst."""

    OK = 1
    UNKNOWN = 2
    WARNING = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        return self.name.lower()


class ReadingKind(enum.Enum):
    """What a reading measures."""

    TEMPERATURE = "temperature"
    FAN = "fan"
    POWER = "power"
    VOLTAGE = "voltage"
    CURRENT = "current"
    CPU = "cpu"
    MEMORY = "memory"
    FILESYSTEM = "filesystem"
    BANDWIDTH = "bandwidth"
    DISK_HEALTH = "disk_health"
    STANDBY_ROLE = "standby_role"
    REPLICATION_LAG = "replication_lag"
    COLLECTOR_HEALTH = "collector_health"
    LOAD = "load"
    UPTIME = "uptime"
    PSU = "psu"
    HUMIDITY = "humidity"
    BATTERY = "battery"
    INTERFACE = "interface"
    REACHABILITY = "reachability"
    POWER_STATE = "power_state"
    DISK_ATTRIBUTE = "disk_attribute"
    ERROR_RATE = "error_rate"
    HEARTBEAT = "heartbeat"
    REDUNDANCY = "redundancy"
    INTRUSION = "intrusion"
    APP_HEALTH = "app_health"
    CONFIG_DIGEST = "config_digest"
    READINESS = "readiness"
    OTHER = "other"


class AssetKind(enum.Enum):
    """What sort of thing an asset is."""

    SERVER = "server"
    STORAGE = "storage"
    NETWORK = "network"
    UPS = "ups"
    PDU = "pdu"
    BMC = "bmc"
    DISK = "disk"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Location:
    """Where an asset stands."""

    site: str = ""
    room: str = ""
    rack: str = ""
    unit: str = ""


@dataclass(frozen=True, slots=True)
class Asset:
    """A monitored thing: a server, switch, UPS, BMC..."""

    asset_id: str
    kind: AssetKind
    name: str = ""
    vendor: str = ""
    model: str = ""
    serial: str = ""
    location: Location = field(default_factory=Location)
    parent_id: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    flags: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Component:
    """A replaceable part of an asset (disk, PSU, fan, board...), for inventory and spares."""

    component_id: str
    asset_id: str
    type: str
    vendor: str = ""
    model: str = ""
    part_number: str = ""
    serial: str = ""
    firmware: str = ""
    description: str = ""
    capacity_bytes: int = 0
    fru: bool = False
    parent_component_id: str = ""
    labels: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Reading:
    """One measurement of one sensor at one time; value None means discrete or no data."""

    asset_id: str
    sensor_id: str
    kind: ReadingKind
    value: float | None
    unit: str = ""
    status: Status = Status.OK
    reason: str = ""
    time_unix_ms: int = 0
    name: str = ""
    labels: dict[str, str] = field(default_factory=dict)

    def is_valid_value(self) -> bool:
        """True when the value is absent or a finite number."""
        return self.value is None or math.isfinite(self.value)


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened once: a SEL entry, a restart, a verdict change."""

    asset_id: str
    source_id: str
    time_unix_ms: int
    type: str
    severity: Status = Status.OK
    sensor: str = ""
    direction: str = ""
    description: str = ""
    attributes: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Gap:
    """Readings of one asset an agent dropped unsent (spool full or too old): what, when, why."""

    asset_id: str
    from_unix_ms: int
    to_unix_ms: int
    readings_dropped: int
    reason: str = ""


@dataclass(frozen=True, slots=True)
class Batch:
    """What a collector cycle produced; the stream packs several into one wire batch."""

    readings: tuple[Reading, ...] = ()
    events: tuple[Event, ...] = ()
    assets: tuple[Asset, ...] = ()
    components: tuple[Component, ...] = ()
    gaps: tuple[Gap, ...] = ()

    def __len__(self) -> int:
        return (len(self.readings) + len(self.events) + len(self.assets) + len(self.components)
                + len(self.gaps))


class PowerAction(enum.Enum):
    """Power commands a BMC can carry out."""

    STATUS = "status"
    ON = "on"
    OFF = "off"
    CYCLE = "cycle"


class CommandOutcome(enum.Enum):
    """How a command ended."""

    CONFIRMED = "confirmed"
    NOT_CONFIRMED = "not_confirmed"
    ERROR = "error"
    REFUSED = "refused"
    OK = "ok"


@dataclass(frozen=True, slots=True)
class Command:
    """An order from the controller for the agent that owns the asset."""

    command_id: str  # unique across restarts of controller and agent
    asset_id: str
    deadline_unix_ms: int  # wall clock, for display; the agent times out on timeout_seconds
    action: str  # "power", "fence", "promote", "demote"
    power_action: PowerAction | None = None
    group_id: str = ""
    group_epoch: int = 0  # fencing token: members refuse commands of an older epoch (S1)
    requested_by: str = ""
    timeout_seconds: float = 0.0  # from receipt, on the agent's monotonic clock; 0: deadline
    request_id: str = ""  # the switchover or drill this command is a step of (S6)
    fence_command_id: str = ""  # promote: the confirmed fence that makes it safe (S2)


@dataclass(frozen=True, slots=True)
class CommandResult:
    """What the agent reports after carrying out a command."""

    command_id: str
    asset_id: str
    outcome: CommandOutcome
    message: str = ""
    power_state: str = ""
    elapsed_seconds: float = 0.0
    finished_unix_ms: int = 0
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class AssetSummary:
    """An asset as the fleet view shows it."""

    asset: Asset
    worst_status: Status
    worst_reason: str
    last_seen_unix_ms: int
    agent_id: str
    agent_up: bool
    headline: tuple[Reading, ...] = ()
    alert_level: int = 0  # most severe firing alert level (1 worst); 0: none


@dataclass(frozen=True, slots=True)
class AssetDetail:
    """One asset with its latest readings, components and recent events."""

    summary: AssetSummary
    latest: tuple[Reading, ...]
    components: tuple[Component, ...]
    events: tuple[Event, ...]


class AlertState(enum.StrEnum):
    """Where an alert episode is in its life (compares equal to its stored string)."""

    PENDING = "pending"
    FIRING = "firing"
    RESOLVED = "resolved"


@dataclass(frozen=True, slots=True)
class AlertView:
    """An alert as clients see it: exactly the fields that cross the wire."""

    alert_id: str
    rule: str
    level: int
    asset_id: str
    sensor_id: str
    state: str
    started_ms: int
    summary: str = ""
    threshold: str = ""
    threshold_source: str = ""
    fired_ms: int = 0
    resolved_ms: int = 0
    last_value: float | None = None
    last_reading_ms: int = 0
    reason: str = ""
    no_data: bool = False
    acked_by: str = ""
    acked_ms: int = 0
    ack_comment: str = ""
    flapping: bool = False
    children: int = 0
    folded_into: str = ""
    held_reason: str = ""
    hint: str = ""  # what to check or do


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One stored value of a sensor."""

    time_unix_ms: int
    value: float | None
    status: Status
