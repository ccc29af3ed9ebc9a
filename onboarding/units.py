"""Lead and support cells → the commune's units, through their names and aliases.

A cell may hold several names ("Phòng Văn hóa - Xã hội; Phòng Kinh tế", or two names with no
separator at all, "Phòng Kinh tế Trung tâm Cung ứng dịch vụ công"), a lead and the unit it works
with ("Phòng VH-XH phối hợp Sở KH&CN"), a list under a prefix ("Các phòng: Văn hoá - Xã hội, Kinh
tế") and collective names that name no single unit ("Các phòng, đơn vị liên quan"), which stay
as printed text. Names the commune does not know are proposed as new units of a guessed kind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from communes.models import Commune, UnitKind

from .structure import Assignment, UnitName
from .text import clean, name_key

# ";", a list dash ("- Các phòng, ban, ngành - Các DN Viễn thông"), " + ". Not " - " alone:
# "Phòng Văn hóa - Xã hội" is one name.
_SEPARATORS_RE = re.compile(r"\s*(?:;|^-\s+|\s-\s+(?=[Cc]ác\b)|\s\+\s)\s*")
# Without known names to go by, a comma separates two names that each start like a unit.
_UNIT_START_RE = re.compile(
    r"^(phòng|văn phòng|trung tâm|công an|trạm|sở|ubnd|ủy ban|ban|trường|ngân hàng|bảo hiểm|viễn thông)\b",
    re.I,
)
_PREFIX_LIST_RE = re.compile(
    r"^(?P<prefix>các (?:phòng|đơn vị|cơ quan))\s*:\s*(?P<items>.+)$", re.I
)
_WITH_RE = re.compile(r"\s+phối hợp(?: với)?\s+", re.I)
_JOINERS = {"", "và", ",", "với", "cùng"}
_EMPTY = {"", "-", "–", "x", "/"}

# Words that start a collective name: "các", or a bare list of kinds ("Phòng, ban ngành").
_COLLECTIVE_RE = re.compile(
    r"^(các\b|phòng, ban|phòng ban|ban, ngành|ban ngành|toàn bộ|tất cả)|liên quan$", re.I
)
_KIND_GUESSES: list[tuple[re.Pattern, str]] = [
    (re.compile(r"^(văn phòng|vp)", re.I), UnitKind.DEPARTMENT),
    (re.compile(r"công an", re.I), UnitKind.POLICE),
    (re.compile(r"trạm y tế", re.I), UnitKind.HEALTH_STATION),
    (re.compile(r"trung tâm", re.I), UnitKind.PUBLIC_SERVICE_CENTRE),
    (re.compile(r"trường|mầm non", re.I), UnitKind.SCHOOL),
    (re.compile(r"^(thôn|bản|xóm|tổ dân phố|ấp)\b", re.I), UnitKind.VILLAGE),
    (
        re.compile(
            r"^(sở|ngân hàng|bảo hiểm|viễn thông|bưu điện|doanh nghiệp|các dn|công ty)", re.I
        ),
        UnitKind.EXTERNAL,
    ),
    (
        re.compile(r"ubnd|ủy ban|uỷ ban|đảng ủy|đảng uỷ|cấp ủy|hđnd(?!&)|mặt trận", re.I),
        UnitKind.COMMITTEE,
    ),
    (re.compile(r"phòng|văn phòng|ban\b", re.I), UnitKind.DEPARTMENT),
]


def unit_kind_guess(name: str) -> str:
    for pattern, kind in _KIND_GUESSES:
        if pattern.search(name):
            return kind
    return UnitKind.DEPARTMENT


@dataclass
class UnitDirectory:
    """The names a commune's units go by (short name, full name, aliases), by matching key."""

    by_key: dict[str, tuple[int | None, str]] = field(default_factory=dict)
    proposed: dict[str, UnitName] = field(default_factory=dict)

    def add(self, name: str, unit_id: int | None, short_name: str) -> None:
        key = name_key(name)
        if key:
            self.by_key.setdefault(key, (unit_id, short_name))

    @classmethod
    def for_commune(cls, commune: Commune | None) -> UnitDirectory:
        directory = cls()
        if commune is None:
            return directory
        from communes.models import UnitAlias

        units = list(commune.units.all())
        for unit in units:
            directory.add(unit.short_name, unit.pk, unit.short_name)
            directory.add(unit.name, unit.pk, unit.short_name)
        for alias in UnitAlias.objects.filter(commune=commune).select_related("unit"):
            directory.add(alias.name, alias.unit_id, alias.unit.short_name)
        return directory

    # --- matching ---------------------------------------------------------------------

    def _exact(self, text: str) -> UnitName | None:
        found = self.by_key.get(name_key(text))
        if found is None:
            return None
        return UnitName(printed=clean(text), unit_id=found[0], short_name=found[1])

    def _scan(self, text: str) -> tuple[list[UnitName], list[str]] | None:
        """Known names inside `text` (longest first, at word edges) and the leftover pieces."""
        key = name_key(text)
        if not self.by_key or not key:
            return None
        spans: list[tuple[int, int, str]] = []
        for alias in sorted(self.by_key, key=len, reverse=True):
            for match in re.finditer(rf"(?<![\w&]){re.escape(alias)}(?![\w&])", key):
                if all(match.end() <= start or match.start() >= end for start, end, _ in spans):
                    spans.append((match.start(), match.end(), alias))
        if not spans:
            return None
        spans.sort()
        names, leftovers, position = [], [], 0
        for start, end, alias in spans:
            leftovers.append(key[position:start])
            unit_id, short_name = self.by_key[alias]
            names.append(UnitName(printed=alias, unit_id=unit_id, short_name=short_name))
            position = end
        leftovers.append(key[position:])
        return names, [piece.strip(" ,.;:-") for piece in leftovers]

    def _propose(self, text: str) -> UnitName:
        printed = clean(text).strip(" ,.;:")
        key = name_key(printed)
        if key not in self.proposed:
            self.proposed[key] = UnitName(
                printed=printed, short_name=printed, proposed_kind=unit_kind_guess(printed)
            )
        return self.proposed[key]

    def _piece(self, text: str) -> list[UnitName]:
        text = re.sub(r"^[-–]\s*", "", clean(text)).strip(" ,.;:")
        if name_key(text) in _EMPTY:
            return []
        if exact := self._exact(text):
            return [exact]
        if match := _PREFIX_LIST_RE.match(text):
            # "Các phòng: Văn hoá - Xã hội, Kinh tế": each item, or "Phòng " + the item.
            noun = match["prefix"].split(" ", 1)[1].capitalize()
            items = [item for item in re.split(r",\s*|\s+và\s+", match["items"]) if item.strip()]
            resolved = [self._exact(item) or self._exact(f"{noun} {item}") for item in items]
            if all(resolved):
                return resolved
        if scanned := self._scan(text):
            names, leftovers = scanned
            rest = [piece for piece in leftovers if piece not in _JOINERS]
            for piece in rest:
                piece = _as_printed(re.sub(r"^(và|,|với)\s+", "", piece), text)
                if _COLLECTIVE_RE.search(piece):
                    names.append(UnitName(printed=piece, collective=True))
                else:
                    names.append(self._propose(piece))
            return names
        head, joiner, tail = (
            re.split(r"(\s+và\s+(?=các\b))", text, maxsplit=1, flags=re.I)
            + ["", ""][: 3 - len(re.split(r"(\s+và\s+(?=các\b))", text, maxsplit=1, flags=re.I))]
        )
        if joiner and not _COLLECTIVE_RE.search(head):
            # "Phòng VH-XH và các Phòng, đơn vị liên quan": a unit, then a collective name.
            return [*self._piece(head), UnitName(printed=tail, collective=True)]
        if _COLLECTIVE_RE.search(text):
            return [UnitName(printed=text, collective=True)]
        parts = [part for part in re.split(r",\s*", text) if part.strip()]
        if len(parts) > 1 and all(_UNIT_START_RE.match(part) for part in parts):
            return [self._propose(part) for part in parts]
        return [self._propose(text)]

    def resolve(self, text: str) -> list[UnitName]:
        names: list[UnitName] = []
        for piece in _SEPARATORS_RE.split(text or ""):
            for name in self._piece(piece):
                if not any(_same(name, other) for other in names):
                    names.append(name)
        return names

    def assignments(self, lead_text: str, support_text: str) -> tuple[Assignment, Assignment]:
        """A lead cell's "X phối hợp Y" puts Y among the support units."""
        lead_part, *with_parts = _WITH_RE.split(lead_text or "", maxsplit=1)
        lead = Assignment(text=clean(lead_text), names=self.resolve(lead_part))
        support = Assignment(text=clean(support_text), names=self.resolve(support_text))
        for name in self.resolve(with_parts[0]) if with_parts else []:
            if not any(_same(name, other) for other in support.names):
                support.names.append(name)
        return lead, support


def _as_printed(piece: str, text: str) -> str:
    """The printed spelling of a piece found in the matching key of `text`."""
    pattern = r"\s*".join(re.escape(word) for word in piece.split())
    match = re.search(pattern, text, re.I)
    return match.group(0) if match else piece


def _same(one: UnitName, other: UnitName) -> bool:
    if one.unit_id is not None or other.unit_id is not None:
        return one.unit_id == other.unit_id
    return name_key(one.printed) == name_key(other.printed)
