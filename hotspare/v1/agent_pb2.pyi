from hotspare.v1 import types_pb2 as _types_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PowerAction(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    POWER_ACTION_UNSPECIFIED: _ClassVar[PowerAction]
    POWER_ACTION_STATUS: _ClassVar[PowerAction]
    POWER_ACTION_ON: _ClassVar[PowerAction]
    POWER_ACTION_OFF: _ClassVar[PowerAction]
    POWER_ACTION_CYCLE: _ClassVar[PowerAction]

class CommandOutcome(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    COMMAND_OUTCOME_UNSPECIFIED: _ClassVar[CommandOutcome]
    COMMAND_OUTCOME_CONFIRMED: _ClassVar[CommandOutcome]
    COMMAND_OUTCOME_NOT_CONFIRMED: _ClassVar[CommandOutcome]
    COMMAND_OUTCOME_ERROR: _ClassVar[CommandOutcome]
    COMMAND_OUTCOME_REFUSED: _ClassVar[CommandOutcome]
    COMMAND_OUTCOME_OK: _ClassVar[CommandOutcome]
POWER_ACTION_UNSPECIFIED: PowerAction
POWER_ACTION_STATUS: PowerAction
POWER_ACTION_ON: PowerAction
POWER_ACTION_OFF: PowerAction
POWER_ACTION_CYCLE: PowerAction
COMMAND_OUTCOME_UNSPECIFIED: CommandOutcome
COMMAND_OUTCOME_CONFIRMED: CommandOutcome
COMMAND_OUTCOME_NOT_CONFIRMED: CommandOutcome
COMMAND_OUTCOME_ERROR: CommandOutcome
COMMAND_OUTCOME_REFUSED: CommandOutcome
COMMAND_OUTCOME_OK: CommandOutcome

class Hello(_message.Message):
    __slots__ = ("agent_id", "version", "hostname", "stream_epoch", "assets", "collectors", "interval_seconds")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    VERSION_FIELD_NUMBER: _ClassVar[int]
    HOSTNAME_FIELD_NUMBER: _ClassVar[int]
    STREAM_EPOCH_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    COLLECTORS_FIELD_NUMBER: _ClassVar[int]
    INTERVAL_SECONDS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    version: str
    hostname: str
    stream_epoch: int
    assets: _containers.RepeatedCompositeFieldContainer[_types_pb2.Asset]
    collectors: _containers.RepeatedScalarFieldContainer[str]
    interval_seconds: float
    def __init__(self, agent_id: _Optional[str] = ..., version: _Optional[str] = ..., hostname: _Optional[str] = ..., stream_epoch: _Optional[int] = ..., assets: _Optional[_Iterable[_Union[_types_pb2.Asset, _Mapping]]] = ..., collectors: _Optional[_Iterable[str]] = ..., interval_seconds: _Optional[float] = ...) -> None: ...

class ReadingBatch(_message.Message):
    __slots__ = ("agent_id", "stream_epoch", "seq", "readings", "events", "assets", "components", "dropped_batches_total", "gaps")
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    STREAM_EPOCH_FIELD_NUMBER: _ClassVar[int]
    SEQ_FIELD_NUMBER: _ClassVar[int]
    READINGS_FIELD_NUMBER: _ClassVar[int]
    EVENTS_FIELD_NUMBER: _ClassVar[int]
    ASSETS_FIELD_NUMBER: _ClassVar[int]
    COMPONENTS_FIELD_NUMBER: _ClassVar[int]
    DROPPED_BATCHES_TOTAL_FIELD_NUMBER: _ClassVar[int]
    GAPS_FIELD_NUMBER: _ClassVar[int]
    agent_id: str
    stream_epoch: int
    seq: int
    readings: _containers.RepeatedCompositeFieldContainer[_types_pb2.Reading]
    events: _containers.RepeatedCompositeFieldContainer[_types_pb2.Event]
    assets: _containers.RepeatedCompositeFieldContainer[_types_pb2.Asset]
    components: _containers.RepeatedCompositeFieldContainer[_types_pb2.Component]
    dropped_batches_total: int
    gaps: _containers.RepeatedCompositeFieldContainer[Gap]
    def __init__(self, agent_id: _Optional[str] = ..., stream_epoch: _Optional[int] = ..., seq: _Optional[int] = ..., readings: _Optional[_Iterable[_Union[_types_pb2.Reading, _Mapping]]] = ..., events: _Optional[_Iterable[_Union[_types_pb2.Event, _Mapping]]] = ..., assets: _Optional[_Iterable[_Union[_types_pb2.Asset, _Mapping]]] = ..., components: _Optional[_Iterable[_Union[_types_pb2.Component, _Mapping]]] = ..., dropped_batches_total: _Optional[int] = ..., gaps: _Optional[_Iterable[_Union[Gap, _Mapping]]] = ...) -> None: ...

class Gap(_message.Message):
    __slots__ = ("asset_id", "from_unix_ms", "to_unix_ms", "readings_dropped", "reason")
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    FROM_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    TO_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    READINGS_DROPPED_FIELD_NUMBER: _ClassVar[int]
    REASON_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    from_unix_ms: int
    to_unix_ms: int
    readings_dropped: int
    reason: str
    def __init__(self, asset_id: _Optional[str] = ..., from_unix_ms: _Optional[int] = ..., to_unix_ms: _Optional[int] = ..., readings_dropped: _Optional[int] = ..., reason: _Optional[str] = ...) -> None: ...

class PowerCommand(_message.Message):
    __slots__ = ("action",)
    ACTION_FIELD_NUMBER: _ClassVar[int]
    action: PowerAction
    def __init__(self, action: _Optional[_Union[PowerAction, str]] = ...) -> None: ...

class FenceCommand(_message.Message):
    __slots__ = ("group_id",)
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    def __init__(self, group_id: _Optional[str] = ...) -> None: ...

class PromoteCommand(_message.Message):
    __slots__ = ("group_id", "fence_command_id")
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    FENCE_COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    fence_command_id: str
    def __init__(self, group_id: _Optional[str] = ..., fence_command_id: _Optional[str] = ...) -> None: ...

class DemoteCommand(_message.Message):
    __slots__ = ("group_id",)
    GROUP_ID_FIELD_NUMBER: _ClassVar[int]
    group_id: str
    def __init__(self, group_id: _Optional[str] = ...) -> None: ...

class Command(_message.Message):
    __slots__ = ("command_id", "asset_id", "deadline_unix_ms", "group_epoch", "requested_by", "timeout_seconds", "request_id", "power", "fence", "promote", "demote")
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    DEADLINE_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    GROUP_EPOCH_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    REQUEST_ID_FIELD_NUMBER: _ClassVar[int]
    POWER_FIELD_NUMBER: _ClassVar[int]
    FENCE_FIELD_NUMBER: _ClassVar[int]
    PROMOTE_FIELD_NUMBER: _ClassVar[int]
    DEMOTE_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    asset_id: str
    deadline_unix_ms: int
    group_epoch: int
    requested_by: str
    timeout_seconds: float
    request_id: str
    power: PowerCommand
    fence: FenceCommand
    promote: PromoteCommand
    demote: DemoteCommand
    def __init__(self, command_id: _Optional[str] = ..., asset_id: _Optional[str] = ..., deadline_unix_ms: _Optional[int] = ..., group_epoch: _Optional[int] = ..., requested_by: _Optional[str] = ..., timeout_seconds: _Optional[float] = ..., request_id: _Optional[str] = ..., power: _Optional[_Union[PowerCommand, _Mapping]] = ..., fence: _Optional[_Union[FenceCommand, _Mapping]] = ..., promote: _Optional[_Union[PromoteCommand, _Mapping]] = ..., demote: _Optional[_Union[DemoteCommand, _Mapping]] = ...) -> None: ...

class CommandResult(_message.Message):
    __slots__ = ("command_id", "asset_id", "outcome", "message", "power_state", "elapsed_seconds", "finished_unix_ms", "details")
    class DetailsEntry(_message.Message):
        __slots__ = ("key", "value")
        KEY_FIELD_NUMBER: _ClassVar[int]
        VALUE_FIELD_NUMBER: _ClassVar[int]
        key: str
        value: str
        def __init__(self, key: _Optional[str] = ..., value: _Optional[str] = ...) -> None: ...
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    POWER_STATE_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_SECONDS_FIELD_NUMBER: _ClassVar[int]
    FINISHED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    DETAILS_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    asset_id: str
    outcome: CommandOutcome
    message: str
    power_state: str
    elapsed_seconds: float
    finished_unix_ms: int
    details: _containers.ScalarMap[str, str]
    def __init__(self, command_id: _Optional[str] = ..., asset_id: _Optional[str] = ..., outcome: _Optional[_Union[CommandOutcome, str]] = ..., message: _Optional[str] = ..., power_state: _Optional[str] = ..., elapsed_seconds: _Optional[float] = ..., finished_unix_ms: _Optional[int] = ..., details: _Optional[_Mapping[str, str]] = ...) -> None: ...

class Ack(_message.Message):
    __slots__ = ("stream_epoch", "highest_seq")
    STREAM_EPOCH_FIELD_NUMBER: _ClassVar[int]
    HIGHEST_SEQ_FIELD_NUMBER: _ClassVar[int]
    stream_epoch: int
    highest_seq: int
    def __init__(self, stream_epoch: _Optional[int] = ..., highest_seq: _Optional[int] = ...) -> None: ...

class AgentMessage(_message.Message):
    __slots__ = ("hello", "batch", "result")
    HELLO_FIELD_NUMBER: _ClassVar[int]
    BATCH_FIELD_NUMBER: _ClassVar[int]
    RESULT_FIELD_NUMBER: _ClassVar[int]
    hello: Hello
    batch: ReadingBatch
    result: CommandResult
    def __init__(self, hello: _Optional[_Union[Hello, _Mapping]] = ..., batch: _Optional[_Union[ReadingBatch, _Mapping]] = ..., result: _Optional[_Union[CommandResult, _Mapping]] = ...) -> None: ...

class ControllerMessage(_message.Message):
    __slots__ = ("ack", "command")
    ACK_FIELD_NUMBER: _ClassVar[int]
    COMMAND_FIELD_NUMBER: _ClassVar[int]
    ack: Ack
    command: Command
    def __init__(self, ack: _Optional[_Union[Ack, _Mapping]] = ..., command: _Optional[_Union[Command, _Mapping]] = ...) -> None: ...
