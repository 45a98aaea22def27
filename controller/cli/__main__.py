"""`python -m controller.cli`: the hotspare command."""

import sys

from controller.cli import main

sys.exit(main())
