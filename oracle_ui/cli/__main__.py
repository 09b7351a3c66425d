"""``python -m oracle_ui.cli``: the ``oracle-trader`` command."""

import sys

from . import main

sys.exit(main())
