"""BMC sensors, SEL, FRU and confirmed power control over IPMI (the `ipmi` collector)."""

from agent.collectors.ipmi.collector import IpmiCollector, IpmiConfig, build, parse_config

__all__ = ["IpmiCollector", "IpmiConfig", "build", "parse_config"]
