"""Text as it comes out of Word and Excel cells, normalised for matching (never for storing).

Stored text stays as printed (NFC, whitespace collapsed). Matching keys also fold case, the old
and new tone placement ("hoá"/"hóa", "thuý"/"thúy"), dash variants and, for header words,
diacritics: "Đơn vị tính", "ĐƠN VỊ  TÍNH" and "Don vi tinh" are one header.
"""

import re
import unicodedata

from communes.names import clean, name_key, printed  # noqa: F401 - one home: communes.names


def plain_key(text: str) -> str:
    """Header matching: no case, no diacritics ("đ" → "d"), single spaces, no punctuation."""
    decomposed = unicodedata.normalize("NFD", clean(text).casefold().replace("đ", "d"))
    stripped = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(re.sub(r"[^a-z0-9%/]+", " ", stripped).split())
