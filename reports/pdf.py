"""HTML → PDF with WeasyPrint, fetching nothing but the portal's own static files.

Fonts come from fontconfig (the stylesheet asks for Tinos, then Liberation Serif 2: Times
metrics with every Vietnamese letter); nothing is downloaded. A missing glyph is only a
WeasyPrint log warning, so the tests capture the `weasyprint` logger and fail on it.

The PDF is ready to sign: PDF/A-2b (fonts embedded, an sRGB output intent, XMP metadata), or
PDF/A-3b when it carries a file (a province report's Excel of an appendix too large to print),
and an empty signature field over the signature and seal area of the Decree 30 signature block
(between the signer's title and name, `#signature-area` in the template), appended by pyHanko
as an incremental update, so that the signing tools agencies use sign in place.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.contrib.staticfiles import finders
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.fields import SigFieldSpec, append_signature_field
from weasyprint import HTML, Attachment
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


PDF_VARIANT = "pdf/a-2b"
PDF_VARIANT_WITH_FILES = "pdf/a-3b"  # PDF/A-3 admits embedded files of any type


@dataclass(frozen=True)
class PdfAttachment:
    """A file carried inside the PDF (the reader's attachments pane), signed with it."""

    filename: str
    content: bytes
    description: str


SIGNATURE_FIELD = "ChuKySo"  # the field's name, as signing tools list it
PX = 0.75  # a CSS pixel in PDF points
MM = 72 / 25.4
RIGHT_MARGIN = 20 * MM


def signature_box(document) -> tuple[int, tuple[int, int, int, int]] | None:
    """The page (0-based) and box (PDF points, origin bottom left) of the signature and seal
    area: from the signature block's left edge to the right margin, from under the signer's
    title down to the name. None when the document has no signature block."""
    for index, page in enumerate(document.pages):
        top, name = page.anchors.get("signature-area"), page.anchors.get("signature-name")
        if top is None or name is None:
            continue
        height = page.height * PX
        x, y_top = top[0] * PX, height - top[1] * PX
        y_bottom = height - name[1] * PX
        right = page.width * PX - RIGHT_MARGIN
        return index, (round(x), round(y_bottom), round(right), round(y_top))
    return None


def signature_field_add(pdf: bytes, place: tuple[int, tuple[int, int, int, int]]) -> bytes:
    """An empty signature field on that box: its appearance an empty stream (PDF/A wants one;
    nothing prints over the area before it is signed)."""
    page, box = place
    writer = IncrementalPdfFileWriter(BytesIO(pdf))
    append_signature_field(
        writer,
        SigFieldSpec(
            sig_field_name=SIGNATURE_FIELD,
            on_page=page,
            box=box,
            empty_field_appearance=False,  # an empty appearance: nothing printed over the area
            readable_field_name="Chữ ký số của người có thẩm quyền",
        ),
    )
    output = BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_render(
    html: str,
    *,
    attachments: Sequence[PdfAttachment] = (),
    on_progress: Callable[[int], None] | None = None,
) -> bytes:
    """The PDF/A of an HTML document, with an empty signature field at its signature block and
    `attachments` embedded as its source data; `on_progress` hears 50 after layout and 100 at
    the end."""
    document = HTML(
        string=nfc(html), base_url=STATIC_BASE_URL, url_fetcher=StaticFilesFetcher()
    ).render()
    if on_progress:
        on_progress(50)
    pdf = document.write_pdf(
        pdf_variant=PDF_VARIANT_WITH_FILES if attachments else PDF_VARIANT,
        attachments=[
            Attachment(
                string=item.content,
                name=item.filename,
                description=item.description,
                relationship="Data",
            )
            for item in attachments
        ],
    )
    place = signature_box(document)
    if place is not None:
        pdf = signature_field_add(pdf, place)
    if on_progress:
        on_progress(100)
    return pdf
