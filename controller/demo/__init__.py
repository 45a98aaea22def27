"""The `hotspare demo` lab: a controller, an agent on this machine and simulated devices."""
