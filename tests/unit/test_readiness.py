"""Pure readiness: every fault gives the right verdict and reason code, and recovers."""

from __future__ import annotations

import dataclasses

from controller.failover.config import StandbyGroup
from controller.failover.readiness import Evidence, evaluate
from hotspare import model
from hotspare.standby import GroupLimits, Role, Verdict

K, S = model.ReadingKind, model.Status
NOW = 1_800_000_000_000
DAY = 86_400_000
GROUP = StandbyGroup("core", ("a", "b"), "a", GroupLimits(5.0, 30.0, 15.0, 90.0),
                     ("app.conf",), {"a": "a", "b": "b"})


def _r(asset: str, sensor: str, kind: model.ReadingKind, value: float | None, *,
       status: model.Status = S.OK, age_s: float = 1.0, reason: str = "",
       **labels: str) -> model.Reading:
    return model.Reading(asset, sensor, kind, value, "", status, reason, NOW - int(age_s * 1000),
                         labels={"interval_seconds": "5", **labels})


def member(asset: str, role: str, lag: float | None = 0.2, *, digest: str = "sha256:aa",
           lag_age_s: float = 1.0, extra: tuple[model.Reading, ...] = ()) -> Evidence:
    readings = [
        _r(asset, "standby:role", K.STANDBY_ROLE, 1.0 if role == "active" else 0.0, role=role),
        _r(asset, "standby:heartbeat", K.HEARTBEAT, 0.5),
        _r(asset, "standby:health", K.APP_HEALTH, 1.0),
        _r(asset, "standby:config:app.conf", K.CONFIG_DIGEST, None, digest=digest),
        _r(asset, "ipmi:reachability", K.REACHABILITY, 1.0),
        _r(asset, "ipmi:power", K.POWER_STATE, 1.0),
        _r(asset, "temp", K.TEMPERATURE, 40.0),
    ]
    if lag is not None:
        readings.append(_r(asset, "standby:lag", K.REPLICATION_LAG, lag,
                           measured_unix_ms=str(NOW - int(lag_age_s * 1000))))
    return Evidence(asset, True, True, 10.0, tuple(readings) + extra)


def codes(readiness) -> set[str]:  # type: ignore[no-untyped-def]
    return {r.code for r in readiness.reasons}


def run(a: Evidence, b: Evidence, drill_ms: int = NOW - DAY):  # type: ignore[no-untyped-def]
    return evaluate(GROUP, {"a": a, "b": b}, NOW, last_drill_unix_ms=drill_ms)


def test_readiness_healthy_pair_is_ready_with_roles_and_lag() -> None:
    r = run(member("a", "active"), member("b", "standby"))
    assert r.verdict is Verdict.READY and not r.reasons, r.reasons
    assert [m.role for m in r.members] == [Role.ACTIVE, Role.STANDBY]
    assert r.members[1].lag_seconds == 0.2 and 900 <= r.members[1].lag_age_ms <= 1100
    assert {n.code for n in r.notes} == {"spares_unknown"}


def test_readiness_lag_over_limit_and_back() -> None:
    r = run(member("a", "active"), member("b", "standby", lag=12.0))
    assert r.verdict is Verdict.NOT_READY
    (reason,) = r.reasons
    assert (reason.code, reason.member, reason.value, reason.limit) == (
        "lag_over_limit", "b", "12s", "5s")
    assert run(member("a", "active"), member("b", "standby", lag=1.0)).verdict is Verdict.READY


def test_readiness_lag_missing_or_stale_is_never_assumed_zero() -> None:
    assert codes(run(member("a", "active"), member("b", "standby", lag=None))) == {"lag_missing"}
    stale = run(member("a", "active"), member("b", "standby", lag=0.0, lag_age_s=45))
    assert stale.verdict is Verdict.NOT_READY and codes(stale) == {"lag_stale"}
    (reason,) = stale.reasons
    assert 44_000 <= reason.age_ms <= 46_000
    invalid = member("b", "standby", lag=None,
                     extra=(_r("b", "standby:lag", K.REPLICATION_LAG, None, status=S.UNKNOWN,
                               reason="lag_seconds is negative"),))
    assert codes(run(member("a", "active"), invalid)) == {"lag_invalid"}


def test_readiness_config_drift_names_the_file() -> None:
    r = run(member("a", "active"), member("b", "standby", digest="sha256:bb"))
    assert r.verdict is Verdict.NOT_READY and codes(r) == {"config_drift"}
    assert r.reasons[0].value == "app.conf" and "app.conf" in r.reasons[0].message


def test_readiness_two_actives_and_no_active() -> None:
    assert "two_actives" in codes(run(member("a", "active"), member("b", "active")))
    r = run(member("a", "standby"), member("b", "standby"))
    assert r.verdict is Verdict.NOT_READY and "no_active" in codes(r)


def test_readiness_bmc_unreachable_or_auth_failed_blocks_fencing() -> None:
    kept = [r for r in member("a", "active").readings if not r.sensor_id.startswith("ipmi:")]
    dead = dataclasses.replace(member("a", "active"), readings=(
        *kept, _r("a", "ipmi:reachability", K.REACHABILITY, 0.0, status=S.CRITICAL,
                  reason="BMC 127.0.0.1:623 unreachable: timeout")))
    r = run(dead, member("b", "standby"))
    assert r.verdict is Verdict.NOT_READY and codes(r) == {"fencing_unreachable"}
    auth = dataclasses.replace(dead, readings=(
        *kept, _r("a", "ipmi:reachability", K.REACHABILITY, 0.0, status=S.CRITICAL,
                  reason="Incorrect password provided")))
    assert codes(run(auth, member("b", "standby"))) == {"fencing_auth_failed"}
    old = dataclasses.replace(member("a", "active"), readings=tuple(
        dataclasses.replace(r, time_unix_ms=NOW - 60_000) if r.sensor_id.startswith("ipmi:")
        else r for r in member("a", "active").readings))
    assert codes(run(old, member("b", "standby"))) == {"fencing_unreachable"}


def test_readiness_failing_standby_disk_is_not_ready() -> None:
    disk = _r("b", "disk:sda:health", K.DISK_HEALTH, None, status=S.CRITICAL,
              reason="reallocated sectors 112")
    r = run(member("a", "active"), member("b", "standby", extra=(disk,)))
    assert r.verdict is Verdict.NOT_READY and codes(r) == {"standby_unhealthy"}
    assert "reallocated" in r.reasons[0].message


def test_readiness_heartbeat_stale_and_drill_overdue() -> None:
    old_hb = member("b", "standby", extra=())
    old_hb = dataclasses.replace(old_hb, readings=tuple(
        dataclasses.replace(r, value=40.0) if r.sensor_id == "standby:heartbeat" else r
        for r in old_hb.readings))
    assert codes(run(member("a", "active"), old_hb)) == {"heartbeat_stale"}
    r = run(member("a", "active"), member("b", "standby"), drill_ms=NOW - 120 * DAY)
    assert r.verdict is Verdict.DEGRADED and codes(r) == {"drill_overdue"}
    assert codes(run(member("a", "active"), member("b", "standby"), drill_ms=0)) == {
        "drill_never"}


def test_readiness_unknown_member_and_agent_down() -> None:
    r = evaluate(GROUP, {"a": member("a", "active")}, NOW, last_drill_unix_ms=NOW)
    assert "member_unknown" in codes(r) and r.verdict is Verdict.NOT_READY  # no standby at all
    down = dataclasses.replace(member("b", "standby"), agent_up=False)
    r = run(member("a", "active"), down)
    assert {"agent_down", "lag_stale", "heartbeat_stale"} <= codes(r)


def test_readiness_network_pair_roles_from_vrrp_without_replication() -> None:
    """A VRRP router pair: roles from vrrpOperState (3 master, 2 backup), no lag to judge."""
    routers = StandbyGroup("edge", ("r1", "r2"), "r1", GroupLimits(drill_max_age_days=0),
                           (), {}, replication=False)

    def router(asset: str, state: float) -> Evidence:
        return Evidence(asset, True, True, 10.0, (
            _r(asset, "vrrp:1", K.STANDBY_ROLE, state, vrid="1"),
            _r(asset, "standby:heartbeat", K.HEARTBEAT, 0.0)))

    r = evaluate(routers, {"r1": router("r1", 3.0), "r2": router("r2", 2.0)}, NOW)
    assert [m.role for m in r.members] == [Role.ACTIVE, Role.STANDBY]
    assert not {"lag_missing", "no_active", "two_actives"} & codes(r)
    both = evaluate(routers, {"r1": router("r1", 3.0), "r2": router("r2", 3.0)}, NOW)
    assert "two_actives" in codes(both)
