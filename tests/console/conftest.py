"""Console fixtures: a clean incident database per test (either backend), the console in a thread, Chromium."""
from __future__ import annotations

import pytest

from tests.incident.conftest import incident_db_template, incident_db_url  # noqa: F401
from tests.console.stack import ConsoleServer, seed


@pytest.fixture
def console(incident_db_url):  # noqa: F811
    seed(incident_db_url)
    server = ConsoleServer(incident_db_url)
    yield server
    server.stop()


@pytest.fixture
def page(browser, console):
    """A Chromium page at 1280x800, Japanese locale, Tokyo time."""
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="ja-JP", timezone_id="Asia/Tokyo")
    yield page
    page.close()
