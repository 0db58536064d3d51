"""``python -m claimmap`` is the ``claimmap`` command."""

import sys

from claimmap.cli import main

sys.exit(main())
