"""Read a PDF back the way a reader would: page sizes, where the text sits, its text, its fonts.

poppler-utils (pdfinfo, pdftotext, pdffonts) is installed by .ci/run.
"""

from __future__ import annotations

import html
import logging
import re
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

MM = 72 / 25.4  # points per millimetre
ALLOWED_FONTS = re.compile(r"^[A-Z]{6}\+(Tinos|LiberationSerif)(-[A-Za-z-]+)?$")


@dataclass
class Page:
    number: int
    width: float
    height: float
    words: list[tuple[float, float, float, float, str]] = field(default_factory=list)
    text: str = ""

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def body_words(self):
        """Words below the top margin (the page number sits in it)."""
        return [word for word in self.words if word[1] > 20 * MM - 1]


def _run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_pages(pdf: bytes) -> list[Page]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report.pdf"
        path.write_bytes(pdf)
        pages = []
        bbox = _run("pdftotext", "-bbox", str(path), "-")
        for number, (attributes, body) in enumerate(
            re.findall(r"<page ([^>]*)>(.*?)</page>", bbox, re.S), start=1
        ):
            width = float(re.search(r'width="([\d.]+)"', attributes)[1])
            height = float(re.search(r'height="([\d.]+)"', attributes)[1])
            words = [
                (float(x0), float(y0), float(x1), float(y1), html.unescape(text))
                for x0, y0, x1, y1, text in re.findall(
                    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                    body,
                )
            ]
            pages.append(Page(number, width, height, words))
        for page in pages:
            page.text = _run(
                "pdftotext",
                "-layout",
                "-f",
                str(page.number),
                "-l",
                str(page.number),
                str(path),
                "-",
            )
        return pages


def pdf_page_boxes(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page's MediaBox, as pdfinfo reads them."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        count = int(re.search(r"Pages:\s+(\d+)", _run("pdfinfo", handle.name))[1])
        info = _run("pdfinfo", "-f", "1", "-l", str(count), "-box", handle.name)
    boxes = re.findall(r"Page\s+\d+ MediaBox:\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)", info)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def pdf_fonts(pdf: bytes) -> list[str]:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(pdf)
        handle.flush()
        lines = _run("pdffonts", handle.name).splitlines()[2:]
    return [line.split()[0] for line in lines if line.strip()]


def foreign_fonts(pdf: bytes) -> list[str]:
    return [name for name in pdf_fonts(pdf) if not ALLOWED_FONTS.match(name)]


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record):
        self.messages.append(record.getMessage())


@contextmanager
def weasyprint_warnings():
    """Collect what WeasyPrint warns about (a missing glyph is only such a warning)."""
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
