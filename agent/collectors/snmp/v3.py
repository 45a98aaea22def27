"""The only module that imports pysnmp: its USM key localisation and privacy ciphers, as bytes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pyasn1.type import univ
from pysnmp.error import PySnmpError
from pysnmp.hlapi.v3arch import asyncio as hl
from pysnmp.proto.secmod.rfc3414.service import SnmpUSMSecurityModel

from agent.collectors.snmp.session import Credentials, SnmpError

_AUTH_IDS = {
    "SHA": hl.usmHMACSHAAuthProtocol, "SHA-224": hl.usmHMAC128SHA224AuthProtocol,
    "SHA-256": hl.usmHMAC192SHA256AuthProtocol, "SHA-384": hl.usmHMAC256SHA384AuthProtocol,
    "SHA-512": hl.usmHMAC384SHA512AuthProtocol, "MD5": hl.usmHMACMD5AuthProtocol,
}
_PRIV_IDS = {
    "AES": hl.usmAesCfb128Protocol, "AES-128": hl.usmAesCfb128Protocol,
    "AES-192": hl.usmAesCfb192Protocol, "AES-256": hl.usmAesCfb256Protocol,
    "AES-192-BLUMENTHAL": hl.usmAesBlumenthalCfb192Protocol,
    "AES-256-BLUMENTHAL": hl.usmAesBlumenthalCfb256Protocol,
    "DES": hl.usmDESPrivProtocol,
}
_MAX_ENGINES = 4096
# HMAC hash and truncated digest length per auth protocol (RFC 3414 6/7, RFC 7860 4.2)
AUTH_HASH = {"MD5": ("md5", 12), "SHA": ("sha1", 12), "SHA-224": ("sha224", 16),
             "SHA-256": ("sha256", 24), "SHA-384": ("sha384", 32), "SHA-512": ("sha512", 48)}


@dataclass(frozen=True, slots=True)
class LocalKeys:
    """Keys localised to one authoritative engine; repr shows no key material."""

    auth_key: bytes
    priv_key: Any  # pysnmp's own key object, handed back to its cipher

    def __repr__(self) -> str:
        return "LocalKeys(...)"


class UsmCrypto:
    """One v3 user's keys: passphrases hashed once, localised per engine ID (cached)."""

    def __init__(self, creds: Credentials) -> None:
        self.auth = creds.auth_protocol if creds.auth_protocol in _AUTH_IDS else "NONE"
        self.priv = creds.priv_protocol if creds.priv_protocol in _PRIV_IDS else "NONE"
        if self.priv != "NONE" and self.auth == "NONE":
            raise SnmpError("bad", "privacy without authentication is not allowed by USM")
        self._auth_id = tuple(_AUTH_IDS.get(self.auth, hl.usmNoAuthProtocol))
        self._auth_service = SnmpUSMSecurityModel.AUTH_SERVICES.get(self._auth_id)
        self._priv_service: Any = None
        self._master_auth: Any = None
        self._master_priv: Any = None
        if self.auth != "NONE":
            if not creds.auth_key:
                raise SnmpError("bad", f"auth protocol {self.auth} needs an auth key")
            self._master_auth = self._auth_service.hash_passphrase(creds.auth_key.encode())
        if self.priv != "NONE":
            if not creds.priv_key:
                raise SnmpError("bad", f"privacy protocol {self.priv} needs a privacy key")
            self._priv_service = SnmpUSMSecurityModel.PRIV_SERVICES[tuple(_PRIV_IDS[self.priv])]
            self._master_priv = self._priv_service.hash_passphrase(
                self._auth_id, creds.priv_key.encode())
        self._local: dict[bytes, LocalKeys] = {}

    def keys_for(self, engine_id: bytes) -> LocalKeys:
        keys = self._local.get(engine_id)
        if keys is None:
            if len(self._local) >= _MAX_ENGINES:  # bounded, whatever agents claim to be
                self._local.clear()
            engine = univ.OctetString(engine_id)
            auth = b"" if self._master_auth is None else bytes(
                self._auth_service.localize_key(self._master_auth, engine))
            priv = None if self._priv_service is None else self._priv_service.localize_key(
                self._auth_id, self._master_priv, engine)
            keys = self._local[engine_id] = LocalKeys(auth, priv)
        return keys

    def encrypt(self, keys: LocalKeys, boots: int, time_s: int, plaintext: bytes
                ) -> tuple[bytes, bytes]:
        """(ciphertext, privParameters) of a scoped PDU."""
        try:
            cipher, salt = self._priv_service.encrypt_data(
                keys.priv_key, (boots, time_s, None), plaintext)
        except PySnmpError as exc:
            raise SnmpError("bad", f"{self.priv} encryption failed: {exc}") from None
        return bytes(cipher), bytes(salt)

    def decrypt(self, keys: LocalKeys, boots: int, time_s: int, salt: bytes,
                ciphertext: bytes) -> bytes | None:
        """The plaintext, or None when the cipher refuses it (wrong length or salt)."""
        try:
            return bytes(self._priv_service.decrypt_data(
                keys.priv_key, (boots, time_s, univ.OctetString(salt)),
                univ.OctetString(ciphertext)))
        except (PySnmpError, ValueError):
            return None
