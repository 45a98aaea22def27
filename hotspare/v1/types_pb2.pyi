from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Status(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    STATUS_UNSPECIFIED: _ClassVar[Status]
    STATUS_OK: _ClassVar[Status]
    STATUS_WARNING: _ClassVar[Status]
    STATUS_CRITICAL: _ClassVar[Status]
    STATUS_UNKNOWN: _ClassVar[Status]

class ReadingKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    READING_KIND_UNSPECIFIED: _ClassVar[ReadingKind]
    READING_KIND_TEMPERATURE: _ClassVar[ReadingKind]
    READING_KIND_FAN: _ClassVar[ReadingKind]
    READING_KIND_POWER: _ClassVar[ReadingKind]
    READING_KIND_VOLTAGE: _ClassVar[ReadingKind]
    READING_KIND_CURRENT: _ClassVar[ReadingKind]
    READING_KIND_CPU: _ClassVar[ReadingKind]
    READING_KIND_MEMORY: _ClassVar[ReadingKind]
    READING_KIND_FILESYSTEM: _ClassVar[ReadingKind]
    READING_KIND_BANDWIDTH: _ClassVar[ReadingKind]
    READING_KIND_DISK_HEALTH: _ClassVar[ReadingKind]
    READING_KIND_STANDBY_ROLE: _ClassVar[ReadingKind]
    READING_KIND_REPLICATION_LAG: _ClassVar[ReadingKind]
    READING_KIND_COLLECTOR_HEALTH: _ClassVar[ReadingKind]
    READING_KIND_LOAD: _ClassVar[ReadingKind]
    READING_KIND_UPTIME: _ClassVar[ReadingKind]
    READING_KIND_PSU: _ClassVar[ReadingKind]
    READING_KIND_HUMIDITY: _ClassVar[ReadingKind]
    READING_KIND_BATTERY: _ClassVar[ReadingKind]
    READING_KIND_INTERFACE: _ClassVar[ReadingKind]
    READING_KIND_REACHABILITY: _ClassVar[ReadingKind]
    READING_KIND_POWER_STATE: _ClassVar[ReadingKind]
    READING_KIND_DISK_ATTRIBUTE: _ClassVar[ReadingKind]
    READING_KIND_ERROR_RATE: _ClassVar[ReadingKind]
    READING_KIND_HEARTBEAT: _ClassVar[ReadingKind]
    READING_KIND_REDUNDANCY: _ClassVar[ReadingKind]
    READING_KIND_INTRUSION: _ClassVar[ReadingKind]
    READING_KIND_APP_HEALTH: _ClassVar[ReadingKind]
    READING_KIND_CONFIG_DIGEST: _ClassVar[ReadingKind]
    READING_KIND_READINESS: _ClassVar[ReadingKind]
    READING_KIND_OTHER: _ClassVar[ReadingKind]

class AssetKind(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    ASSET_KIND_UNSPECIFIED: _ClassVar[AssetKind]
    ASSET_KIND_SERVER: _ClassVar[AssetKind]
    ASSET_KIND_STORAGE: _ClassVar[AssetKind]
    ASSET_KIND_NETWORK: _ClassVar[AssetKind]
    ASSET_KIND_UPS: _ClassVar[AssetKind]
    ASSET_KIND_PDU: _ClassVar[AssetKind]
    ASSET_KIND_BMC: _ClassVar[AssetKind]
    ASSET_KIND_DISK: _ClassVar[AssetKind]
    ASSET_KIND_OTHER: _ClassVar[AssetKind]
STATUS_UNSPECIFIED: Status
STATUS_OK: Status
STATUS_WARNING: Status
STATUS_CRITICAL: Status
STATUS_UNKNOWN: Status
READING_KIND_UNSPECIFIED: ReadingKind
READING_KIND_TEMPERATURE: ReadingKind
READING_KIND_FAN: ReadingKind
READING_KIND_POWER: ReadingKind
READING_KIND_VOLTAGE: ReadingKind
READING_KIND_CURRENT: ReadingKind
READING_KIND_CPU: ReadingKind
READING_KIND_MEMORY: ReadingKind
READING_KIND_FILESYSTEM: ReadingKind
READING_KIND_BANDWIDTH: ReadingKind
READING_KIND_DISK_HEALTH: ReadingKind
READING_KIND_STANDBY_ROLE: ReadingKind
READING_KIND_REPLICATION_LAG: ReadingKind
READING_KIND_COLLECTOR_HEALTH: ReadingKind
READING_KIND_LOAD: ReadingKind
READING_KIND_UPTIME: ReadingKind
READING_KIND_PSU: ReadingKind
READING_KIND_HUMIDITY: ReadingKind
READING_KIND_BATTERY: ReadingKind
READING_KIND_INTERFACE: ReadingKind
READING_KIND_REACHABILITY: ReadingKind
READING_KIND_POWER_STATE: ReadingKind
READING_KIND_DISK_ATTRIBUTE: ReadingKind
READING_KIND_ERROR_RATE: ReadingKind
READING_KIND_HEARTBEAT: ReadingKind
READING_KIND_REDUNDANCY: ReadingKind
READING_KIND_INTRUSION: ReadingKind
READING_KIND_APP_HEALTH: ReadingKind
READING_KIND_CONFIG_DIGEST: ReadingKind
READING_KIND_READINESS: ReadingKind
READING_KIND_OTHER: ReadingKind
ASSET_KIND_UNSPECIFIED: AssetKind
ASSET_KIND_SERVER: AssetKind
ASSET_KIND_STORAGE: AssetKind
ASSET_KIND_NETWORK: AssetKind
ASSET_KIND_UPS: AssetKind
ASSET_KIND_PDU: AssetKind
ASSET_KIND_BMC: AssetKind
ASSET_KIND_DISK: AssetKind
ASSET_KIND_OTHER: AssetKind

class Location(_message.Message):
    __slots__ = ("site", "room", "rack", "unit")
    SITE_FIELD_NUMBER: _ClassVar[int]
    ROOM_FIELD_NUMBER: _ClassVar[int]
    RACK_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    site: str
    room: str
    rack: str
    unit: str
    def __init__(self, site: _Optional[str] = ..., room: _Optional[str] = ..., rack: _Optional[str] = ..., unit: _Optional[str] = ...) -> None: ...

class Asset(_message.Message):
    __slots__ = ("asset_id", "kind", "name", "vendor", "model", "serial", "location", "parent_id", "labels", "flags")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    VENDOR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    LOCATION_FIELD_NUMBER: _ClassVar[int]
    PARENT_ID_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    FLAGS_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    kind: AssetKind
    name: str
    vendor: str
    model: str
    serial: str
    location: Location
    parent_id: str
    labels: _containers.ScalarMap[str, str]
    flags: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, asset_id: _Optional[str] = ..., kind: _Optional[_Union[AssetKind, str]] = ..., name: _Optional[str] = ..., vendor: _Optional[str] = ..., model: _Optional[str] = ..., serial: _Optional[str] = ..., location: _Optional[_Union[Location, _Mapping]] = ..., parent_id: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ..., flags: _Optional[_Iterable[str]] = ...) -> None: ...

class Component(_message.Message):
    __slots__ = ("component_id", "asset_id", "type", "vendor", "model", "part_number", "serial", "firmware", "description", "capacity_bytes", "fru", "parent_component_id", "labels")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    COMPONENT_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    VENDOR_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    PART_NUMBER_FIELD_NUMBER: _ClassVar[int]
    SERIAL_FIELD_NUMBER: _ClassVar[int]
    FIRMWARE_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    CAPACITY_BYTES_FIELD_NUMBER: _ClassVar[int]
    FRU_FIELD_NUMBER: _ClassVar[int]
    PARENT_COMPONENT_ID_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    component_id: str
    asset_id: str
    type: str
    vendor: str
    model: str
    part_number: str
    serial: str
    firmware: str
    description: str
    capacity_bytes: int
    fru: bool
    parent_component_id: str
    labels: _containers.ScalarMap[str, str]
    def __init__(self, component_id: _Optional[str] = ..., asset_id: _Optional[str] = ..., type: _Optional[str] = ..., vendor: _Optional[str] = ..., model: _Optional[str] = ..., part_number: _Optional[str] = ..., serial: _Optional[str] = ..., firmware: _Optional[str] = ..., description: _Optional[str] = ..., capacity_bytes: _Optional[int] = ..., fru: _Optional[bool] = ..., parent_component_id: _Optional[str] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Reading(_message.Message):
    __slots__ = ("asset_id", "sensor_id", "name", "kind", "value", "unit", "status", "reason", "time_unix_ms", "labels")
    class LabelsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    SENSOR_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    KIND_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    LABELS_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    sensor_id: str
    name: str
    kind: ReadingKind
    value: float
    unit: str
    status: Status
    reason: str
    time_unix_ms: int
    labels: _containers.ScalarMap[str, str]
    def __init__(self, asset_id: _Optional[str] = ..., sensor_id: _Optional[str] = ..., name: _Optional[str] = ..., kind: _Optional[_Union[ReadingKind, str]] = ..., value: _Optional[float] = ..., unit: _Optional[str] = ..., status: _Optional[_Union[Status, str]] = ..., reason: _Optional[str] = ..., time_unix_ms: _Optional[int] = ..., labels: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Event(_message.Message):
    __slots__ = ("asset_id", "source_id", "time_unix_ms", "type", "severity", "sensor", "direction", "description", "attributes")
    class AttributesEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    SOURCE_ID_FIELD_NUMBER: _ClassVar[int]
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TYPE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    SENSOR_FIELD_NUMBER: _ClassVar[int]
    DIRECTION_FIELD_NUMBER: _ClassVar[int]
    DESCRIPTION_FIELD_NUMBER: _ClassVar[int]
    ATTRIBUTES_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    source_id: str
    time_unix_ms: int
    type: str
    severity: Status
    sensor: str
    direction: str
    description: str
    attributes: _containers.ScalarMap[str, str]
    def __init__(self, asset_id: _Optional[str] = ..., source_id: _Optional[str] = ..., time_unix_ms: _Optional[int] = ..., type: _Optional[str] = ..., severity: _Optional[_Union[Status, str]] = ..., sensor: _Optional[str] = ..., direction: _Optional[str] = ..., description: _Optional[str] = ..., attributes: _Optional[_Mapping[str, str]] = ...) -> None: ...
