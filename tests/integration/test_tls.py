"""Mutual TLS between agent and controller: certified agents are served, others refused."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from controller.store import Store
from tests.helpers import ControllerProc, env, hotspare_cmd, wait_for

pytestmark = pytest.mark.integration


def _openssl(*args: str, cwd: Path) -> None:
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


def _pki(d: Path) -> None:
    _openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
             "-days", "2", "-subj", "/CN=hotspare-test-ca", cwd=d)
    for name, san in (("server", "IP:127.0.0.1"), ("agent", "DNS:agent")):
        _openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}.key", "-out",
                 f"{name}.csr", "-subj", f"/CN={'tls-good' if name == 'agent' else name}",
                 cwd=d)  # an agent's certificate names its agent id
        (d / f"{name}.ext").write_text(f"subjectAltName={san}\n")
        _openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                 "-CAcreateserial", "-out", f"{name}.pem", "-days", "2", "-extfile",
                 f"{name}.ext", cwd=d)


AGENT = """
[agent]
id = "{id}"
[agent.asset]
id = "{id}-host"
[agent.stream]
flush_interval_seconds = 0.2
ca_file = "{d}/ca.pem"
{client}
[collectors.local]
interval_seconds = 0.5
timeout_seconds = 0.5
"""


def test_tls_mutual_agent_served_and_uncertified_agent_refused(tmp_path, start_agent):
    pki = tmp_path / "pki"
    pki.mkdir()
    _pki(pki)
    conf = tmp_path / "controller.toml"
    conf.write_text(f'[controller]\ntls_cert_file = "{pki}/server.pem"\n'
                    f'tls_key_file = "{pki}/server.key"\ntls_client_ca_file = "{pki}/ca.pem"\n')
    ctl = ControllerProc(tmp_path / "data", extra=["--config", str(conf)])
    try:
        wait_for(lambda: "listening" in ctl.log(), 20, 0.1, "controller listening")
        good = AGENT.format(id="tls-good", d=pki,
                            client=f'cert_file = "{pki}/agent.pem"\nkey_file = "{pki}/agent.key"')
        bad = AGENT.format(id="tls-bad", d=pki, client="")
        start_agent(ctl.address, good, name="good")
        bad_agent = start_agent(ctl.address, bad, name="bad")

        def stored(agent_id: str) -> int:
            store = Store(ctl.data_dir / "hotspare.sqlite")
            try:
                return sum(n for _, n in store.fleet.stored_seqs(agent_id).values())
            finally:
                store.close()

        wait_for(lambda: stored("tls-good") >= 2, 20, 0.2, "certified agent's batches stored")
        wait_for(lambda: "unreachable" in bad_agent.log(), 10, 0.2, "uncertified agent refused")
        assert stored("tls-bad") == 0
        # The certificate of tls-good cannot write as another agent, nor call power.
        forged = AGENT.format(id="tls-forged", d=pki,
                              client=f'cert_file = "{pki}/agent.pem"\nkey_file = "{pki}/agent.key"')
        start_agent(ctl.address, forged, name="forged")
        wait_for(lambda: "certificate is for agent 'tls-good', not 'tls-forged'" in ctl.log(), 15,
                 0.2, "forged agent id refused")
        assert stored("tls-forged") == 0
        e = env()
        e.update(HOTSPARE_CA_FILE=str(pki / "ca.pem"), HOTSPARE_CERT_FILE=str(pki / "agent.pem"),
                 HOTSPARE_KEY_FILE=str(pki / "agent.key"))
        power = subprocess.run(hotspare_cmd("power", "off", "tls-good-host", "--yes",
                                            "--controller", ctl.address), env=e, text=True,
                               capture_output=True, timeout=30)
        assert power.returncode == 1 and "tls-good (agent) may not call Power" in power.stderr
    finally:
        ctl.stop()
