"""``python -m minica``: the command line (see :mod:`minica.cli`)."""

from __future__ import annotations

import sys

from minica.cli import main

if __name__ == "__main__":
    sys.exit(main())
