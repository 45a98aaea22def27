"""HotSpare controller: ingest, storage, fleet queries and (later) rules, spares and failover."""
