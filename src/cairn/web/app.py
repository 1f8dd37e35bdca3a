"""The web application factory: pages, JSON API and static files in one app.

Built from a Settings object at start-up, never at import time, so tests and
`cairn serve` each hand it their own database. The app keeps no state of its
own beyond the shared Context, so several can run behind a load balancer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from cairn import __version__
from cairn.config import Settings
from cairn.services.context import Context, open_context
from cairn.services.import_jobs import JobRunner
from cairn.web import errors
from cairn.web.cache import StampCache
from cairn.web.api import incidents as api_incidents
from cairn.web.api import accounts as api_accounts
from cairn.web.api import actions as api_actions
from cairn.web.api import exports as api_exports
from cairn.web.api import incident_changes as api_incident_changes
from cairn.web.api import postmortems as api_postmortems
from cairn.web.api import hooks as api_hooks
from cairn.web.api import lint as api_lint
from cairn.web.api import metrics as api_metrics
from cairn.web.api import search as api_search
from cairn.web.api import similar as api_similar
from cairn.web.api import insights as api_insights
from cairn.web.api import reports as api_reports
from cairn.web.api import timeline as api_timeline
from cairn.web.api import jobs as api_jobs
from cairn.web.api import imports as api_imports
from cairn.web.api import mywork as api_mywork
from cairn.web.api import drafts as api_drafts
from cairn.web.api import drills as api_drills
from cairn.web.pages import account as page_account
from cairn.web.pages import history as page_history
from cairn.web.pages import actions as page_actions
from cairn.web.pages import docs as page_docs
from cairn.web.pages import editor as page_editor
from cairn.web.pages import exports as page_exports
from cairn.web.pages import drills as page_drills
from cairn.web.pages import incident_forms as page_incident_forms
from cairn.web.pages import imports as page_imports
from cairn.web.pages import review as page_review
from cairn.web.pages import incidents as page_incidents
from cairn.web.pages import insights as page_insights
from cairn.web.pages import mywork as page_mywork
from cairn.web.pages import search as page_search
from cairn.web.pages import similar as page_similar
from cairn.web.pages import factors as page_factors
from cairn.web.pages import reports as page_reports
from cairn.web.security_headers import PUBLIC_ASSETS, SECURITY_HEADERS
from cairn.web.templating import build_templates

STATIC_DIR = Path(__file__).parent / "static"


def create_app(settings: Settings, context: Context | None = None) -> FastAPI:
    """An app over `context`, or over a new one opened from `settings`."""
    owned = context is None
    ctx = context if context is not None else open_context(settings)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        jobs.shutdown()
        if owned:
            ctx.db.dispose()

    # FastAPI's own docs pages load Swagger UI from a CDN; ours serves the copy
    # installed from PyPI (swagger-ui-bundle-v2, Swagger UI 5, which reads the OpenAPI 3.1 that FastAPI writes), see web/pages/docs.py.
    app = FastAPI(
        title="Cairn", version=__version__, lifespan=lifespan,
        docs_url=None, redoc_url=None, openapi_url=None,  # both served signed-in only: web/pages/docs.py
    )
    app.state.context = ctx
    jobs = app.state.jobs = JobRunner(ctx)
    app.state.templates = build_templates(ctx.settings)
    app.state.incident_json = StampCache()
    app.state.incident_pages = StampCache()


    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    app.include_router(api_incidents.router)
    app.include_router(api_incident_changes.router)
    app.include_router(api_postmortems.router)
    app.include_router(api_accounts.router)
    app.include_router(api_mywork.router)
    app.include_router(api_lint.router)
    app.include_router(api_search.router)
    app.include_router(api_similar.router)
    app.include_router(api_insights.router)
    app.include_router(api_reports.router)
    app.include_router(api_metrics.router)
    app.include_router(api_hooks.router)
    app.include_router(api_timeline.router)
    app.include_router(api_jobs.router)
    app.include_router(api_imports.router)
    app.include_router(api_actions.router)
    app.include_router(api_exports.router)
    app.include_router(api_drills.router)
    app.include_router(api_drafts.router)
    # Pages after the API: routes are matched in order, and API calls are the hot path.
    app.include_router(page_account.router)
    app.include_router(page_history.router)
    app.include_router(page_docs.router)
    app.include_router(page_incidents.router)
    app.include_router(page_incident_forms.router)
    app.include_router(page_imports.router)
    app.include_router(page_editor.router)
    app.include_router(page_review.router)
    app.include_router(page_actions.router)
    app.include_router(page_mywork.router)
    app.include_router(page_search.router)
    app.include_router(page_similar.router)
    app.include_router(page_factors.router)
    app.include_router(page_reports.router)
    app.include_router(page_insights.router)
    app.include_router(page_exports.router)
    app.include_router(page_drills.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.mount("/api/docs/assets", StaticFiles(directory=page_docs.swagger_dir()), name="swagger")
    errors.install(app)
    app.add_middleware(SecurityHeaders)
    return app


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response that does not set its own.

    Plain ASGI rather than BaseHTTPMiddleware, which costs a task and a
    stream copy per request."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.app = app
        self.extra = [(name.lower().encode(), value.encode()) for name, value in SECURITY_HEADERS.items()]
        self.extra_for_assets = [h for h in self.extra if h[0] != b"cache-control"]

    async def __call__(self, scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        path = scope.get("path", "")
        root = scope.get("root_path", "")
        if root and path.startswith(root):
            path = path[len(root):]
        extra = self.extra_for_assets if path.startswith(PUBLIC_ASSETS) else self.extra

        async def send_with_headers(message) -> None:  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                message = {**message, "headers": [*message.get("headers", []), *(h for h in extra if h[0] not in present)]}
            await send(message)

        await self.app(scope, receive, send_with_headers)
