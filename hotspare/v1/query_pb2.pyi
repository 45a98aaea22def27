from hotspare.v1 import agent_pb2 as _agent_pb2
from hotspare.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ForgetAssetRequest(_message.Message):
    __slots__ = ("asset_id",)
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    def __init__(self, asset_id: _Optional[str] = ...) -> None: ...

class ForgetAssetResponse(_message.Message):
    __slots__ = ("asset_id", "removed")
    class RemovedEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: int
        def __init__(self, key: _Optional[str] = ..., value: _Optional[int] = ...) -> None: ...
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    REMOVED_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    removed: _containers.ScalarMap[str, int]
    def __init__(self, asset_id: _Optional[str] = ..., removed: _Optional[_Mapping[str, int]] = ...) -> None: ...

class AssetSummary(_message.Message):
    __slots__ = ("asset", "worst_status", "worst_reason", "last_seen_unix_ms", "agent_id", "agent_up", "headline", "alert_level")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    WORST_STATUS_FIELD_NUMBER: _ClassVar[int]
    WORST_REASON_FIELD_NUMBER: _ClassVar[int]
    LAST_SEEN_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    AGENT_UP_FIELD_NUMBER: _ClassVar[int]
    HEADLINE_FIELD_NUMBER: _ClassVar[int]
    ALERT_LEVEL_FIELD_NUMBER: _ClassVar[int]
    asset: _types_pb2.Asset
    worst_status: _types_pb2.Status
    worst_reason: str
    last_seen_unix_ms: int
    agent_id: str
    agent_up: bool
    headline: _containers.RepeatedCompositeFieldContainer[_types_pb2.Reading]
    alert_level: int
    def __init__(self, asset: _Optional[_Union[_types_pb2.Asset, _Mapping]] = ..., worst_status: _Optional[_Union[_types_pb2.Status, str]] = ..., worst_reason: _Optional[str] = ..., last_seen_unix_ms: _Optional[int] = ..., agent_id: _Optional[str] = ..., agent_up: _Optional[bool] = ..., headline: _Optional[_Iterable[_Union[_types_pb2.Reading, _Mapping]]] = ..., alert_level: _Optional[int] = ...) -> None: ...

class ListAssetsRequest(_message.Message):
    __slots__ = ("page_size", "page_token")
    PAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    page_size: int
    page_token: str
    def __init__(self, page_size: _Optional[int] = ..., page_token: _Optional[str] = ...) -> None: ...

class ListAssetsResponse(_message.Message):
    __slots__ = ("assets", "next_page_token", "total")
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    NEXT_PAGE_TOKEN_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    assets: _containers.RepeatedCompositeFieldContainer[AssetSummary]
    next_page_token: str
    total: int
    def __init__(self, assets: _Optional[_Iterable[_Union[AssetSummary, _Mapping]]] = ..., next_page_token: _Optional[str] = ..., total: _Optional[int] = ...) -> None: ...

class GetAssetRequest(_message.Message):
    __slots__ = ("asset_id",)
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    def __init__(self, asset_id: _Optional[str] = ...) -> None: ...

class AssetDetail(_message.Message):
    __slots__ = ("summary", "latest", "components", "recent_events")
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    LATEST_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    RECENT_EVENTS_FIELD_NUMBER: _ClassVar[int]
    summary: AssetSummary
    latest: _containers.RepeatedCompositeFieldContainer[_types_pb2.Reading]
    components: _containers.RepeatedCompositeFieldContainer[_types_pb2.Component]
    recent_events: _containers.RepeatedCompositeFieldContainer[_types_pb2.Event]
    def __init__(self, summary: _Optional[_Union[AssetSummary, _Mapping]] = ..., latest: _Optional[_Iterable[_Union[_types_pb2.Reading, _Mapping]]] = ..., components: _Optional[_Iterable[_Union[_types_pb2.Component, _Mapping]]] = ..., recent_events: _Optional[_Iterable[_Union[_types_pb2.Event, _Mapping]]] = ...) -> None: ...

class HistoryRequest(_message.Message):
    __slots__ = ("asset_id", "sensor_id", "from_unix_ms", "to_unix_ms", "max_points")
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    SENSOR_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TO_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    MAX_POINTS_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    sensor_id: str
    from_unix_ms: int
    to_unix_ms: int
    max_points: int
    def __init__(self, asset_id: _Optional[str] = ..., sensor_id: _Optional[str] = ..., from_unix_ms: _Optional[int] = ..., to_unix_ms: _Optional[int] = ..., max_points: _Optional[int] = ...) -> None: ...

class HistoryPoint(_message.Message):
    __slots__ = ("time_unix_ms", "value", "status")
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    STATUS_FIELD_NUMBER: _ClassVar[int]
    time_unix_ms: int
    value: float
    status: _types_pb2.Status
    def __init__(self, time_unix_ms: _Optional[int] = ..., value: _Optional[float] = ..., status: _Optional[_Union[_types_pb2.Status, str]] = ...) -> None: ...

class HistoryResponse(_message.Message):
    __slots__ = ("points", "gaps")
    POINTS_FIELD_NUMBER: _ClassVar[int]
    GAPS_FIELD_NUMBER: _ClassVar[int]
    points: _containers.RepeatedCompositeFieldContainer[HistoryPoint]
    gaps: _containers.RepeatedCompositeFieldContainer[_agent_pb2.Gap]
    def __init__(self, points: _Optional[_Iterable[_Union[HistoryPoint, _Mapping]]] = ..., gaps: _Optional[_Iterable[_Union[_agent_pb2.Gap, _Mapping]]] = ...) -> None: ...

class WatchFleetRequest(_message.Message):
    __slots__ = ("skip_snapshot",)
    SKIP_SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    skip_snapshot: bool
    def __init__(self, skip_snapshot: _Optional[bool] = ...) -> None: ...

class FleetUpdate(_message.Message):
    __slots__ = ("snapshot", "assets")
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    snapshot: bool
    assets: _containers.RepeatedCompositeFieldContainer[AssetSummary]
    def __init__(self, snapshot: _Optional[bool] = ..., assets: _Optional[_Iterable[_Union[AssetSummary, _Mapping]]] = ...) -> None: ...
