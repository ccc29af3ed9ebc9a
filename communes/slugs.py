from collections.abc import Container

from django.utils.text import slugify


def slug_vi(text: str) -> str:
    """An ASCII slug of a Vietnamese name: "Phòng Kinh tế" → "phong-kinh-te", "Điền Quang" → "dien-quang"."""
    return slugify(text.replace("đ", "d").replace("Đ", "D"))


def slug_free(candidates: list[str], taken: Container[str], *, max_length: int = 50) -> str:
    """The first candidate slug nobody holds, else the last one numbered: "tan-lap-2", "tan-lap-3"…"""
    candidates = [slug[:max_length].strip("-") for slug in candidates if slug] or ["x"]
    for slug in candidates:
        if slug not in taken:
            return slug
    number = 2
    while True:
        suffix = f"-{number}"
        slug = candidates[-1][: max_length - len(suffix)].strip("-") + suffix
        if slug not in taken:
            return slug
        number += 1
