"""How an export travels over HTTP: as a download, with headers that keep
the standalone HTML inert when it is opened from Cairn itself."""

from __future__ import annotations

from urllib.parse import quote

from fastapi.responses import Response

from cairn.formats.html import FILE_POLICY
from cairn.services.portable import ExportedFile

# The HTML export carries its own styles inline and its charts as inline SVG;
# it needs nothing else and runs nothing, so it may only be framed by Cairn.
HTML_EXPORT_POLICY = f"{FILE_POLICY}; frame-ancestors 'self'; sandbox"


def download(exported: ExportedFile, *, inline: bool = False) -> Response:
    disposition = "inline" if inline else "attachment"
    headers = {
        "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(exported.filename)}",
        "Cache-Control": "private, no-store",
    }
    if exported.media_type.startswith("text/html"):
        headers["Content-Security-Policy"] = HTML_EXPORT_POLICY
        headers["X-Frame-Options"] = "SAMEORIGIN"
    return Response(exported.body, media_type=exported.media_type, headers=headers)
