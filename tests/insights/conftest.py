"""Insight tests use the web fixtures too: personas, signed-in clients, the browser."""

from tests.web.conftest import anonymous, as_user, base_url, browser, client, people  # noqa: F401
