"""Deny by default: every RPC names the permission it needs; roles grant permissions."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hotspare.v1 import agent_pb2

VIEW, OPERATE, APPROVE, PROCURE, ADMIN, AGENT = (
    "view", "operate", "approve", "procure", "admin", "agent")

ROLES: dict[str, frozenset[str]] = {
    "viewer": frozenset({VIEW}),
    "operator": frozenset({VIEW, OPERATE}),
    "approver": frozenset({VIEW, OPERATE, APPROVE}),
    "procurement": frozenset({VIEW, PROCURE}),
    "admin": frozenset({VIEW, OPERATE, APPROVE, PROCURE, ADMIN}),
    "agent": frozenset({AGENT}),
}
USER_ROLES = ("viewer", "operator", "approver", "procurement", "admin")


def _power(request: Any) -> str:
    return VIEW if getattr(request, "action", 0) == agent_pb2.POWER_ACTION_STATUS else APPROVE


def _switchover(request: Any) -> str:
    return VIEW if getattr(request, "dry_run", False) else APPROVE


Need = str | Callable[[Any], str]
_S = "/hotspare.v1."
METHODS: dict[str, Need] = {
    _S + "AgentService/Stream": AGENT,
    **{_S + "QueryService/" + m: VIEW
       for m in ("ListAssets", "GetAsset", "GetHistory", "WatchFleet")},
    _S + "QueryService/ForgetAsset": ADMIN,  # a decommissioned asset goes, with its history
    **{_S + "AlertService/" + m: VIEW
       for m in ("ListAlerts", "GetAlert", "ListSilences", "ListMaintenance")},
    **{_S + "AlertService/" + m: OPERATE
       for m in ("AckAlert", "AddSilence", "ExpireSilence", "AddMaintenance",
                 "RemoveMaintenance")},
    _S + "ControlService/Power": _power,
    _S + "ControlService/ListPowerActions": VIEW,
    **{_S + "FailoverService/" + m: VIEW
       for m in ("ListGroups", "GetGroup", "WatchGroups", "ListSwitchovers", "ListDrills")},
    _S + "FailoverService/Switchover": _switchover,
    _S + "FailoverService/ConfirmFenced": APPROVE,
    _S + "FailoverService/RunDrill": APPROVE,
    **{_S + "SparesService/" + m: VIEW
       for m in ("ListStock", "ListChanges", "ListReservations", "GetReport", "ListCatalogue")},
    **{_S + "SparesService/" + m: PROCURE
       for m in ("AddStock", "RemoveStock", "ReceiveStock", "ImportStock")},
    _S + "SecurityService/WhoAmI": VIEW,
    **{_S + "SecurityService/" + m: ADMIN
       for m in ("ListAudit", "VerifyAudit", "AddUser", "RemoveUser", "ListUsers")},
}

# Acts that need a second factor from users who enrolled one.
SECOND_FACTOR: dict[str, Callable[[Any], bool]] = {
    _S + "ControlService/Power": lambda r: getattr(r, "action", 0) in (
        agent_pb2.POWER_ACTION_OFF, agent_pb2.POWER_ACTION_CYCLE),
    _S + "FailoverService/Switchover": lambda r: not getattr(r, "dry_run", False),
    _S + "FailoverService/ConfirmFenced": lambda r: True,
    _S + "FailoverService/RunDrill": lambda r: True,
    _S + "SecurityService/AddUser": lambda r: True,
    _S + "SecurityService/RemoveUser": lambda r: True,
}
OPEN_PREFIXES = ("/grpc.health.v1.Health/",)


def needed(method: str, request: Any) -> str | None:
    """The permission a call needs; None for an unknown method (refused)."""
    need = METHODS.get(method)
    if need is None or isinstance(need, str):
        return need
    return need(request)


def allowed(role: str, permission: str) -> bool:
    return permission in ROLES.get(role, frozenset())
