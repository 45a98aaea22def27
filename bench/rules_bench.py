"""Alerts benchmark: stored readings/s through a real controller with 200 rules vs no rules."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.ingest import SENSORS_PER_AGENT, end_to_end

NO_RULES = "[alerts]\nbuiltin_rules = false\n"


def two_hundred_rules(agents: int) -> str:
    """Built-in rules plus 200 operator rules: per-sensor and per-asset overrides and globs."""
    lines = ["[alerts]", "builtin_rules = true"]
    for i in range(200):
        lines.append("[[alerts.rules]]")
        lines.append(f'name = "override_{i}"')
        lines.append('kinds = ["temperature"]')
        if i % 4 == 0:  # one sensor on every asset
            lines.append(f'sensor = "s{i % SENSORS_PER_AGENT}"')
        elif i % 4 in (1, 2):  # one sensor of one asset
            lines.append(f'asset = "bench-{i % agents}-host"')
            lines.append(f'sensor = "s{(i * 7) % SENSORS_PER_AGENT}"')
        else:  # globs, as operators write them ("ipmi:CPU*"); most match nothing here
            lines.append(f'sensor = "s{i % 10}x*"' if i % 8 else 'sensor = "s1*"')
        lines.append(f"threshold = {90 + i % 5}")
        lines.append("level = 3")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--agents", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--rounds", type=int, default=2, help="alternate runs of each setup")
    args = parser.parse_args()
    base, ruled = [], []
    for _ in range(args.rounds):
        base.append(end_to_end(args.agents, args.batch, args.seconds, 4, NO_RULES)[0])
        ruled.append(end_to_end(args.agents, args.batch, args.seconds, 4,
                                two_hundred_rules(args.agents))[0])
    b, r = max(base), max(ruled)
    print(f"agents={args.agents} batch={args.batch} seconds={args.seconds:g} rounds={args.rounds}")
    print(f"no rules:          {b:,.0f} readings/s stored  (runs: {', '.join(f'{x:,.0f}' for x in base)})")
    print(f"200 rules active:  {r:,.0f} readings/s stored  (runs: {', '.join(f'{x:,.0f}' for x in ruled)})")
    print(f"ratio with rules / without: {r / b:.3f} (target >= 0.8: {'met' if r / b >= 0.8 else 'NOT met'})")


if __name__ == "__main__":
    main()
