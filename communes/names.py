"""The key two spellings of one unit name share, for the aliases of units (`UnitAlias`).

Case, Unicode NFC, the old and new tone placement ("hoá"/"hóa", "thuý"/"thúy"), dash variants
and spacing do not tell two names apart. The seed loader and the plan importer both match
through it.
"""

import re
import unicodedata

_DASHES = str.maketrans({"–": "-", "—": "-", "‑": "-", "‒": "-", "−": "-", "\u00a0": " "})
# Old ("hoá") → new ("hóa") tone placement: the mark moves from the second vowel to the first.
_TONES = "\u0300\u0301\u0303\u0309\u0323"
_OLD_TONE_RE = re.compile(
    rf"(?<![qg])([oO])([aAeE])([{_TONES}])(?![a-zA-Z])|([uU])([yY])([{_TONES}])(?![a-zA-Z])"
)


def clean(text: str | None) -> str:
    """NFC with runs of whitespace (line breaks inside a cell included) as one space."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", str(text)).split())


def printed(text: str | None) -> str:
    """A cell as printed: NFC, its lines joined by a space, spacing inside a line kept ("≥  70")."""
    if not text:
        return ""
    lines = unicodedata.normalize("NFC", str(text)).replace("\u00a0", " ").splitlines()
    return " ".join(line.strip() for line in lines if line.strip())


def _tone_new(decomposed: str) -> str:
    def move(match: re.Match) -> str:
        if match[1]:
            return match[1] + match[3] + match[2]
        return match[4] + match[6] + match[5]

    return _OLD_TONE_RE.sub(move, decomposed)


def name_key(text: str) -> str:
    """The key two spellings of one unit name share: case, tone placement, dashes, spacing."""
    decomposed = unicodedata.normalize("NFD", clean(text).translate(_DASHES).casefold())
    decomposed = _tone_new(decomposed)
    key = unicodedata.normalize("NFC", decomposed)
    key = re.sub(r"\s*-\s*", " - ", key)
    key = re.sub(r"\s*&\s*", "&", key)
    return key.strip(" .;,:")
