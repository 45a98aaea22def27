"""The only module that imports pyghmi: one blocking IPMI-over-LAN (RMCP+) session to one BMC."""

from __future__ import annotations

import contextlib
import threading
from typing import Any

from pyghmi import exceptions as pyghmi_exceptions
from pyghmi.ipmi import command as ipmi_command
from pyghmi.ipmi import fru as ipmi_fru

from agent.collectors.ipmi.bmc import (
    BmcAuthFailed,
    BmcError,
    BmcInsecure,
    BmcUnreachable,
    SecurityInfo,
    SensorSample,
)

THRESHOLD_NAMES = ("lower_non_critical", "lower_critical", "lower_non_recoverable",
                   "upper_non_critical", "upper_critical", "upper_non_recoverable")
FRU_CHUNK_SIZES = (32, 16, 8)  # ipmi_sim answers 0xC8 to 64+ bytes; real BMCs say 0xC9/0xCA
FRU_RETRY_CODES = {0xC7, 0xC8, 0xC9, 0xCA}
_LOGIN_LOCK = threading.Lock()
__all__ = ["BmcAuthFailed", "BmcError", "BmcInsecure", "BmcSession", "BmcUnreachable",
           "SecurityInfo", "SensorSample"]


def _map(exc: Exception) -> BmcError:
    text = str(exc) if str(exc) not in ("", "None") else ""
    low = text.lower()
    if "password" in low or "unauthorized" in low or "authentication" in low or "user" in low:
        return BmcAuthFailed(text or "authentication failed")
    if not text or "timeout" in low or "unreachable" in low or "session" in low:
        return BmcUnreachable(text or "no answer from BMC")
    return BmcError(text)


def _cipher_suite(integrity: Any, confidentiality: Any) -> int:
    """RMCP+ cipher suite id from the negotiated algorithms (3: SHA1 + AES, 17: SHA256 + AES)."""
    integ = str(integrity).lower()
    conf = str(confidentiality).lower()
    if conf in ("aes", "2", "1") and integ in ("1", "sha1", "hmac-sha1-96"):
        return 3
    if conf in ("aes", "1") and integ in ("3", "sha256", "hmac-sha256-128"):
        return 17
    if conf in ("0", "none", "") and integ in ("0", "none", ""):
        return 0
    return -1


class BmcSession:
    """A blocking session; call its methods from one worker thread, one call at a time."""

    def __init__(self, host: str, port: int, user: str, password: str,
                 privilege: int | None = None) -> None:
        try:
            # bytes credentials: pyghmi 1.6 hangs on a second str session to the same BMC.
            # Logins are serialised: concurrent logins (one failing) stalled others by ~1 s here.
            with _LOGIN_LOCK:
                self._cmd = ipmi_command.Command(bmc=host, port=port, userid=user.encode(),
                                                 password=password.encode(), privlevel=privilege)
        except pyghmi_exceptions.IpmiException as exc:
            raise _map(exc) from None
        except OSError as exc:
            raise BmcUnreachable(str(exc)) from None
        self.security = self._check_security()
        self._thresholds: dict[int, dict[str, float]] | None = None

    def _check_security(self) -> SecurityInfo:
        """Refuse sessions without RMCP+ integrity and confidentiality (cipher 0, IPMI 1.5)."""
        session = self._cmd.ipmi_session
        version = str(getattr(session, "ipmiversion", ""))
        integrity = getattr(session, "integrityalgo", 0)
        confidentiality = getattr(session, "confalgo", 0)
        info = SecurityInfo(version, _cipher_suite(integrity, confidentiality), str(integrity),
                            str(confidentiality))
        if getattr(session, "ipmi15only", False) or not version.startswith("2"):
            raise BmcInsecure(f"BMC offered IPMI {version or '1.5'} only; refusing (no RMCP+)")
        if not integrity or not confidentiality or info.cipher_suite == 0:
            raise BmcInsecure("session without integrity or encryption (cipher suite 0) refused")
        return info

    def _call(self, fn: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except pyghmi_exceptions.IpmiException as exc:
            raise _map(exc) from None
        except OSError as exc:
            raise BmcUnreachable(str(exc)) from None

    def thresholds(self) -> dict[int, dict[str, float]]:
        """The BMC's own thresholds per threshold-based sensor number (Get Sensor Thresholds)."""
        if self._thresholds is None:
            sdr = self._call(self._cmd.init_sdr)
            out: dict[int, dict[str, float]] = {}
            for key in sdr.get_sensor_numbers():
                entry = sdr.sensors[key]
                if entry.reading_type != 1:
                    continue
                rsp = self._call(self._cmd.raw_command, netfn=0x04, command=0x27,
                                 data=(entry.sensor_number,))
                data = rsp.get("data") or []
                if "error" in rsp or len(data) < 7:
                    continue
                out[entry.sensor_number] = {
                    name: float(entry.decode_value(self._cmd, data[i + 1]))
                    for i, name in enumerate(THRESHOLD_NAMES) if data[0] & (1 << i)}
            self._thresholds = out
        return self._thresholds

    def sensors(self) -> list[SensorSample]:
        thresholds = self.thresholds()
        sdr = self._call(self._cmd.init_sdr)
        numbers = {sdr.sensors[k].name: sdr.sensors[k].sensor_number
                   for k in sdr.get_sensor_numbers()}
        out = []
        for s in self._call(lambda: list(self._cmd.get_sensor_data())):
            number = numbers.get(s.name, -1)
            out.append(SensorSample(
                name=s.name, number=number, type=str(s.type or ""),
                value=float(s.value) if s.value is not None else None,
                units=str(s.units or ""), health=int(s.health or 0),
                states=tuple(str(x) for x in (s.states or ())),
                unavailable=bool(getattr(s, "unavailable", 0)),
                thresholds=thresholds.get(number, {}),
            ))
        return out

    def power_state(self) -> str:
        return str(self._call(self._cmd.get_power).get("powerstate", ""))

    def set_power(self, state: str) -> None:
        """Ask for on/off/cycle without waiting; the caller confirms by reading back."""
        self._call(self._cmd.set_power, state, wait=False)

    def sel(self) -> list[dict[str, Any]]:
        return list(self._call(self._cmd.get_event_log))

    def sel_overflow(self) -> bool:
        """Get SEL Info: bit 7 of the operation-support byte says events were dropped."""
        rsp = self._call(self._cmd.raw_command, netfn=0x0A, command=0x40)
        data = rsp.get("data") or []
        return "error" not in rsp and len(data) >= 14 and bool(data[13] & 0x80)

    def fru_bytes(self, fruid: int = 0) -> bytes:
        """FRU data read in small chunks (backing off on 0xC7/0xC8/0xC9/0xCA)."""
        info = self._call(self._cmd.raw_command, netfn=0x0A, command=0x10, data=(fruid,))
        if "error" in info:
            raise BmcError(f"FRU {fruid}: {info['error']}")
        size = info["data"][0] | (info["data"][1] << 8)
        data = bytearray()
        sizes = list(FRU_CHUNK_SIZES)
        while len(data) < size and sizes:
            count = min(sizes[0], size - len(data))
            offset = len(data)
            rsp = self._call(self._cmd.raw_command, netfn=0x0A, command=0x11,
                             data=(fruid, offset & 0xFF, offset >> 8, count))
            if rsp.get("code") in FRU_RETRY_CODES:
                sizes.pop(0)
                continue
            if "error" in rsp:
                raise BmcError(f"FRU {fruid} read at {offset}: {rsp['error']}")
            chunk = bytes(rsp["data"][1:1 + rsp["data"][0]])
            if not chunk:
                break
            data.extend(chunk)
        if len(data) < size:
            raise BmcError(f"FRU {fruid}: read {len(data)} of {size} bytes")
        return bytes(data)

    def fru_info(self, fruid: int = 0) -> dict[str, Any]:
        """Chassis/board/product fields parsed from the FRU data."""
        raw = self.fru_bytes(fruid)
        try:
            info = ipmi_fru.FRU(rawdata=bytearray(raw)).info
        except Exception as exc:  # a malformed FRU image is that BMC's problem, reported as such
            raise BmcError(f"FRU {fruid}: cannot parse: {exc}") from None
        return dict(info or {})

    def close(self) -> None:
        with contextlib.suppress(Exception):  # logging out of a dead session: nothing to do
            self._cmd.ipmi_session.logout()
