"""The hotspare CLI: help everywhere, one-line errors, exit status 2 on bad config."""

from __future__ import annotations

import subprocess

import pytest

from hotspare.cli import build_parser
from tests.helpers import cli, env, free_port, hotspare_cmd

pytestmark = pytest.mark.integration


def _subcommand_paths() -> list[list[str]]:
    paths: list[list[str]] = []

    def walk(parser, prefix):
        for action in parser._actions:
            choices = getattr(action, "choices", None)
            if isinstance(choices, dict):
                for name, sub in choices.items():
                    paths.append([*prefix, name])
                    walk(sub, [*prefix, name])

    walk(build_parser(), [])
    return paths


def test_cli_help_on_every_subcommand():
    paths = _subcommand_paths()
    assert ["assets"] in paths and ["agent", "run"] in paths and ["controller", "run"] in paths
    assert cli("--help").returncode == 0
    for path in paths:
        proc = cli(*path, "--help")
        assert proc.returncode == 0, (path, proc.stderr)
        assert "usage: hotspare" in proc.stdout


@pytest.mark.parametrize("command", [["assets"], ["readings", "x"], ["assets", "--json"]])
def test_cli_unreachable_controller_is_one_line(command):
    proc = cli(*command, "--controller", f"127.0.0.1:{free_port()}")
    assert proc.returncode == 1
    assert "unreachable" in proc.stderr
    assert "Traceback" not in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_cli_bad_agent_config_exit_2_with_file_and_line(tmp_path):
    path = tmp_path / "agent.toml"
    path.write_text("[agent]\nid = 5\n")
    proc = cli("agent", "run", "--config", str(path))
    assert proc.returncode == 2
    assert f"{path}:2:" in proc.stderr and "agent.id" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_bad_controller_config_exit_2(tmp_path):
    path = tmp_path / "c.toml"
    path.write_text('[controller]\nlisten = "127.0.0.1:http"\n')
    proc = cli("controller", "run", "--config", str(path))
    assert proc.returncode == 2 and f"{path}:2:" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_cli_bad_controller_flag_exit_2():
    proc = cli("agent", "run", "--controller", "nohost")
    assert proc.returncode == 2 and "--controller" in proc.stderr


def test_cli_unknown_asset_is_clear(running_controller):
    proc = cli("readings", "no-such-asset", "--controller", running_controller.address)
    assert proc.returncode == 1 and "no asset 'no-such-asset'" in proc.stderr


def test_cli_demo_without_tty_prints_summary_and_stops(tmp_path):
    proc = cli("demo", "--no-labs", "--data-dir", str(tmp_path / "demo"), "--port",
               str(free_port()), "--duration", "6", timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "[demo] controller on 127.0.0.1:" in proc.stdout
    assert "assets" in proc.stdout and "server" in proc.stdout
    assert "[demo] stopped" in proc.stdout
    assert (tmp_path / "demo" / "hotspare.sqlite").exists()


def test_cli_demo_labs_start_from_a_relative_data_dir(tmp_path):
    """`make demo` runs with ./hotspare-demo-data: the simulated BMCs must start from there too."""
    proc = subprocess.run(
        hotspare_cmd("demo", "--data-dir", "rel-data", "--port", str(free_port()),
                     "--duration", "20"),
        capture_output=True, text=True, timeout=120, env=env(), cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ipmi_lab: not started" not in proc.stdout, proc.stdout
    assert "rack1-server1" in proc.stdout and "rack1-server2" in proc.stdout, proc.stdout
    assert (tmp_path / "rel-data" / "hotspare.sqlite").exists()
