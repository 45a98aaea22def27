#!/usr/bin/env bash
# Builds the sdist from the tracked tree, a wheel from that sdist, installs the wheel into a fresh
# virtualenv outside the clone, and runs it: --help, a controller from the wheel, one agent cycle.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${VENV_PYTHON:-$ROOT/.venv/bin/python}"   # has setuptools: builds without build isolation
BASE_PYTHON="${PYTHON:-python3}"              # makes the clean venv, as the Makefile does
WORK="$(mktemp -d /tmp/hotspare-wheel.XXXXXX)"
CONTROLLER_PID=""
cleanup() {
    if [ -n "$CONTROLLER_PID" ]; then kill "$CONTROLLER_PID" 2>/dev/null || true; wait "$CONTROLLER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
step() { printf 'check_wheel: %s\n' "$*"; }

step "copying the tracked tree to $WORK/src"
"$PY" - "$ROOT" "$WORK/src" <<'PYEOF'
import os, shutil, subprocess, sys
root, dest = sys.argv[1], sys.argv[2]
files = subprocess.run(["git", "-C", root, "ls-files", "-z"], check=True,
                       capture_output=True).stdout.decode().split("\0")
for rel in filter(None, files):
    src = os.path.join(root, rel)
    if os.path.isfile(src):  # a tracked file deleted in the work tree is left out
        os.makedirs(os.path.dirname(os.path.join(dest, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(dest, rel))
PYEOF

step "building the sdist, then a wheel from the unpacked sdist"
mkdir -p "$WORK/dist" "$WORK/unpacked"
SDIST="$(cd "$WORK/src" && "$PY" -c 'import sys; from setuptools import build_meta as b; print(b.build_sdist(sys.argv[1]))' "$WORK/dist" 2>"$WORK/build.log" | tail -1)"
tar -xzf "$WORK/dist/$SDIST" -C "$WORK/unpacked"
WHEEL="$(cd "$WORK/unpacked/${SDIST%.tar.gz}" && "$PY" -c 'import sys; from setuptools import build_meta as b; print(b.build_wheel(sys.argv[1]))' "$WORK/dist" 2>>"$WORK/build.log" | tail -1)"
step "built $SDIST and $WHEEL"

"$PY" - "$WORK/dist/$WHEEL" <<'PYEOF'
import sys, zipfile
names = set(zipfile.ZipFile(sys.argv[1]).namelist())
need = ["hotspare/v1/agent_pb2.py", "hotspare/v1/agent_pb2_grpc.py", "hotspare/v1/types_pb2.pyi",
        "tui/hotspare.tcss", "agent/collectors/snmp/profile_data/if_mib.toml",
        "controller/demo/data/lab.sdrs", "controller/demo/data/snmprec/apc-ups.snmprec",
        "controller/metrics.py", "agent/metrics.py"]
missing = [n for n in need if n not in names]
stray = sorted({n.split("/")[0] for n in names} & {"tests", "bench", "scripts", "proto"})
if missing or stray:
    sys.exit(f"check_wheel: wheel is missing {missing} or carries {stray}")
PYEOF

step "installing the wheel into a clean venv (no system site-packages, no PYTHONPATH)"
cd "$WORK"
unset PYTHONPATH
"$BASE_PYTHON" -m venv "$WORK/venv"
V="$WORK/venv/bin"
timeout 300 "$V/pip" install -q --disable-pip-version-check "$WORK/dist/$WHEEL" >"$WORK/pip.log" 2>&1 \
    || { cat "$WORK/pip.log" >&2; exit 1; }
where="$("$V/python" -c 'import controller, hotspare; print(controller.__file__)')"
case "$where" in "$WORK/venv/"*) ;; *) echo "check_wheel: controller imported from $where" >&2; exit 1;; esac

step "hotspare --help, hotspare agent run --help"
"$V/hotspare" --help >/dev/null
"$V/hotspare" agent run --help | grep -q -- "--once"

read -r GRPC_PORT METRICS_PORT < <("$V/python" -c '
import socket
ports = []
for _ in range(2):
    s = socket.socket(); s.bind(("127.0.0.1", 0)); ports.append(s.getsockname()[1]); s.close()
print(*ports)')
ADDR="127.0.0.1:$GRPC_PORT"
step "controller from the wheel on $ADDR, metrics on 127.0.0.1:$METRICS_PORT"
"$V/hotspare" controller run --listen "$ADDR" --data-dir "$WORK/data" \
    --metrics-listen "127.0.0.1:$METRICS_PORT" >"$WORK/controller.log" 2>&1 &
CONTROLLER_PID=$!
"$V/python" - "$ADDR" <<'PYEOF' || { cat "$WORK/controller.log" >&2; exit 1; }
import sys, time, grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
for _ in range(100):  # bounded: 20 s
    with grpc.insecure_channel(sys.argv[1]) as ch:
        try:
            r = health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=1)
            if r.status == health_pb2.HealthCheckResponse.SERVING:
                sys.exit(0)
        except grpc.RpcError:
            pass
    time.sleep(0.2)
sys.exit("check_wheel: controller from the wheel never became healthy")
PYEOF

step "one-shot local collection: hotspare agent run --once"
timeout 60 "$V/hotspare" agent run --once --controller "$ADDR"
"$V/hotspare" assets --controller "$ADDR" --json | "$V/python" -c '
import json, sys
assets = json.load(sys.stdin)
assert assets, "no assets after one agent cycle"'
"$V/python" - "$METRICS_PORT" <<'PYEOF'
import sys, urllib.request
from prometheus_client.parser import text_string_to_metric_families
text = urllib.request.urlopen(f"http://127.0.0.1:{sys.argv[1]}/metrics", timeout=5).read().decode()
values = {s.name: s.value for f in text_string_to_metric_families(text) for s in f.samples}
assert values.get("hotspare_ingest_readings_total", 0) > 0, "no readings counted in /metrics"
PYEOF
kill "$CONTROLLER_PID"
wait "$CONTROLLER_PID" || { echo "check_wheel: controller exit status $?" >&2; cat "$WORK/controller.log" >&2; exit 1; }
CONTROLLER_PID=""
step "ok: $WHEEL installs outside the clone and works"
