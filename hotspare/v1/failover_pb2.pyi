from hotspare.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReadinessReason(_message.Message):
    __slots__ = ("code", "verdict", "message", "member", "value", "limit", "age_ms")
    CODE_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    MEMBER_FIELD_NUMBER: _ClassVar[int]
    VALUE_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    AGE_MS_FIELD_NUMBER: _ClassVar[int]
    code: str
    verdict: str
    message: str
    member: str
    value: str
    limit: str
    age_ms: int
    def __init__(self, code: _Optional[str] = ..., verdict: _Optional[str] = ..., message: _Optional[str] = ..., member: _Optional[str] = ..., value: _Optional[str] = ..., limit: _Optional[str] = ..., age_ms: _Optional[int] = ...) -> None: ...

class MemberState(_message.Message):
    __slots__ = ("asset_id", "role", "intended_active", "known", "agent_up", "health", "health_reason", "app_healthy", "lag_seconds", "lag_age_ms", "heartbeat_age_ms", "config_digests", "bmc_asset_id", "bmc_state", "bmc_power", "bmc_age_ms")
    class ConfigDigestsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    ROLE_FIELD_NUMBER: _ClassVar[int]
    INTENDED_ACTIVE_FIELD_NUMBER: _ClassVar[int]
    KNOWN_FIELD_NUMBER: _ClassVar[int]
    AGENT_UP_FIELD_NUMBER: _ClassVar[int]
    HEALTH_FIELD_NUMBER: _ClassVar[int]
    HEALTH_REASON_FIELD_NUMBER: _ClassVar[int]
    APP_HEALTHY_FIELD_NUMBER: _ClassVar[int]
    LAG_SECONDS_FIELD_NUMBER: _ClassVar[int]
    LAG_AGE_MS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_AGE_MS_FIELD_NUMBER: _ClassVar[int]
    CONFIG_DIGESTS_FIELD_NUMBER: _ClassVar[int]
    BMC_ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    BMC_STATE_FIELD_NUMBER: _ClassVar[int]
    BMC_POWER_FIELD_NUMBER: _ClassVar[int]
    BMC_AGE_MS_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    role: str
    intended_active: bool
    known: bool
    agent_up: bool
    health: _types_pb2.Status
    health_reason: str
    app_healthy: int
    lag_seconds: float
    lag_age_ms: int
    heartbeat_age_ms: int
    config_digests: _containers.ScalarMap[str, str]
    bmc_asset_id: str
    bmc_state: str
    bmc_power: str
    bmc_age_ms: int
    def __init__(self, asset_id: _Optional[str] = ..., role: _Optional[str] = ..., intended_active: _Optional[bool] = ..., known: _Optional[bool] = ..., agent_up: _Optional[bool] = ..., health: _Optional[_Union[_types_pb2.Status, str]] = ..., health_reason: _Optional[str] = ..., app_healthy: _Optional[int] = ..., lag_seconds: _Optional[float] = ..., lag_age_ms: _Optional[int] = ..., heartbeat_age_ms: _Optional[int] = ..., config_digests: _Optional[_Mapping[str, str]] = ..., bmc_asset_id: _Optional[str] = ..., bmc_state: _Optional[str] = ..., bmc_power: _Optional[str] = ..., bmc_age_ms: _Optional[int] = ...) -> None: ...

class GroupLimits(_message.Message):
    __slots__ = ("lag_limit_seconds", "lag_max_age_seconds", "heartbeat_max_age_seconds", "drill_max_age_days")
    LAG_LIMIT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    LAG_MAX_AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    HEARTBEAT_MAX_AGE_SECONDS_FIELD_NUMBER: _ClassVar[int]
    DRILL_MAX_AGE_DAYS_FIELD_NUMBER: _ClassVar[int]
    lag_limit_seconds: float
    lag_max_age_seconds: float
    heartbeat_max_age_seconds: float
    drill_max_age_days: float
    def __init__(self, lag_limit_seconds: _Optional[float] = ..., lag_max_age_seconds: _Optional[float] = ..., heartbeat_max_age_seconds: _Optional[float] = ..., drill_max_age_days: _Optional[float] = ...) -> None: ...

class GroupReadiness(_message.Message):
    __slots__ = ("name", "verdict", "reasons", "notes", "members", "limits", "epoch", "last_drill_unix_ms", "checked_unix_ms")
    NAME_FIELD_NUMBER: _ClassVar[int]
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    NOTES_FIELD_NUMBER: _ClassVar[int]
    MEMBERS_FIELD_NUMBER: _ClassVar[int]
    LIMITS_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    LAST_DRILL_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    CHECKED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    name: str
    verdict: str
    reasons: _containers.RepeatedCompositeFieldContainer[ReadinessReason]
    notes: _containers.RepeatedCompositeFieldContainer[ReadinessReason]
    members: _containers.RepeatedCompositeFieldContainer[MemberState]
    limits: GroupLimits
    epoch: int
    last_drill_unix_ms: int
    checked_unix_ms: int
    def __init__(self, name: _Optional[str] = ..., verdict: _Optional[str] = ..., reasons: _Optional[_Iterable[_Union[ReadinessReason, _Mapping]]] = ..., notes: _Optional[_Iterable[_Union[ReadinessReason, _Mapping]]] = ..., members: _Optional[_Iterable[_Union[MemberState, _Mapping]]] = ..., limits: _Optional[_Union[GroupLimits, _Mapping]] = ..., epoch: _Optional[int] = ..., last_drill_unix_ms: _Optional[int] = ..., checked_unix_ms: _Optional[int] = ...) -> None: ...

class ListGroupsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class ListGroupsResponse(_message.Message):
    __slots__ = ("groups",)
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    groups: _containers.RepeatedCompositeFieldContainer[GroupReadiness]
    def __init__(self, groups: _Optional[_Iterable[_Union[GroupReadiness, _Mapping]]] = ...) -> None: ...

class GetGroupRequest(_message.Message):
    __slots__ = ("name",)
    NAME_FIELD_NUMBER: _ClassVar[int]
    name: str
    def __init__(self, name: _Optional[str] = ...) -> None: ...

class WatchGroupsRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GroupsUpdate(_message.Message):
    __slots__ = ("snapshot", "groups")
    SNAPSHOT_FIELD_NUMBER: _ClassVar[int]
    GROUPS_FIELD_NUMBER: _ClassVar[int]
    snapshot: bool
    groups: _containers.RepeatedCompositeFieldContainer[GroupReadiness]
    def __init__(self, snapshot: _Optional[bool] = ..., groups: _Optional[_Iterable[_Union[GroupReadiness, _Mapping]]] = ...) -> None: ...

class SwitchoverRequest(_message.Message):
    __slots__ = ("group", "mode", "requested_by", "reason", "to_member", "dry_run", "force_reason", "request_id", "timeout_seconds")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TO_MEMBER_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    FORCE_REASON_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    group: str
    mode: str
    requested_by: str
    reason: str
    to_member: str
    dry_run: bool
    force_reason: str
    request_id: str
    timeout_seconds: float
    def __init__(self, group: _Optional[str] = ..., mode: _Optional[str] = ..., requested_by: _Optional[str] = ..., reason: _Optional[str] = ..., to_member: _Optional[str] = ..., dry_run: _Optional[bool] = ..., force_reason: _Optional[str] = ..., request_id: _Optional[str] = ..., timeout_seconds: _Optional[float] = ...) -> None: ...

class SwitchoverStep(_message.Message):
    __slots__ = ("seq", "step", "state", "started_unix_ms", "finished_unix_ms", "detail")
    SEQ_FIELD_NUMBER: _ClassVar[int]
    STEP_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    STARTED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    FINISHED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    DETAIL_FIELD_NUMBER: _ClassVar[int]
    seq: int
    step: str
    state: str
    started_unix_ms: int
    finished_unix_ms: int
    detail: str
    def __init__(self, seq: _Optional[int] = ..., step: _Optional[str] = ..., state: _Optional[str] = ..., started_unix_ms: _Optional[int] = ..., finished_unix_ms: _Optional[int] = ..., detail: _Optional[str] = ...) -> None: ...

class SwitchoverRecord(_message.Message):
    __slots__ = ("request_id", "group", "mode", "requested_by", "reason", "from_member", "to_member", "epoch", "state", "outcome_reason", "forced", "automatic", "drill_id", "requested_unix_ms", "finished_unix_ms", "steps", "dry_run", "preflight")
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    MODE_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    FROM_MEMBER_FIELD_NUMBER: _ClassVar[int]
    TO_MEMBER_FIELD_NUMBER: _ClassVar[int]
    EPOCH_FIELD_NUMBER: _ClassVar[int]
    STATE_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_REASON_FIELD_NUMBER: _ClassVar[int]
    FORCED_FIELD_NUMBER: _ClassVar[int]
    AUTOMATIC_FIELD_NUMBER: _ClassVar[int]
    DRILL_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    FINISHED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    STEPS_FIELD_NUMBER: _ClassVar[int]
    DRY_RUN_FIELD_NUMBER: _ClassVar[int]
    PREFLIGHT_FIELD_NUMBER: _ClassVar[int]
    request_id: str
    group: str
    mode: str
    requested_by: str
    reason: str
    from_member: str
    to_member: str
    epoch: int
    state: str
    outcome_reason: str
    forced: str
    automatic: bool
    drill_id: str
    requested_unix_ms: int
    finished_unix_ms: int
    steps: _containers.RepeatedCompositeFieldContainer[SwitchoverStep]
    dry_run: bool
    preflight: _containers.RepeatedCompositeFieldContainer[ReadinessReason]
    def __init__(self, request_id: _Optional[str] = ..., group: _Optional[str] = ..., mode: _Optional[str] = ..., requested_by: _Optional[str] = ..., reason: _Optional[str] = ..., from_member: _Optional[str] = ..., to_member: _Optional[str] = ..., epoch: _Optional[int] = ..., state: _Optional[str] = ..., outcome_reason: _Optional[str] = ..., forced: _Optional[str] = ..., automatic: _Optional[bool] = ..., drill_id: _Optional[str] = ..., requested_unix_ms: _Optional[int] = ..., finished_unix_ms: _Optional[int] = ..., steps: _Optional[_Iterable[_Union[SwitchoverStep, _Mapping]]] = ..., dry_run: _Optional[bool] = ..., preflight: _Optional[_Iterable[_Union[ReadinessReason, _Mapping]]] = ...) -> None: ...

class ConfirmFencedRequest(_message.Message):
    __slots__ = ("group", "requested_by", "reason")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    group: str
    requested_by: str
    reason: str
    def __init__(self, group: _Optional[str] = ..., requested_by: _Optional[str] = ..., reason: _Optional[str] = ...) -> None: ...

class ListSwitchoversRequest(_message.Message):
    __slots__ = ("group", "limit")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    group: str
    limit: int
    def __init__(self, group: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListSwitchoversResponse(_message.Message):
    __slots__ = ("switchovers",)
    SWITCHOVERS_FIELD_NUMBER: _ClassVar[int]
    switchovers: _containers.RepeatedCompositeFieldContainer[SwitchoverRecord]
    def __init__(self, switchovers: _Optional[_Iterable[_Union[SwitchoverRecord, _Mapping]]] = ...) -> None: ...

class DrillRequest(_message.Message):
    __slots__ = ("group", "requested_by", "reason", "timeout_seconds")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    group: str
    requested_by: str
    reason: str
    timeout_seconds: float
    def __init__(self, group: _Optional[str] = ..., requested_by: _Optional[str] = ..., reason: _Optional[str] = ..., timeout_seconds: _Optional[float] = ...) -> None: ...

class DrillRecord(_message.Message):
    __slots__ = ("drill_id", "group", "started_unix_ms", "finished_unix_ms", "outcome", "requested_by", "switchovers", "total_seconds")
    DRILL_ID_FIELD_NUMBER: _ClassVar[int]
    GROUP_FIELD_NUMBER: _ClassVar[int]
    STARTED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    FINISHED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    SWITCHOVERS_FIELD_NUMBER: _ClassVar[int]
    TOTAL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    drill_id: str
    group: str
    started_unix_ms: int
    finished_unix_ms: int
    outcome: str
    requested_by: str
    switchovers: _containers.RepeatedCompositeFieldContainer[SwitchoverRecord]
    total_seconds: float
    def __init__(self, drill_id: _Optional[str] = ..., group: _Optional[str] = ..., started_unix_ms: _Optional[int] = ..., finished_unix_ms: _Optional[int] = ..., outcome: _Optional[str] = ..., requested_by: _Optional[str] = ..., switchovers: _Optional[_Iterable[_Union[SwitchoverRecord, _Mapping]]] = ..., total_seconds: _Optional[float] = ...) -> None: ...

class ListDrillsRequest(_message.Message):
    __slots__ = ("group", "limit")
    GROUP_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    group: str
    limit: int
    def __init__(self, group: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class ListDrillsResponse(_message.Message):
    __slots__ = ("drills",)
    DRILLS_FIELD_NUMBER: _ClassVar[int]
    drills: _containers.RepeatedCompositeFieldContainer[DrillRecord]
    def __init__(self, drills: _Optional[_Iterable[_Union[DrillRecord, _Mapping]]] = ...) -> None: ...
