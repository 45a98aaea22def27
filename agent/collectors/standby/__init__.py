"""Hot-standby member state from a probe command or HTTP endpoint (the `standby` collector)."""

from agent.collectors.standby.collector import StandbyCollector, StandbyConfig, build, parse_config

__all__ = ["StandbyCollector", "StandbyConfig", "build", "parse_config"]
