"""``python -m mineralbrief``: the same as the ``mineralbrief`` command."""

import sys

from .cli import main

sys.exit(main())
