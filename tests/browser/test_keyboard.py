"""The entry form by keyboard alone, at 1280×900 and on a 375 px phone: Tab reaches every control in
the order they are shown, the sticky save/submit bar never covers the focused control, and the
focus ring stands out (3:1, WCAG 1.4.11) against what is around it."""

import re
import time

import pytest

from communes.models import Commune, Role
from reporting.selectors import unit_report
from reporting.services import period_ensure, submission_for
from tests.browser.conftest import log_in
from tests.conftest import person

VIEWPORTS = ({"width": 1280, "height": 900}, {"width": 375, "height": 740})

# Every control a keyboard user can reach, in document order, numbered; the visible ones only.
NUMBER_CONTROLS = """() => {
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]';
  const controls = [...document.querySelectorAll(selector)].filter((el) =>
    !el.disabled && el.tabIndex >= 0 && !el.closest('[hidden], [inert]') && el.checkVisibility({visibilityProperty: true})
    && !(el.closest('details:not([open])') && el.tagName !== 'SUMMARY' && !el.closest('summary')));
  controls.forEach((el, i) => { el.dataset.kbd = i; });
  return controls.map((el) => el.tagName.toLowerCase() + (el.name ? '[name=' + el.name + ']' : '') + ' ' + (el.textContent || '').trim().slice(0, 30));
}"""

# What the focused control looks like: its place, the sticky bar's, its ring and the colour of what
# lies just outside the ring (found by position: the skip link sits over the red top bar).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const colour = (node) => {
    for (; node; node = node.parentElement) {
      const bg = getComputedStyle(node).backgroundColor;
      const m = bg.match(/[\\d.]+/g);
      if (m && (m.length < 4 || parseFloat(m[3]) > 0)) return bg;
    }
    return 'rgb(255, 255, 255)';
  };
  // What lies just outside the ring (left of the control, or right at the screen's edge).
  const around = (node) => {
    const r = node.getBoundingClientRect(), y = Math.min(Math.max(r.top + r.height / 2, 0), innerHeight - 1);
    const x = r.left >= 8 ? r.left - 7 : Math.min(r.right + 7, innerWidth - 1);
    const under = document.elementsFromPoint(x, y).find((other) => other !== node && !node.contains(other));
    return under || node.parentElement;
  };
  const box = (node) => { const r = node.getBoundingClientRect(); return {top: r.top, bottom: r.bottom, left: r.left, right: r.right}; };
  const bar = document.querySelector('.sticky-actions');
  const style = getComputedStyle(el);
  return {
    index: el.dataset.kbd === undefined ? null : Number(el.dataset.kbd),
    what: el.tagName.toLowerCase() + (el.name ? '[name=' + el.name + ']' : '') + ' ' + (el.textContent || '').trim().slice(0, 30),
    box: box(el), pageTop: box(el).top + window.scrollY, pageBottom: box(el).bottom + window.scrollY, left: box(el).left,
    viewport: window.innerHeight,
    bar: bar && !bar.contains(el) ? box(bar) : null,
    ring: {style: style.outlineStyle, width: parseFloat(style.outlineWidth), colour: style.outlineColor},
    behind: colour(around(el)),
    skip: el.classList.contains('skip-link'),
  };
}"""


def luminance(css: str) -> float:
    red, green, blue = (float(part) / 255 for part in re.findall(r"[\d.]+", css)[:3])

    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_contrast_formula():
    assert round(contrast("rgb(255, 255, 255)", "rgb(0, 0, 0)"), 1) == 21.0
    assert round(contrast("rgb(255, 191, 71)", "rgb(255, 255, 255)"), 2) == 1.64  # the old amber


@pytest.fixture
def biggest_form(seeds):
    """The An Nông unit with the most indicators and tasks to report, its clerk and its form."""
    commune = Commune.objects.get(code="an-nong")
    period = period_ensure(commune, "202606")
    sizes = {}
    for unit in commune.units.all():
        report = unit_report(submission_for(period, unit))
        sizes[unit] = len(report.indicators) + len(report.tasks)
    unit = max(sizes, key=sizes.get)
    clerk = person(Role.UNIT_STAFF, commune=commune, unit=unit)
    return clerk, f"/communes/{commune.code}/reporting/{period.code}/units/{unit.pk}/", sizes[unit]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_entry_form_by_keyboard(new_page, biggest_form, figures):
    clerk, url, items = biggest_form
    assert items >= 5
    for viewport in VIEWPORTS:
        page = new_page(viewport)
        log_in(page, clerk.username)
        page.goto(url)
        check_by_keyboard(page, viewport, items, figures)


def check_by_keyboard(page, viewport, items, figures):
    controls = page.evaluate(NUMBER_CONTROLS)
    assert len(controls) > 3 * items  # the form's fields, not only the page's links

    reached, previous, presses = [], None, 0
    problems = {"hidden": [], "covered": [], "ring": [], "order": []}
    started = time.perf_counter()
    for _ in range(4 * len(controls)):  # a date field takes three Tabs (day, month, year)
        page.keyboard.press("Tab")
        presses += 1
        focused = page.evaluate(FOCUSED)
        if focused is None or (reached and focused["index"] == reached[0]):
            break  # past the last control, back to the browser: no trap
        if reached and focused["index"] == reached[-1]:
            continue
        reached.append(focused["index"])
        where, box = focused["what"], focused["box"]
        if box["top"] < -1 or box["bottom"] > focused["viewport"] + 1:
            problems["hidden"].append(f"{where}: not scrolled into view ({box})")
        bar = focused["bar"]
        if bar and box["bottom"] > bar["top"] + 0.5 and box["top"] < bar["bottom"]:
            problems["covered"].append(f"{where}: covered by the sticky bar ({box} under {bar})")
        ring = focused["ring"]
        if ring["style"] in ("none", "hidden") or ring["width"] < 2:
            problems["ring"].append(f"{where}: no focus ring ({ring})")
        elif contrast(ring["colour"], focused["behind"]) < 3:
            ratio = contrast(ring["colour"], focused["behind"])
            problems["ring"].append(
                f"{where}: ring {ring['colour']} on {focused['behind']} is {ratio:.2f}:1"
            )
        if previous and not focused["skip"] and not previous["skip"]:
            # Reading order: each control starts below the one before, or beside it to the right.
            beside = (
                focused["pageBottom"] > previous["pageTop"] and focused["left"] > previous["left"]
            )
            if focused["pageTop"] < previous["pageTop"] - 1 and not beside:
                problems["order"].append(f"{where}: above {previous['what']} (not in visual order)")
        previous = focused

    figures(
        f"keyboard {viewport['width']}px: {items} entries, {len(controls)} controls, "
        f"{presses} Tabs in {time.perf_counter() - started:.1f} s, problems: {' '.join(f'{k} {len(v)}' for k, v in problems.items())}"
    )
    assert reached == list(range(len(controls))), [controls[i] for i in reached if i is not None]
    for kind, found in problems.items():
        assert found == [], (viewport["width"], kind, found[:10])
