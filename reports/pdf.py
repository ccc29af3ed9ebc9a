"""HTML → PDF with WeasyPrint, fetching nothing but the portal's own static files.

Fonts come from fontconfig (the stylesheet asks for Tinos, then Liberation Serif 2: Times
metrics with every Vietnamese letter); nothing is downloaded. A missing glyph is only a
WeasyPrint log warning, so the tests capture the `weasyprint` logger and fail on it.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from reports.wording import nfc

# Relative URLs in the report templates resolve under this made-up root, which the fetcher maps
# onto the static files finders; every other URL (http, https, data, other files) is refused.
STATIC_BASE_URL = "file:///portal-static/"


class RefusedURL(ValueError):
    pass


class StaticFilesFetcher(URLFetcher):
    """Serves the portal's static files to WeasyPrint and refuses everything else."""

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        prefix = urlsplit(STATIC_BASE_URL).path
        if parts.scheme != "file" or parts.netloc or not parts.path.startswith(prefix):
            raise RefusedURL(f"The report renderer fetches only the portal's static files: {url}")
        relative = unquote(parts.path[len(prefix) :])
        found = finders.find(relative) if relative and ".." not in relative.split("/") else None
        if not found:
            raise RefusedURL(f"No such static file: {relative}")
        path = Path(found)
        mime_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body=path.read_bytes(), headers={"Content-Type": mime_type})


def pdf_render(html: str, *, on_progress: Callable[[int], None] | None = None) -> bytes:
    """The PDF of an HTML document; `on_progress` hears 50 after layout and 100 at the end."""
    document = HTML(
        string=nfc(html), base_url=STATIC_BASE_URL, url_fetcher=StaticFilesFetcher()
    ).render()
    if on_progress:
        on_progress(50)
    pdf = document.write_pdf()
    if on_progress:
        on_progress(100)
    return pdf
