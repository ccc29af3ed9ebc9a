"""The language switch at the bottom of each page names Vietnamese in composed Unicode (NFC):
Django's language data spells it with combining marks."""

import unicodedata

import pytest

pytestmark = pytest.mark.django_db


def test_the_language_switch_spells_tieng_viet_in_nfc(client):
    html = client.get("/accounts/login/").content.decode()
    composed = unicodedata.normalize("NFC", "Tiếng Việt")
    decomposed = unicodedata.normalize("NFD", "Tiếng Việt")
    assert f">{composed}</option>" in html
    assert decomposed not in html
    assert html == unicodedata.normalize("NFC", html)
