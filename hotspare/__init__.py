"""HotSpare's shared code: domain records, wire conversion, config loading, client and CLI."""

__version__ = "0.1.0"
