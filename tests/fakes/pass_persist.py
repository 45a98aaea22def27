#!/usr/bin/env python3
"""snmpd pass_persist helper for tests: serves OIDs from a JSON file the test rewrites at will.

The file maps numeric OIDs to [type, value] (types as snmpd expects: integer, gauge, string...).
"""

import json
import sys


def key(oid: str) -> tuple[int, ...]:
    return tuple(int(x) for x in oid.strip(".").split("."))


def main() -> None:
    path = sys.argv[1]
    out = sys.stdout
    for line in sys.stdin:
        cmd = line.strip()
        if cmd == "PING":
            out.write("PONG\n")
        elif cmd in ("get", "getnext"):
            oid = sys.stdin.readline().strip()
            with open(path) as fh:
                data = json.load(fh)
            items = sorted(data.items(), key=lambda kv: key(kv[0]))
            found = None
            if cmd == "get":
                found = next(((o, v) for o, v in items if key(o) == key(oid)), None)
            else:
                found = next(((o, v) for o, v in items if key(o) > key(oid)), None)
            if found is None:
                out.write("NONE\n")
            else:
                o, (kind, value) = found
                out.write(f".{o.strip('.')}\n{kind}\n{value}\n")
        elif cmd == "set":
            sys.stdin.readline()
            sys.stdin.readline()
            out.write("not-writable\n")
        elif not cmd:
            break
        out.flush()


if __name__ == "__main__":
    main()
