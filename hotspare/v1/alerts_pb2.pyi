from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Alert(_message.Message):
    __slots__ = ("alert_id", "rule", "level", "asset_id", "sensor_id", "state", "started_unix_ms", "fired_unix_ms", "resolved_unix_ms", "last_value", "last_reading_unix_ms", "summary", "reason", "threshold", "threshold_source", "no_data", "acked_by", "acked_unix_ms", "ack_comment", "flapping", "children", "folded_into", "held_reason", "hint")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    SENSOR_ID_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STARTED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    FIRED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    RESOLVED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    LAST_VALUE_FIELD_NUMBER: _ClassVar[int]
    LAST_READING_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    SUMMARY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_FIELD_NUMBER: _ClassVar[int]
    THRESHOLD_SOURCE_FIELD_NUMBER: _ClassVar[int]
    NO_DATA_FIELD_NUMBER: _ClassVar[int]
    ACKED_BY_FIELD_NUMBER: _ClassVar[int]
    ACKED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    ACK_COMMENT_FIELD_NUMBER: _ClassVar[int]
    FLAPPING_FIELD_NUMBER: _ClassVar[int]
    CHILDREN_FIELD_NUMBER: _ClassVar[int]
    FOLDED_INTO_FIELD_NUMBER: _ClassVar[int]
    HELD_REASON_FIELD_NUMBER: _ClassVar[int]
    HINT_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    rule: str
    level: int
    asset_id: str
    sensor_id: str
    state: str
    started_unix_ms: int
    fired_unix_ms: int
    resolved_unix_ms: int
    last_value: float
    last_reading_unix_ms: int
    summary: str
    reason: str
    threshold: str
    threshold_source: str
    no_data: bool
    acked_by: str
    acked_unix_ms: int
    ack_comment: str
    flapping: bool
    children: int
    folded_into: str
    held_reason: str
    hint: str
    def __init__(self, alert_id: _Optional[str] = ..., rule: _Optional[str] = ..., level: _Optional[int] = ..., asset_id: _Optional[str] = ..., sensor_id: _Optional[str] = ..., state: _Optional[str] = ..., started_unix_ms: _Optional[int] = ..., fired_unix_ms: _Optional[int] = ..., resolved_unix_ms: _Optional[int] = ..., last_value: _Optional[float] = ..., last_reading_unix_ms: _Optional[int] = ..., summary: _Optional[str] = ..., reason: _Optional[str] = ..., threshold: _Optional[str] = ..., threshold_source: _Optional[str] = ..., no_data: _Optional[bool] = ..., acked_by: _Optional[str] = ..., acked_unix_ms: _Optional[int] = ..., ack_comment: _Optional[str] = ..., flapping: _Optional[bool] = ..., children: _Optional[int] = ..., folded_into: _Optional[str] = ..., held_reason: _Optional[str] = ..., hint: _Optional[str] = ...) -> None: ...

class AlertTransition(_message.Message):
    __slots__ = ("time_unix_ms", "state", "value", "detail")
    TIME_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    time_unix_ms: int
    state: str
    value: float
    detail: str
    def __init__(self, time_unix_ms: _Optional[int] = ..., state: _Optional[str] = ..., value: _Optional[float] = ..., detail: _Optional[str] = ...) -> None: ...

class ListAlertsRequest(_message.Message):
    __slots__ = ("state", "level")
    STATE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    state: str
    level: int
    def __init__(self, state: _Optional[str] = ..., level: _Optional[int] = ...) -> None: ...

class ListAlertsResponse(_message.Message):
    __slots__ = ("alerts",)
    ALERTS_FIELD_NUMBER: _ClassVar[int]
    alerts: _containers.RepeatedCompositeFieldContainer[Alert]
    def __init__(self, alerts: _Optional[_Iterable[_Union[Alert, _Mapping]]] = ...) -> None: ...

class GetAlertRequest(_message.Message):
    __slots__ = ("alert_id",)
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    def __init__(self, alert_id: _Optional[str] = ...) -> None: ...

class AlertDetail(_message.Message):
    __slots__ = ("alert", "history")
    ALERT_FIELD_NUMBER: _ClassVar[int]
    HISTORY_FIELD_NUMBER: _ClassVar[int]
    alert: Alert
    history: _containers.RepeatedCompositeFieldContainer[AlertTransition]
    def __init__(self, alert: _Optional[_Union[Alert, _Mapping]] = ..., history: _Optional[_Iterable[_Union[AlertTransition, _Mapping]]] = ...) -> None: ...

class AckAlertRequest(_message.Message):
    __slots__ = ("alert_id", "who", "comment")
    ALERT_ID_FIELD_NUMBER: _ClassVar[int]
    WHO_FIELD_NUMBER: _ClassVar[int]
    COMMENT_FIELD_NUMBER: _ClassVar[int]
    alert_id: str
    who: str
    comment: str
    def __init__(self, alert_id: _Optional[str] = ..., who: _Optional[str] = ..., comment: _Optional[str] = ...) -> None: ...

class Matcher(_message.Message):
    __slots__ = ("asset", "rule", "level")
    ASSET_FIELD_NUMBER: _ClassVar[int]
    RULE_FIELD_NUMBER: _ClassVar[int]
    LEVEL_FIELD_NUMBER: _ClassVar[int]
    asset: str
    rule: str
    level: int
    def __init__(self, asset: _Optional[str] = ..., rule: _Optional[str] = ..., level: _Optional[int] = ...) -> None: ...

class Silence(_message.Message):
    __slots__ = ("silence_id", "matcher", "author", "reason", "created_unix_ms", "expires_unix_ms")
    SILENCE_ID_FIELD_NUMBER: _ClassVar[int]
    MATCHER_FIELD_NUMBER: _ClassVar[int]
    AUTHOR_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    CREATED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    EXPIRES_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    silence_id: str
    matcher: Matcher
    author: str
    reason: str
    created_unix_ms: int
    expires_unix_ms: int
    def __init__(self, silence_id: _Optional[str] = ..., matcher: _Optional[_Union[Matcher, _Mapping]] = ..., author: _Optional[str] = ..., reason: _Optional[str] = ..., created_unix_ms: _Optional[int] = ..., expires_unix_ms: _Optional[int] = ...) -> None: ...

class ListSilencesRequest(_message.Message):
    __slots__ = ("include_expired",)
    INCLUDE_EXPIRED_FIELD_NUMBER: _ClassVar[int]
    include_expired: bool
    def __init__(self, include_expired: _Optional[bool] = ...) -> None: ...

class ListSilencesResponse(_message.Message):
    __slots__ = ("silences",)
    SILENCES_FIELD_NUMBER: _ClassVar[int]
    silences: _containers.RepeatedCompositeFieldContainer[Silence]
    def __init__(self, silences: _Optional[_Iterable[_Union[Silence, _Mapping]]] = ...) -> None: ...

class ExpireSilenceRequest(_message.Message):
    __slots__ = ("silence_id",)
    SILENCE_ID_FIELD_NUMBER: _ClassVar[int]
    silence_id: str
    def __init__(self, silence_id: _Optional[str] = ...) -> None: ...

class MaintenanceWindow(_message.Message):
    __slots__ = ("window_id", "name", "matcher", "start", "end", "days", "dates", "timezone")
    WINDOW_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    MATCHER_FIELD_NUMBER: _ClassVar[int]
    START_FIELD_NUMBER: _ClassVar[int]
    END_FIELD_NUMBER: _ClassVar[int]
    DAYS_FIELD_NUMBER: _ClassVar[int]
    DATES_FIELD_NUMBER: _ClassVar[int]
    TIMEZONE_FIELD_NUMBER: _ClassVar[int]
    window_id: str
    name: str
    matcher: Matcher
    start: str
    end: str
    days: _containers.RepeatedScalarFieldContainer[str]
    dates: _containers.RepeatedScalarFieldContainer[str]
    timezone: str
    def __init__(self, window_id: _Optional[str] = ..., name: _Optional[str] = ..., matcher: _Optional[_Union[Matcher, _Mapping]] = ..., start: _Optional[str] = ..., end: _Optional[str] = ..., days: _Optional[_Iterable[str]] = ..., dates: _Optional[_Iterable[str]] = ..., timezone: _Optional[str] = ...) -> None: ...

class ListMaintenanceRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListMaintenanceResponse(_message.Message):
    __slots__ = ("windows",)
    WINDOWS_FIELD_NUMBER: _ClassVar[int]
    windows: _containers.RepeatedCompositeFieldContainer[MaintenanceWindow]
    def __init__(self, windows: _Optional[_Iterable[_Union[MaintenanceWindow, _Mapping]]] = ...) -> None: ...

class RemoveMaintenanceRequest(_message.Message):
    __slots__ = ("window_id",)
    WINDOW_ID_FIELD_NUMBER: _ClassVar[int]
    window_id: str
    def __init__(self, window_id: _Optional[str] = ...) -> None: ...
