"""`python -m agent`: the same as `hotspare agent run`."""

import sys

from hotspare.cli import main

sys.exit(main(["agent", "run", *sys.argv[1:]]))
