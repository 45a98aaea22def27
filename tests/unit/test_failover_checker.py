"""The invariant checker catches planted bugs (promote before confirmed off, two actives, repeats)."""

from __future__ import annotations

from tests.failover_checker import RoleChange, check


def _safe_failover() -> tuple[dict[str, list[RoleChange]], dict[str, list[tuple[int, str]]]]:
    roles = {"b": [RoleChange(2000, "b", "active", 1, "sw1/promote")]}
    power = {"a": [(1500, "0")]}
    return roles, power


def test_checker_accepts_a_safe_failover_and_planned_switchover() -> None:
    roles, power = _safe_failover()
    assert check(roles, power, "a", {"sw1/promote"}) == []
    planned = {"a": [RoleChange(1000, "a", "standby", 1, "sw2/demote")],
               "b": [RoleChange(1200, "b", "active", 1, "sw2/promote")]}
    assert check(planned, {}, "a") == []


def test_checker_catches_promote_before_confirmed_off() -> None:
    roles, _ = _safe_failover()
    found = check(roles, {"a": [(2500, "0")]}, "a", {"sw1/promote"})
    assert found and found[0].startswith("S2")


def test_checker_catches_two_actives_and_stale_epochs_and_repeats() -> None:
    two = {"b": [RoleChange(1200, "b", "active", 1, "x/promote")]}
    assert any(p.startswith("S1") for p in check(two, {}, "a"))
    stale = {"a": [RoleChange(1000, "a", "standby", 2, "y/demote"),
                   RoleChange(3000, "a", "active", 1, "old/promote")],
             "b": [RoleChange(1100, "b", "active", 2, "y/promote"),
                   RoleChange(2900, "b", "standby", 2, "z/demote")]}
    assert any("epoch 1 after epoch 2" in p for p in check(stale, {}, "a"))
    repeated = {"a": [RoleChange(1000, "a", "standby", 1, "r/demote"),
                      RoleChange(1500, "a", "standby", 1, "r/demote")]}
    assert any(p.startswith("S6") for p in check(repeated, {}, "a"))
