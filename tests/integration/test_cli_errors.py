"""Bad input to the real CLI: one clear line saying what and where, exit status != 0, no traceback."""

from __future__ import annotations

import shutil
import socket
import sqlite3
import subprocess
from pathlib import Path

import pytest

from tests.helpers import ControllerProc, cli, free_port

pytestmark = pytest.mark.integration

NOT_UTF8 = b'[agent]\nid = "caf\xe9"\n'  # Latin-1: byte 0xe9 on line 2


def _one_line_error(proc: subprocess.CompletedProcess[str], *expected: str) -> str:
    assert proc.returncode != 0, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr
    for text in expected:
        assert text in lines[0], (text, lines[0])
    return lines[0]


def test_cli_errors_controller_port_taken(tmp_path):
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        port = holder.getsockname()[1]
        proc = cli("controller", "run", "--listen", f"127.0.0.1:{port}", "--data-dir",
                   str(tmp_path / "data"))
    line = _one_line_error(proc, f"cannot listen on 127.0.0.1:{port}", "in use")
    assert proc.returncode == 1, line


def test_cli_errors_second_controller_on_the_same_port(running_controller, tmp_path):
    """gRPC sets SO_REUSEPORT: without a check a second controller would share the port."""
    proc = cli("controller", "run", "--listen", running_controller.address, "--data-dir",
               str(tmp_path / "other"))
    _one_line_error(proc, f"cannot listen on {running_controller.address}")
    assert running_controller.alive()


@pytest.mark.parametrize("which", ["agent", "controller"])
def test_cli_errors_config_not_utf8(tmp_path, which):
    path = tmp_path / f"{which}.toml"
    path.write_bytes(NOT_UTF8.replace(b"agent", b"controller") if which == "controller"
                     else NOT_UTF8)
    proc = cli(which, "run", "--config", str(path))
    _one_line_error(proc, f"{path}:2:", "not UTF-8")
    assert proc.returncode == 2


def test_cli_errors_password_file_not_utf8(tmp_path):
    path = tmp_path / "bmc.pw"
    path.write_bytes(b"s\xe9cret\n")
    path.chmod(0o600)
    proc = cli("ipmi", "probe", f"127.0.0.1:{free_port(socket.SOCK_DGRAM)}", "--user", "u",
               "--password-file", str(path), "--json")
    line = _one_line_error(proc, f"{path}:1:", "not UTF-8")
    assert "\xe9" not in line and "0xe9" not in line and proc.returncode == 2


def test_cli_errors_secrets_file_not_utf8(tmp_path):
    path = tmp_path / "snmp.toml"
    path.write_bytes(b'auth_key = "k\xe9y-12345678"\npriv_key = "p"\n')
    path.chmod(0o600)
    proc = cli("snmp", "probe", f"127.0.0.1:{free_port(socket.SOCK_DGRAM)}", "--user", "u",
               "--secrets", str(path))
    _one_line_error(proc, f"{path}:1:", "not UTF-8")
    assert proc.returncode == 2


@pytest.mark.parametrize("args, expected", [
    (["--start", "1am"], "--start: bad time of day '1am' (use HH:MM"),
    (["--end", "25:00"], "--end: bad time of day '25:00'"),
    (["--start", "02:00", "--end", "2:00"], "start and end are both 02:00: the window has no length"),
    (["--timezone", "Mars/Olympus"], "--timezone: unknown time zone 'Mars/Olympus'"),
    (["--days", "caturday"], "--days: bad weekday 'caturday'"),
    (["--dates", "2026-13-01"], "--dates: bad date '2026-13-01'"),
])
def test_cli_errors_maintenance_window_checked_before_sending(args, expected):
    # the port is free: the window must be refused before any connection is tried
    proc = cli("maintenance", "add", "--name", "w", *args, "--controller",
               f"127.0.0.1:{free_port()}")
    _one_line_error(proc, "maintenance add:", expected)
    assert proc.returncode == 2 and "unreachable" not in proc.stderr


def test_cli_errors_whole_day_window_is_spelled_out(running_controller):
    ok = cli("maintenance", "add", "--name", "sundays", "--start", "00:00", "--end", "24:00",
             "--days", "sun", "--controller", running_controller.address)
    assert ok.returncode == 0, ok.stderr


@pytest.mark.parametrize("command", [
    ["assets"], ["readings", "x"], ["alerts"], ["maintenance", "list"], ["silence", "list"],
    ["power", "status", "x"], ["tui"], ["agent", "run"],
])
def test_cli_errors_bad_controller_port_is_named(command):
    proc = cli(*command, "--controller", "localhost:abc")
    _one_line_error(proc, "--controller", "'localhost:abc' has a bad port")
    assert "unreachable" not in proc.stderr and proc.returncode == 2


def _database(tmp_path: Path) -> Path:
    """A real controller database with some history, the controller stopped."""
    data = tmp_path / "data"
    ctl = ControllerProc(data)
    ctl.wait_ready()
    assert ctl.stop() == 0
    return data


def test_cli_errors_garbage_database(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    (data / "hotspare.sqlite").write_bytes(b"not a database, just garbage\n" * 500)
    proc = cli("controller", "run", "--listen", f"127.0.0.1:{free_port()}", "--data-dir", str(data))
    _one_line_error(proc, "controller cannot start", str(data / "hotspare.sqlite"))


def test_cli_errors_truncated_database(tmp_path):
    data = _database(tmp_path)
    db = data / "hotspare.sqlite"
    raw = db.read_bytes()
    db.write_bytes(raw[: len(raw) // 2])
    proc = cli("controller", "run", "--listen", f"127.0.0.1:{free_port()}", "--data-dir", str(data))
    _one_line_error(proc, "controller cannot start", str(db))


def test_cli_errors_database_of_a_newer_schema(tmp_path):
    data = _database(tmp_path)
    newer = tmp_path / "newer"
    shutil.copytree(data, newer)
    with sqlite3.connect(newer / "hotspare.sqlite") as conn:
        conn.execute("INSERT INTO schema_migrations VALUES (999, 0)")
    proc = cli("controller", "run", "--listen", f"127.0.0.1:{free_port()}", "--data-dir",
               str(newer), timeout=10)
    _one_line_error(proc, "controller cannot start", "newer")
