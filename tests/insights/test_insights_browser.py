"""/insights in Chromium at phone and desk widths, with scripts off: nothing
spills sideways, and the charts are there. Screenshots go to /tmp to look at."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from cairn.services.context import Context
from tests.insights.factory import START, incident
from tests.web.personas import PASSWORD

WIDTHS = (390, 1366)


def _spread(ctx: Context) -> None:
    for n in range(24):
        severity = ("SEV1", "SEV2", "SEV3", "SEV4")[n % 4]
        resolve = 15 + (n * 37) % 400 + (600 if n % 7 == 0 else 0)
        incident(ctx, f"Incident {n}", severity=severity, services=["checkout" if n % 3 else "a-very-long-service-name-indeed"],
                 started=START - timedelta(days=17 * n),
                 minutes={"detected": 2 + n % 5, "acknowledged": 4 + n % 6, "mitigated": resolve * 0.6, "resolved": resolve})


def test_insights_fit_a_phone_and_a_desk_without_scripts(browser: Any, base_url: str, ctx: Context, people: None) -> None:
    _spread(ctx)
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900}, java_script_enabled=False)
        page = context.new_page()
        page.goto(base_url + "/signin")
        page.get_by_label("Username").fill("admin")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(base_url + "/insights?by=service")
        assert page.get_by_role("heading", name="Insights").is_visible()
        assert page.locator("svg[role=img]").count() == 3
        assert page.locator(".chart").first.bounding_box()["width"] <= width
        page.screenshot(path=f"/tmp/insights-{width}.png", full_page=True)
        wide = page.evaluate("""[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
)
            .map(e => e.tagName + '.' + (e.className.baseVal ?? e.className) + '#' + e.id + ':' + Math.round(e.getBoundingClientRect().right) + ':' + getComputedStyle(e).overflowX).slice(0, 12)""")
        assert not page.evaluate("document.documentElement.scrollWidth > document.documentElement.clientWidth + 1"), (width, wide)
        context.close()
