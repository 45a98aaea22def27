"""The committed generated protobuf code is what scripts/gen_protos.py writes now."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests.helpers import ROOT


@pytest.mark.skipif(importlib.util.find_spec("grpc_tools") is None, reason="grpcio-tools missing")
def test_protos_generated_code_is_fresh(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("gen_protos", ROOT / "scripts" / "gen_protos.py")
    assert spec and spec.loader
    gen = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(gen)
    gen.generate(tmp_path)
    fresh = {p.relative_to(tmp_path): p.read_bytes() for p in (tmp_path / "hotspare" / "v1").rglob("*.py*")}
    committed = {p.relative_to(ROOT): p.read_bytes() for p in (ROOT / "hotspare" / "v1").rglob("*.py*")}
    assert sorted(map(str, fresh)) == sorted(map(str, committed)), "files differ: run scripts/gen_protos.py"
    stale = [str(k) for k, v in fresh.items() if committed[k] != v]
    assert not stale, f"stale generated code, run scripts/gen_protos.py: {stale}"


def test_protos_no_top_level_proto_module() -> None:
    assert not (ROOT / "proto" / "__init__.py").exists()
