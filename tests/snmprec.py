"""Read snmpsim .snmprec recordings into the values our BER codec would decode (for pure tests)."""

from __future__ import annotations

from pathlib import Path

from agent.collectors.snmp.ber import text_or_bytes
from agent.collectors.snmp.interpret import CounterState, readings_for
from agent.collectors.snmp.profiles import Profile, builtin_profiles, choose
from agent.collectors.snmp.session import Value
from hotspare import model

DATA = Path(__file__).resolve().parent / "data" / "snmp"
_INTS = {"2", "65", "66", "67", "70"}


def load(path: Path) -> dict[str, Value]:
    """OID -> value; lines with snmpsim variation modules (TYPE:module) are left out."""
    out: dict[str, Value] = {}
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split("|", 2)
        if len(parts) != 3 or ":" in parts[1]:
            continue
        oid, tag, text = parts
        raw: Value
        if tag in _INTS:
            raw = int(text)
        elif tag == "4":
            raw = text_or_bytes(text.encode("latin-1", errors="replace"))
        elif tag == "4x":
            raw = text_or_bytes(bytes.fromhex(text))
        elif tag == "6" or tag == "64":
            raw = text
        elif tag == "64x":
            raw = ".".join(str(b) for b in bytes.fromhex(text))
        elif tag == "5" or tag in ("128", "129", "130"):
            raw = None
        else:
            raw = bytes.fromhex(text) if tag.endswith("x") else text.encode()
        out[oid] = raw
    return out


def profiles_for(walk: dict[str, Value]) -> list[Profile]:
    """The profiles the collector would choose for this walk (sysObjectID and probes)."""
    profiles = builtin_profiles()
    answered = {p.probe for p in profiles.values()
                if p.probe and any(oid.startswith(p.probe + ".") for oid in walk)}
    return choose(profiles, str(walk.get("1.3.6.1.2.1.1.2.0") or ""), answered)


def readings(walk: dict[str, Value], profiles: list[Profile] | None = None,
             counters: CounterState | None = None, now_ms: int = 1_000_000
             ) -> list[model.Reading]:
    """Every reading every chosen profile makes of the walk (one poll)."""
    out: list[model.Reading] = []
    for profile in profiles if profiles is not None else profiles_for(walk):
        for table in profile.tables:
            got, _ = readings_for("dev", table, walk, now_ms, counters or CounterState(),
                                  False, 60)
            out += got
    return out
