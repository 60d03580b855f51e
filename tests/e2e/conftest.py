"""End-to-end tests against real servers (nginx, curl): see harness.py.

tests/e2e has no ``__init__.py``, so pytest puts this directory on ``sys.path`` and the tests
import the harness as ``harness``. They skip only when nginx or curl is absent; CI installs both.
"""

from __future__ import annotations

from harness import CURL, NGINX


def pytest_report_header() -> list[str]:
    """Say which real servers the e2e tests will use."""
    return [f"e2e: nginx={NGINX or 'absent'} curl={CURL or 'absent'}"]
