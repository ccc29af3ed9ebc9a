"""Every page the browser tests open goes through axe-core (WCAG 2.1 A/AA) and the Nu HTML checker.

The tools come from npm into .tools/node_modules (ignored by git; .ci/run installs them):
`npm install --prefix .tools axe-core@4.14.1 vnu-jar@26.9.27`, Java from Debian. Without them the
check is skipped locally with a message, and fails under CI=true.

How a page is caught: each page the `new_page` fixture makes routes its main-frame document
requests through `_before_navigation`, which checks the document still shown (loaded, not yet
checked) before the browser leaves it; the last page of each test is checked at its teardown.
So a page left by a click, a form submit or a `goto` is checked in the state the test left it,
and no check races the test. One check per page kind: the URL with its numbers generalised, who is
logged in, the language, phone or desktop width and whether the page shows form errors.

axe is injected through Playwright's evaluate (the DevTools protocol, outside the page's
Content-Security-Policy, which refuses inline scripts and so `add_script_tag`); it runs with the
tags wcag2a, wcag2aa, wcag21a, wcag21aa and a serious or critical violation fails the test that
opened the page. The HTML as the server sent it is written to a folder and validated by vnu in one
batch at the end of the session (`java -jar vnu.jar --format json`); any error fails the session.
Swagger UI's markup on /api/docs/ is not the portal's: its vnu messages are not counted, and of
its axe violations only `nested-interactive` (Swagger UI nests buttons in its operation headers)
is let through (see README).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = ROOT / ".tools" / "node_modules"
AXE_JS = NODE_MODULES / "axe-core" / "axe.min.js"
VNU_JAR = NODE_MODULES / "vnu-jar" / "build" / "dist" / "vnu.jar"
INSTALL = "npm install --prefix .tools axe-core@4.14.1 vnu-jar@26.9.27 (and a Java runtime)"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
# Swagger UI (a developer page, shipped as is) nests its copy/lock buttons inside the operation
# header button; nothing the portal's template can change.
THIRD_PARTY = {"/api/docs/": {"nested-interactive"}}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: "tag", values: tags}, resultTypes: ["violations"],
  });
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + (n.failureSummary ? " — " + n.failureSummary.replace(/\\s+/g, " ") : "")),
  }));
}"""

# What, besides the URL, makes two loads of a page different pages: the language, the width, form
# errors shown, and the menus (which say the role: two clerks of one unit see the same menus).
PAGE_STATE = """() => ({
  lang: document.documentElement.lang,
  width: window.innerWidth <= 640 ? "phone" : "desktop",
  errors: document.querySelector(".error:not([hidden]), .alert.error, [aria-invalid=true]") ? "errors" : "",
  menus: [...document.querySelectorAll(".usernav a, .subnav a")].map((a) => (a.getAttribute("href") || "").replace(/\\d+/g, "N")).join(" "),
  who: (document.querySelector(".usernav .who") || {}).textContent || "",
})"""


def tools_missing() -> list[str]:
    missing = [str(p) for p in (AXE_JS, VNU_JAR) if not p.exists()]
    if not shutil.which("java"):
        missing.append("java")
    return missing


def page_kind(url: str) -> str:
    """The URL with numbers (primary keys, period codes) generalised and query values dropped."""
    parts = urlsplit(url)
    path = re.sub(r"/\d+(?=/|$)", "/N", parts.path)
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True)})
    return path + ("?" + "&".join(keys) if keys else "")


def third_party_rules(url: str) -> set[str] | None:
    path = urlsplit(url).path
    for prefix, rules in THIRD_PARTY.items():
        if path.startswith(prefix):
            return rules
    return None


@dataclass
class Checker:
    """One per session: what was checked and what was found."""

    enabled: bool
    html_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="a11y-html-")))
    seen: set = field(default_factory=set)
    pages: list[str] = field(default_factory=list)  # one label per page checked
    axe_found: list[str] = field(default_factory=list)  # every failing violation, session-wide
    let_through: list[str] = field(default_factory=list)
    html_files: dict[str, str] = field(default_factory=dict)  # file name -> page label
    missed: list[str] = field(default_factory=list)
    vnu_errors: list[str] | None = None
    vnu_warnings: list[str] = field(default_factory=list)
    watched: list = field(default_factory=list)
    seconds: dict = field(default_factory=lambda: {"axe": 0.0, "vnu": 0.0})
    slowest: list = field(default_factory=list)  # (seconds, page) of the five slowest checks
    _busy: bool = False
    _axe_source: str | None = None

    # --- hooking pages

    def watch(self, page) -> None:
        """Check each document of this page once it has loaded, before the test acts again."""
        if not self.enabled:
            return
        _install_before_call_hook(self)
        page._a11y = {"pending": False, "response": None}

        def on_response(response):
            if response.request.resource_type == "document" and response.frame == page.main_frame:
                page._a11y["response"] = response

        def on_load(_page):
            page._a11y["pending"] = True

        page.on("response", on_response)
        page.on("load", on_load)
        self.watched.append(page)

    def unwatch(self, page) -> None:
        if page in self.watched:
            self.watched.remove(page)

    def before_call(self) -> None:
        """Called before every Playwright call of the test: check a page that loaded since."""
        if self._busy:
            return
        self._busy = True
        try:
            for page in list(self.watched):
                if page._a11y["pending"] and not page.is_closed():
                    self.check(page)
        finally:
            self._busy = False

    def check(self, page) -> list[str]:
        """Check the document the page shows now if it is loaded and of a kind not yet seen;
        answer its failing axe violations."""
        started, checked = time.perf_counter(), len(self.pages)
        try:
            return self._check(page)
        finally:
            spent = time.perf_counter() - started
            self.seconds["axe"] += spent
            if len(self.pages) > checked:
                self.slowest = sorted([*self.slowest, (spent, self.pages[-1])], reverse=True)[:5]

    def _check(self, page) -> list[str]:
        watched = getattr(page, "_a11y", None)
        if not watched or not watched["pending"]:
            return []
        watched["pending"] = False
        url = page.url
        if not url.startswith("http"):
            return []
        try:
            state = page.evaluate(PAGE_STATE)
        except Exception as error:  # a closing page is not a finding
            self.missed.append(f"{url}: {error}")
            return []
        key = (page_kind(url), state["lang"], state["width"], state["errors"], state["menus"])
        if key in self.seen:
            return []
        self.seen.add(key)
        parts = urlsplit(url)
        facts = ", ".join(
            fact for fact in (state["lang"], state["who"], state["width"], state["errors"]) if fact
        )
        label = f"{parts.path}{'?' + parts.query if parts.query else ''} [{facts}]"
        try:
            if not page.evaluate("typeof window.axe !== 'undefined'"):
                page.evaluate(self.axe_source())
            violations = page.evaluate(RUN_AXE, AXE_TAGS)
            html = self._source(page, watched["response"])
        except Exception as error:
            self.seen.discard(key)
            self.missed.append(f"{label}: {error}")
            return []
        self.pages.append(label)
        allowed = third_party_rules(url)
        found = []
        for violation in violations:
            if violation["impact"] not in FAILING_IMPACTS:
                continue
            text = (
                f"{label}: {violation['id']} ({violation['impact']}) {violation['help']}\n"
                + "\n".join(f"      {node}" for node in violation["nodes"][:8])
                + (
                    f"\n      … {len(violation['nodes']) - 8} more"
                    if len(violation["nodes"]) > 8
                    else ""
                )
            )
            if allowed is not None and violation["id"] in allowed:
                self.let_through.append(
                    f"{label}: {violation['id']} ({len(violation['nodes'])} nodes)"
                )
            else:
                found.append(text)
        self.axe_found.extend(found)
        if allowed is None and html is not None:
            name = f"{len(self.html_files):04d}.html"
            (self.html_dir / name).write_text(html, encoding="utf-8")
            self.html_files[name] = label
        return found

    def axe_source(self) -> str:
        if self._axe_source is None:
            self._axe_source = AXE_JS.read_text(encoding="utf-8")
        return self._axe_source

    @staticmethod
    def _source(page, response) -> str | None:
        """The HTML as served (what vnu is meant for); the DOM serialised if the body is gone."""
        if response is not None and response.url.split("#")[0] == page.url.split("#")[0]:
            try:
                return response.text()
            except Exception:
                pass
        return page.content()

    # --- the end of the session

    def run_vnu(self) -> tuple[list[str], list[str]]:
        """vnu over every page's HTML at once: its errors, and its warnings (not failing)."""
        files = sorted(self.html_dir.glob("*.html"))
        if not files:
            return [], []
        started = time.perf_counter()
        command = ["java", "-Xss4m", "-jar", str(VNU_JAR), "--format", "json", "--stdout"]
        result = subprocess.run(
            [*command, "--exit-zero-always", *map(str, files)],
            capture_output=True,
            text=True,
            check=False,
        )
        self.seconds["vnu"] += time.perf_counter() - started
        try:
            messages = json.loads(result.stdout)["messages"]
        except ValueError:
            return [f"vnu did not answer JSON: {result.stdout[:300]} {result.stderr[:300]}"], []
        errors, warnings = [], []
        for message in messages:
            name = Path(urlsplit(message.get("url", "")).path).name
            where = self.html_files.get(name, name)
            extract = (message.get("extract") or "").replace("\n", " ").strip()
            text = f"{where} line {message.get('lastLine', '?')}: {message['message']}"
            if message.get("type") in ("error", "non-document-error"):
                errors.append(f"{text}  «{extract[:120]}»")
            elif message.get("subType") == "warning":
                warnings.append(text)
        return errors, warnings

    def cleanup(self) -> None:
        shutil.rmtree(self.html_dir, ignore_errors=True)

    def summary(self) -> dict:
        """What the session checked and found, in plain values: a pytest-xdist worker sends it
        to the controller, which prints the summaries of every worker together."""
        return {
            "pages": len(self.pages),
            "html_files": len(self.html_files),
            "seconds": dict(self.seconds),
            "slowest": [list(pair) for pair in self.slowest],
            "axe_found": self.axe_found,
            "let_through": self.let_through,
            "vnu_errors": self.vnu_errors,
            "vnu_warnings": self.vnu_warnings,
            "missed": self.missed,
        }


def summary_lines(summaries: list[dict]) -> list[str]:
    """The end-of-run report of one or more sessions' checkers (one per pytest-xdist worker)."""
    total = lambda key: [item for s in summaries for item in s[key]]  # noqa: E731
    seconds = {kind: sum(s["seconds"][kind] for s in summaries) for kind in ("axe", "vnu")}
    lines = [
        f"{sum(s['pages'] for s in summaries)} pages checked (one per URL kind, role, language "
        f"and width) in {seconds['axe']:.1f} s of axe-core and {seconds['vnu']:.1f} s of vnu "
        f"({sum(s['html_files'] for s in summaries)} HTML files)"
    ]
    slowest = sorted((tuple(pair) for pair in total("slowest")), reverse=True)[:5]
    if slowest:
        lines.append("slowest checks: " + "; ".join(f"{page} {sec:.1f} s" for sec, page in slowest))
    lines.append(f"axe serious/critical violations: {len(total('axe_found'))}")
    lines += [f"  {line}" for line in total("axe_found")]
    lines += [
        f"  let through (Swagger UI's own markup, see README): {line}"
        for line in total("let_through")
    ]
    if all(s["vnu_errors"] is not None for s in summaries):
        errors = [line for s in summaries for line in s["vnu_errors"]]
        lines.append(f"vnu errors on the portal's pages: {len(errors)}")
        lines += [f"  {line}" for line in errors]
        warnings = total("vnu_warnings")
        lines.append(f"vnu warnings (not failing): {len(warnings)}")
        lines += [f"  {line}" for line in warnings[:20]]
    missed = total("missed")
    if missed:
        lines.append(f"pages left before they could be checked: {len(missed)}")
        lines += [f"  {line}" for line in missed[:10]]
    return lines


_HOOKED: list[Checker] = []


def _install_before_call_hook(checker: Checker) -> None:
    """Every synchronous Playwright call of the test (a click, a goto, an expect, a read) first
    lets the checker look at a page that has loaded since the last one: the check runs in the
    test's own flow, so the page cannot be left while axe runs on it. Calls made inside event
    handlers (other greenlets) are left alone."""
    import greenlet
    from playwright._impl._sync_base import SyncBase

    if _HOOKED:
        _HOOKED[0] = checker
        return
    _HOOKED.append(checker)
    original = SyncBase._sync

    def _sync(self, awaitable):
        __tracebackhide__ = True
        if greenlet.getcurrent().parent is None:
            _HOOKED[0].before_call()
        return original(self, awaitable)

    SyncBase._sync = _sync


def make_checker() -> tuple[Checker, str | None]:
    """The session's checker, and why it does not run (None when it does)."""
    missing = tools_missing()
    if not missing:
        return Checker(enabled=True), None
    why = f"axe-core/vnu check not run: missing {', '.join(missing)}. Install: {INSTALL}"
    return Checker(enabled=False), why


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")
