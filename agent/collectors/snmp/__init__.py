"""Network, storage and power gear over SNMP v2c/v3 through declarative profiles (`snmp`)."""

from agent.collectors.snmp.collector import SnmpCollector, SnmpConfig, build, parse_config

__all__ = ["SnmpCollector", "SnmpConfig", "build", "parse_config"]
