"""Hot-standby groups: configuration, readiness (pure), the runtime that keeps it current."""
