"""Start Oracle Trader: ``python main.py [--port 8080 --feed sim --speed 60 ...]`` serves the dashboard,
``--native`` opens it in a desktop window. The same as ``oracle-trader serve``."""

import os
import sys

from oracle_ui.cli import main

if __name__ == '__main__':
    # NiceGUI's test runner executes this file with pytest's argv: take configuration from env/.env there
    status = main(['serve', *([] if 'PYTEST_CURRENT_TEST' in os.environ else sys.argv[1:])])
    if status:  # not sys.exit(0): the test runner runs this file in its own process and carries on after it
        sys.exit(status)
