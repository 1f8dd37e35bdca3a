"""PDF export: the standalone HTML export printed by WeasyPrint.

WeasyPrint needs Pango from the system (Debian: libpango-1.0-0,
libpangoft2-1.0-0). Nothing is fetched while printing: an image or style
from elsewhere in user content is left out rather than downloaded.
"""

from __future__ import annotations

from cairn.domain.document import IncidentDoc
from cairn.errors import CairnError
from cairn.formats.html import render_html


class PdfUnavailable(CairnError):
    status_code = 503
    title = "pdf unavailable"


def _fetcher(weasyprint):  # type: ignore[no-untyped-def]
    """Only data: URIs; anything from elsewhere is skipped with a warning."""
    fetcher_class = getattr(weasyprint.urls, "URLFetcher", None)
    if fetcher_class is not None:  # WeasyPrint 68 and later
        return fetcher_class(allowed_protocols=["data"])

    def refuse_outside(url: str, *args, **kwargs):  # type: ignore[no-untyped-def]
        if url.startswith("data:"):
            return weasyprint.default_url_fetcher(url, *args, **kwargs)
        raise ValueError(f"not fetched while printing: {url[:80]}")

    return refuse_outside


def render_pdf(doc: IncidentDoc) -> bytes:
    return html_to_pdf(render_html(doc, printed=True))


def html_to_pdf(html: str) -> bytes:
    """A standalone HTML file (no outside assets) printed to PDF."""
    try:
        import weasyprint
    except (ImportError, OSError) as error:  # OSError: Pango missing from the system
        raise PdfUnavailable(f"PDF export needs WeasyPrint and Pango (apt-get install libpango-1.0-0 libpangoft2-1.0-0): {error}") from None
    import weasyprint.urls

    return weasyprint.HTML(string=html, url_fetcher=_fetcher(weasyprint)).write_pdf()
