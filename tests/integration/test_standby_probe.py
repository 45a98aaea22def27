"""The standby collector with real probe commands and a real HTTP endpoint: bad answers are data."""

from __future__ import annotations

import asyncio
import http.server
import json
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from agent.collectors import CollectorContext
from agent.collectors.standby import StandbyCollector
from agent.collectors.standby.collector import MemberConfig, StandbyConfig
from hotspare import model
from tests.helpers import cli

pytestmark = pytest.mark.integration
S = model.Status


def _collect(tmp_path: Path, script: str, timeout: float = 1.0, url: str = "",
             files: dict[str, str] | None = None) -> dict[str, model.Reading]:
    probe = tmp_path / "probe.py"
    probe.write_text(script)
    member = MemberConfig("srv", "g", () if url else (sys.executable, str(probe)), url,
                          files or {})
    cfg = StandbyConfig(interval_seconds=2.0, timeout_seconds=timeout, members=(member,))
    collector = StandbyCollector(cfg, CollectorContext("ag", "host", lambda b: None))
    batch = asyncio.run(collector.collect())
    return {r.sensor_id: r for r in batch.readings}


def test_standby_probe_good_answer(tmp_path: Path) -> None:
    measured = int(time.time() * 1000) - 4000
    conf = tmp_path / "app.conf"
    conf.write_text("mode = sync\n")
    got = _collect(tmp_path, "import json; print(json.dumps({'role': 'standby', 'lag_seconds': "
                   f"1.5, 'lag_measured_unix_ms': {measured}, 'healthy': True}}))",
                   files={"app.conf": str(conf)})
    assert got["standby:role"].labels["role"] == "standby" and got["standby:role"].value == 0.0
    assert got["standby:lag"].value == 1.5
    assert got["standby:lag"].labels["measured_unix_ms"] == str(measured)
    assert got["standby:health"].status is S.OK
    digest = got["standby:config:app.conf"].labels["digest"]
    assert digest.startswith("sha256:") and "sync" not in json.dumps(
        got["standby:config:app.conf"].labels)


@pytest.mark.parametrize(("script", "expected"), [
    ("print('hello, not json')", "output is not JSON"),
    ("import time; time.sleep(10)", "timed out after"),
    ("import sys; print('boom', file=sys.stderr); sys.exit(3)", "exited with status 3: boom"),
    ("print('{\"role\": \"standby\", \"lag_seconds\": -2}')", "lag_seconds is negative"),
    ("print('{\"role\": \"standby\", \"lag_seconds\": \"abc\"}')", "lag_seconds is not a number"),
    ("print('[1, 2]')", "must be a JSON object"),
    ("print('{\"lag_seconds\": 1}')", "missing \"role\""),
])
def test_standby_probe_bad_answers_are_unknown_readings_not_crashes(
        tmp_path: Path, script: str, expected: str) -> None:
    started = time.monotonic()
    got = _collect(tmp_path, script, timeout=1.0)
    assert time.monotonic() - started < 3.0  # a hanging probe is killed at its timeout
    lag = got["standby:lag"]
    assert lag.status is S.UNKNOWN and lag.value is None and expected in lag.reason, lag.reason
    if "lag_seconds" not in expected:
        assert got["standby:role"].status is S.UNKNOWN and expected in got["standby:role"].reason


@pytest.fixture
def endpoint() -> Iterator[tuple[str, dict[str, object]]]:
    answer: dict[str, object] = {"body": b'{"role": "active", "healthy": true}', "code": 200}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(int(answer["code"]))  # type: ignore[call-overload]
            self.end_headers()
            self.wfile.write(answer["body"])  # type: ignore[arg-type]

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/standby", answer
    finally:
        server.shutdown()
        server.server_close()


def test_standby_probe_http_endpoint(tmp_path: Path,
                                     endpoint: tuple[str, dict[str, object]]) -> None:
    url, answer = endpoint
    got = _collect(tmp_path, "", url=url)
    assert got["standby:role"].labels["role"] == "active" and got["standby:role"].status is S.OK
    answer["code"] = 503
    got = _collect(tmp_path, "", url=url)
    assert got["standby:role"].status is S.UNKNOWN and "HTTP 503" in got["standby:role"].reason


def test_standby_config_errors_name_file_and_line(tmp_path: Path) -> None:
    cases = {
        'name = "g"\nmembers = ["a"]\n': "needs at least two members",
        'name = "g"\nmembers = ["a", "b"]\ninitial_active = "c"\n': "'c' is not a member",
        'name = "g"\nmembers = ["a", "b"]\n[[standby.groups]]\nname = "h"\nmembers = ["b", "c"]\n':
            "'b' is already a member of group 'g'",
        'name = "g"\nmembers = ["a", "b"]\nlag_limit_seconds = -1\n': "must be at least 0",
    }
    for body, expected in cases.items():
        path = tmp_path / "controller.toml"
        path.write_text("[[standby.groups]]\n" + body)
        proc = cli("controller", "run", "--config", str(path), "--data-dir",
                   str(tmp_path / "data"))
        assert proc.returncode == 2 and expected in proc.stderr, proc.stderr
        assert f"{path}:" in proc.stderr and "Traceback" not in proc.stderr
