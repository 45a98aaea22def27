from hotspare.v1 import agent_pb2 as _agent_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PowerRequest(_message.Message):
    __slots__ = ("asset_id", "action", "command_id", "requested_by", "timeout_seconds")
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    TIMEOUT_SECONDS_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    action: _agent_pb2.PowerAction
    command_id: str
    requested_by: str
    timeout_seconds: float
    def __init__(self, asset_id: _Optional[str] = ..., action: _Optional[_Union[_agent_pb2.PowerAction, str]] = ..., command_id: _Optional[str] = ..., requested_by: _Optional[str] = ..., timeout_seconds: _Optional[float] = ...) -> None: ...

class PowerResult(_message.Message):
    __slots__ = ("result", "agent_id")
    RESULT_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    result: _agent_pb2.CommandResult
    agent_id: str
    def __init__(self, result: _Optional[_Union[_agent_pb2.CommandResult, _Mapping]] = ..., agent_id: _Optional[str] = ...) -> None: ...

class ListPowerActionsRequest(_message.Message):
    __slots__ = ("asset_id", "limit")
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    LIMIT_FIELD_NUMBER: _ClassVar[int]
    asset_id: str
    limit: int
    def __init__(self, asset_id: _Optional[str] = ..., limit: _Optional[int] = ...) -> None: ...

class PowerActionRecord(_message.Message):
    __slots__ = ("command_id", "asset_id", "action", "requested_by", "requested_unix_ms", "outcome", "message", "elapsed_seconds", "power_state", "agent_id")
    COMMAND_ID_FIELD_NUMBER: _ClassVar[int]
    ASSET_ID_FIELD_NUMBER: _ClassVar[int]
    ACTION_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_BY_FIELD_NUMBER: _ClassVar[int]
    REQUESTED_UNIX_MS_FIELD_NUMBER: _ClassVar[int]
    OUTCOME_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    ELAPSED_SECONDS_FIELD_NUMBER: _ClassVar[int]
    POWER_STATE_FIELD_NUMBER: _ClassVar[int]
    AGENT_ID_FIELD_NUMBER: _ClassVar[int]
    command_id: str
    asset_id: str
    action: str
    requested_by: str
    requested_unix_ms: int
    outcome: str
    message: str
    elapsed_seconds: float
    power_state: str
    agent_id: str
    def __init__(self, command_id: _Optional[str] = ..., asset_id: _Optional[str] = ..., action: _Optional[str] = ..., requested_by: _Optional[str] = ..., requested_unix_ms: _Optional[int] = ..., outcome: _Optional[str] = ..., message: _Optional[str] = ..., elapsed_seconds: _Optional[float] = ..., power_state: _Optional[str] = ..., agent_id: _Optional[str] = ...) -> None: ...

class ListPowerActionsResponse(_message.Message):
    __slots__ = ("actions",)
    ACTIONS_FIELD_NUMBER: _ClassVar[int]
    actions: _containers.RepeatedCompositeFieldContainer[PowerActionRecord]
    def __init__(self, actions: _Optional[_Iterable[_Union[PowerActionRecord, _Mapping]]] = ...) -> None: ...
