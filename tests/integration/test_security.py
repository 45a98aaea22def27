"""Issue 14 against a real controller: audit chain (S7), roles, tokens, TOTP, agent ownership."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pyotp
import pytest

from tests.fakes.agent_stream import ScriptedAgent
from tests.helpers import ControllerProc, cli, cli_json, env, hotspare_cmd, wait_for

pytestmark = pytest.mark.integration


def _db(ctl: ControllerProc) -> sqlite3.Connection:
    return sqlite3.connect(str(ctl.data_dir / "hotspare.sqlite"), isolation_level=None)


def _as(token: str, *args: str) -> tuple[int, str, str]:
    import subprocess
    e = env()
    e["HOTSPARE_TOKEN"] = token
    done = subprocess.run(hotspare_cmd(*args), capture_output=True, text=True, env=e,
                          timeout=30, cwd=Path(__file__).resolve().parents[2])
    return done.returncode, done.stdout, done.stderr


@pytest.fixture()
def ctl(tmp_path):
    proc = ControllerProc(tmp_path / "data")
    proc.wait_ready()
    yield proc
    proc.stop()


def test_audit_records_acts_and_verify_names_an_edited_deleted_or_reordered_record(ctl):
    addr = ctl.address
    for reason in ("PSU swap", "fan swap", "disk swap"):
        done = cli("silence", "add", "--asset", "srv1", "--duration", "1h", "--reason", reason,
                   "--controller", addr)
        assert done.returncode == 0, done.stderr
    rows = cli_json("audit", "list", "--json", "--controller", addr)["records"]
    assert [r["action"] for r in rows] == ["silence.add"] * 3
    assert rows[0]["who"] == "local-admin (loopback, no TLS)" and rows[1]["reason"] == "fan swap"
    assert rows[1]["prev_hash"] == rows[0]["hash"]
    ok = cli("audit", "verify", "--controller", addr)
    assert ok.returncode == 0 and "intact: 3 records" in ok.stdout, ok.stdout + ok.stderr

    conn = _db(ctl)
    conn.execute("UPDATE audit_log SET reason='nothing to see' WHERE seq=2")
    bad = cli_json_rc("audit", "verify", "--json", "--controller", addr)
    assert bad["ok"] is False and bad["first_bad_seq"] == 2 and "edited" in bad["problem"]
    text = cli("audit", "verify", "--controller", addr)
    assert text.returncode == 1 and "record 2" in text.stdout

    conn.execute("UPDATE audit_log SET reason='fan swap' WHERE seq=2")  # restored: intact again
    assert cli("audit", "verify", "--controller", addr).returncode == 0
    a, b = conn.execute("SELECT * FROM audit_log WHERE seq IN (1, 2) ORDER BY seq").fetchall()
    conn.execute("DELETE FROM audit_log WHERE seq IN (1, 2)")  # reorder: swap records 1 and 2
    conn.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?)", (1, *b[1:]))
    conn.execute("INSERT INTO audit_log VALUES (?,?,?,?,?,?,?,?,?)", (2, *a[1:]))
    assert cli_json_rc("audit", "verify", "--json", "--controller", addr)["first_bad_seq"] == 1
    conn.execute("DELETE FROM audit_log WHERE seq IN (1, 2)")  # delete: the chain starts at 3
    out = cli_json_rc("audit", "verify", "--json", "--controller", addr)
    assert out["first_bad_seq"] == 3 and "deleted" in out["problem"]
    conn.close()


def cli_json_rc(*args: str) -> dict:
    import json
    done = cli(*args)
    return json.loads(done.stdout)


def test_audit_write_failure_refuses_the_power_command_and_nothing_is_sent(ctl):
    agent = ScriptedAgent(ctl.address, "ag-bmc", "bmc-x")
    try:
        agent.send("inlet", 30.0)
        conn = _db(ctl)
        conn.execute("CREATE TRIGGER audit_broken BEFORE INSERT ON audit_log "
                     "BEGIN SELECT RAISE(ABORT, 'disk full'); END")
        done = cli("power", "off", "bmc-x", "--yes", "--json", "--controller", ctl.address)
        assert done.returncode == 1
        assert "audit write failed" in done.stderr and "refused" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert conn.execute("SELECT count(*) FROM commands").fetchone()[0] == 0
        silence = cli("silence", "add", "--asset", "bmc-x", "--duration", "1h", "--reason",
                      "x", "--controller", ctl.address)
        assert silence.returncode == 1 and "audit write failed" in silence.stderr
        assert cli_json("silence", "list", "--controller", ctl.address)["silences"] == []
        conn.close()
    finally:
        agent.close()


def test_users_roles_tokens_and_totp(ctl, tmp_path):
    addr = ctl.address
    op = cli_json("user", "add", "olga", "--role", "operator", "--json", "--controller", addr)
    op_token = op["token"]
    # Once a user exists the built-in local admin is gone: no token, no answer.
    anon = cli("assets", "--controller", addr)
    assert anon.returncode == 1 and "authentication required" in anon.stderr
    rc, _, err = _as("hs_0000.forged", "assets", "--controller", addr)
    assert rc == 1 and "invalid or revoked token" in err
    rc, out, err = _as(op_token, "whoami", "--controller", addr)
    assert rc == 0 and out.strip() == "olga (operator)", err
    rc, _, err = _as(op_token, "power", "off", "srv1", "--yes", "--controller", addr)
    assert rc == 1 and "olga (operator) may not call Power (needs approve)" in err
    rc, _, err = _as(op_token, "user", "add", "eve", "--role", "admin", "--controller", addr)
    assert rc == 1 and "may not call AddUser" in err
    rc, _, err = _as(op_token, "silence", "add", "--asset", "srv1", "--duration", "1h",
                     "--reason", "swap", "--author", "mallory", "--controller", addr)
    assert rc == 0, err
    rc, out, err = _as(op_token, "silence", "list", "--json", "--controller", addr)
    assert '"author": "olga"' in out  # the client's --author is ignored



def test_totp_second_factor_wrong_and_replayed_codes_refused(ctl, tmp_path):
    addr = ctl.address
    admin = cli_json("user", "add", "root", "--role", "admin", "--json", "--controller", addr)
    token_file = tmp_path / "root.token"
    token_file.write_text(admin["token"] + "\n")
    os.chmod(token_file, 0o644)
    loose = cli("--token-file", str(token_file), "whoami", "--controller", addr)
    assert loose.returncode != 0 and "0600" in loose.stderr  # a token file others can read
    os.chmod(token_file, 0o600)
    tf = ["--token-file", str(token_file)]
    done = cli(*tf, "user", "add", "ann", "--role", "approver", "--totp", "--json",
               "--controller", addr)
    assert done.returncode == 0, done.stderr
    import json
    ann = json.loads(done.stdout)
    secret = pyotp.parse_uri(ann["totp_uri"]).secret
    rc, _, err = _as(ann["token"], "power", "off", "srv9", "--yes", "--controller", addr)
    assert rc == 1 and "needs a TOTP code" in err
    wrong = f"{(int(pyotp.TOTP(secret).now()) + 1) % 1_000_000:06d}"
    rc, _, err = _as(ann["token"], "power", "off", "srv9", "--yes", "--otp", wrong,
                     "--controller", addr)
    assert rc == 1 and "wrong TOTP code" in err
    code = pyotp.TOTP(secret).now()
    rc, _, err = _as(ann["token"], "power", "off", "srv9", "--yes", "--otp", code,
                     "--controller", addr)
    assert rc == 1 and "no asset 'srv9'" in err  # past authentication and the second factor
    rc, _, err = _as(ann["token"], "power", "off", "srv9", "--yes", "--otp", code,
                     "--controller", addr)
    assert rc == 1 and "already used" in err
    # Secrets at rest: neither the token nor the TOTP seed is in the database or the log.
    raw = b"".join(p.read_bytes() for p in ctl.data_dir.glob("hotspare.sqlite*"))
    for canary in (ann["token"].split(".", 1)[1], secret, admin["token"].split(".", 1)[1]):
        assert canary.encode() not in raw and canary not in ctl.log()
    assert oct(os.stat(ctl.data_dir / "secrets.key").st_mode & 0o777) == "0o600"
    who = [r["who"] for r in cli_json(*tf, "audit", "list", "--json", "--controller",
                                      addr)["records"]]
    assert who[:2] == ["local-admin (loopback, no TLS)", "root"]


def test_agent_b_cannot_write_agent_a_asset(ctl):
    a = ScriptedAgent(ctl.address, "agent-a", "srv-a")
    b = ScriptedAgent(ctl.address, "agent-b", "srv-b")
    try:
        a.send("inlet", 40.0)
        b.send("inlet", 41.0)
        b.asset_id = "srv-a"  # B forges a reading for A's asset on its own stream
        with pytest.raises(AssertionError, match="no ack"):
            b.send("inlet", 99.0, timeout=3.0)
        assert "owned by another agent" in ctl.log()
        hijack = ScriptedAgent(ctl.address, "agent-c", "srv-a")  # claims A's asset in Hello
        with pytest.raises(AssertionError, match="no ack"):
            hijack.send("inlet", 99.0, timeout=3.0)
        hijack.close()
        asset = cli_json("readings", "srv-a", "--controller", ctl.address)
        values = [r["value"] for r in asset["readings"] if r["sensor_id"] == "inlet"]
        assert values == [40.0], asset
        owners = dict(_db(ctl).execute("SELECT asset_id, agent_id FROM assets").fetchall())
        assert owners["srv-a"] == "agent-a"
    finally:
        a.close()
        b.close()


def test_future_dated_reading_is_refused_and_the_alert_stays_firing(ctl):
    agent = ScriptedAgent(ctl.address, "ag-f", "srv-f")
    try:
        now = int(time.time() * 1000)
        agent.send("inlet", 99.0, now, status=3)
        wait_for(lambda: [a for a in cli_json("alerts", "--controller", ctl.address)["alerts"]
                          if a["asset_id"] == "srv-f" and a["state"] == "firing"], 10, 0.2,
                 "alert firing")
        with pytest.raises(AssertionError, match="no ack"):
            agent.send("inlet", 20.0, now + 290_000, timeout=3.0)  # 'five minutes ahead'
        assert "in the future" in ctl.log()
        time.sleep(1.0)
        alerts = [a for a in cli_json("alerts", "--controller", ctl.address)["alerts"]
                  if a["asset_id"] == "srv-f"]
        assert alerts and all(a["state"] == "firing" for a in alerts), alerts
    finally:
        agent.close()


def test_oversized_names_and_seq_jumps_are_refused_and_the_asset_list_stays_usable(ctl):
    huge = ScriptedAgent(ctl.address, "ag-huge", "x" * 10_000)  # refused at Hello
    with pytest.raises(AssertionError, match="no ack"):
        huge.send("inlet", 1.0, timeout=3.0)
    huge.close()
    agent = ScriptedAgent(ctl.address, "ag-ok", "srv-ok")
    try:
        agent.send("inlet", 30.0)
        agent.seq = 10**12  # a huge jump on its own epoch: refused, not trusted
        with pytest.raises(AssertionError, match="no ack"):
            agent.send("inlet", 31.0, timeout=3.0)
        assert "jumps more than" in ctl.log() and "characters (limit 256)" in ctl.log()
        assets = cli_json("assets", "--controller", ctl.address)["assets"]
        assert [a["asset_id"] for a in assets] == ["srv-ok"]
    finally:
        agent.close()


def test_webhook_credentials_are_not_stored_or_logged_in_clear(tmp_path):
    from tests.helpers import free_port
    from tests.webhook import Receiver

    canary = "CANARY-s3cr3t-9f2b"
    receiver = Receiver(free_port()).start()
    conf = tmp_path / "controller.toml"
    conf.write_text(f'[controller]\n[alerts]\ntick_seconds = 0.2\n[[alerts.webhooks]]\n'
                    f'url = "http://127.0.0.1:{receiver.port}/hook?token={canary}"\n'
                    '[[alerts.rules]]\nname = "hot"\nlevel = 2\nkinds = ["temperature"]\n'
                    'sensor = "inlet"\ncondition = "above"\nthreshold = 80\nrecover = 70\n')
    ctl = ControllerProc(tmp_path / "data", extra=["--config", str(conf)])
    ctl.wait_ready()
    agent = ScriptedAgent(ctl.address, "ag-w", "srv-w")
    try:
        agent.send("inlet", 95.0)
        wait_for(lambda: receiver.alerts(rule="hot"), 15, 0.1, "webhook delivered")
        raw = b"".join(p.read_bytes() for p in ctl.data_dir.glob("hotspare.sqlite*"))
        assert canary.encode() not in raw and canary not in ctl.log()
        assert oct(os.stat(ctl.data_dir).st_mode & 0o777) == "0o700"
        assert oct(os.stat(ctl.data_dir / "hotspare.sqlite").st_mode & 0o777) == "0o600"
    finally:
        agent.close()
        ctl.stop()
        receiver.stop()
