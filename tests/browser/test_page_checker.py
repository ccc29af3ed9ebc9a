"""The page checker's own rules (tests/browser/a11y.py), without a browser."""

from tests.browser import a11y


def test_pages_of_one_kind_are_checked_once():
    kind = a11y.page_kind
    assert kind("http://h/communes/an-nong/plans/7/") == kind("http://h/communes/an-nong/plans/12/")
    assert kind("http://h/communes/an-nong/reporting/202606/units/29/") == (
        "/communes/an-nong/reporting/N/units/N/"
    )
    assert kind("http://h/dashboard/?period=2025&unit=3") == kind(
        "http://h/dashboard/?unit=9&period=1"
    )
    assert kind("http://h/dashboard/") != kind("http://h/dashboard/?period=2025")


def test_only_nested_buttons_of_swagger_ui_are_let_through():
    assert a11y.third_party_rules("http://h/api/docs/") == {"nested-interactive"}
    assert a11y.third_party_rules("http://h/communes/an-nong/") is None


def test_missing_tools_say_how_to_install_them(monkeypatch, tmp_path):
    monkeypatch.setattr(a11y, "AXE_JS", tmp_path / "axe.min.js")
    checker, why = a11y.make_checker()
    assert not checker.enabled
    assert "axe.min.js" in why and "npm install --prefix .tools" in why
    monkeypatch.setenv("CI", "true")
    assert a11y.in_ci()
