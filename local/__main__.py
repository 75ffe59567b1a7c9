"""``python -m local``: the same CLI as the ``triggers`` console script."""

import sys

from local.cli import main

sys.exit(main())
