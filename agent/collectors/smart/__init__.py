"""SMART disk health from `smartctl --json`: discovery, per-disk reads, verdicts (the `smart` collector)."""

from agent.collectors.smart.collector import SmartCollector, SmartConfig, build, parse_config

__all__ = ["SmartCollector", "SmartConfig", "build", "parse_config"]
