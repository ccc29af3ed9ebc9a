from django.utils.text import slugify


def slug_vi(text: str) -> str:
    """An ASCII slug of a Vietnamese name: "Phòng Kinh tế" → "phong-kinh-te", "Điền Quang" → "dien-quang"."""
    return slugify(text.replace("đ", "d").replace("Đ", "D"))
