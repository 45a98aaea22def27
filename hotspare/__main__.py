"""`python -m hotspare`: the hotspare command."""

import sys

from hotspare.cli import main

sys.exit(main())
