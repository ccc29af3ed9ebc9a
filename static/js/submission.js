// The unit's report form: autosave, a copy on this computer against lost connections and expired
// sessions, and the ratio shown as it is typed ("87,5% (350/400)"). The form works without it.
(function () {
  "use strict";
  const form = document.getElementById("submission-form");
  if (!form || form.dataset.autosave !== "on") return;
  const status = document.getElementById("autosave-status");
  const key = form.dataset.storageKey;
  const versionInput = form.querySelector('input[name="version"]');
  let timer = null;
  let saving = false;
  let dirty = false;

  function say(text, kind) {
    status.textContent = text;
    status.className = "autosave " + (kind || "");
  }

  // Vietnamese notation: "." groups thousands, "," is the decimal mark.
  function parseVi(text) {
    const clean = (text || "").trim().replace(/%$/, "").replace(/\s/g, "");
    if (!/^-?\d{1,3}(\.\d{3})*(,\d+)?$|^-?\d+(,\d+)?$/.test(clean)) return null;
    return Number(clean.replace(/\./g, "").replace(",", "."));
  }
  function formatVi(number, digits) {
    return number.toLocaleString("vi-VN", { maximumFractionDigits: digits });
  }
  // The preview turns red (and says so to screen readers) while the entry cannot be saved: what
  // the rules of reporting/rules.py refuse that can be seen here, or the server's error beside a or b.
  function ratioInvalid(output, aText, bText, a, b) {
    const serverError = [output.dataset.ratioA, output.dataset.ratioB].some(function (name) {
      const p = form.querySelector('[data-error-for="' + name + '"]');
      return p && !p.hidden;
    });
    if (serverError) return true;
    if ((aText.trim() && a === null) || (bText.trim() && b === null)) return true;
    if ((a !== null && a < 0) || (b !== null && b <= 0)) return true;
    return output.dataset.bounded === "on" && a !== null && b !== null && a > b;
  }
  function updateRatios() {
    form.querySelectorAll("output.ratio").forEach(function (output) {
      const aText = form.elements[output.dataset.ratioA].value;
      const bText = form.elements[output.dataset.ratioB].value;
      const a = parseVi(aText);
      const b = parseVi(bText);
      const invalid = ratioInvalid(output, aText, bText, a, b);
      output.classList.toggle("invalid", invalid);
      output.setAttribute("aria-invalid", invalid ? "true" : "false");
      output.textContent = a !== null && b ? formatVi((a * 100) / b, 1) + "% (" + formatVi(a, 4) + "/" + formatVi(b, 4) + ")" : "";
    });
  }

  function fields() {
    return Array.from(form.elements).filter(function (el) {
      return el.name && el.type !== "file" && el.name !== "csrfmiddlewaretoken" && el.type !== "submit";
    });
  }
  function snapshot() {
    const data = {};
    fields().forEach(function (el) {
      data[el.name] = el.type === "checkbox" ? el.checked : el.value;
    });
    return data;
  }
  function keepLocally() {
    try {
      localStorage.setItem(key, JSON.stringify({ version: versionInput.value, at: Date.now(), data: snapshot() }));
    } catch (e) { /* storage full or disabled: the server copy still stands */ }
  }
  function restore() {
    let saved = null;
    try { saved = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
    if (!saved || !saved.data) return false;
    let changed = false;
    fields().forEach(function (el) {
      if (!(el.name in saved.data) || el.name === "version") return;
      const value = saved.data[el.name];
      if (el.type === "checkbox") {
        if (el.checked !== value) { el.checked = value; changed = true; }
      } else if (el.value !== value) {
        el.value = value;
        changed = true;
      }
    });
    return changed;
  }

  function showErrors(errors, warnings) {
    form.querySelectorAll("[data-error-for]").forEach(function (p) {
      const messages = errors[p.dataset.errorFor];
      p.hidden = !messages;
      p.textContent = messages ? messages.join(" ") : "";
      p.closest(".field").classList.toggle("has-error", !!messages);
    });
    form.querySelectorAll("[data-warning-for]").forEach(function (box) {
      const text = warnings[box.dataset.warningFor];
      const confirm = box.querySelector('input[type="checkbox"]');
      if (text) {
        box.hidden = false;
        box.querySelector(".warning-text").textContent = text;
      } else if (!(confirm && confirm.checked)) {
        box.hidden = true;
      }
    });
  }

  function autosave() {
    if (saving) { dirty = true; return; }
    saving = true;
    dirty = false;
    const body = new FormData();
    fields().forEach(function (el) {
      if (el.type === "checkbox") { if (el.checked) body.append(el.name, "on"); }
      else body.append(el.name, el.value);
    });
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    body.append("action", "autosave");
    fetch(window.location.pathname, {
      method: "POST", body: body, credentials: "same-origin", redirect: "manual",
      headers: { "X-Requested-With": "fetch", Accept: "application/json" },
    }).then(function (response) {
      if (response.type === "opaqueredirect" || response.status === 302 || response.status === 403) {
        say(status.dataset.expired, "warn");
        return null;
      }
      if (response.status === 409) { say(status.dataset.conflict, "warn"); return null; }
      return response.json();
    }).then(function (result) {
      if (!result) return;
      if (result.ok) {
        versionInput.value = result.version;
        showErrors(result.errors || {}, result.warnings || {});
        updateRatios();
        say(status.dataset.saved + " " + result.saved_at, "ok");
        if (!Object.keys(result.errors || {}).length) localStorage.removeItem(key);
      } else if (result.message) {
        say(result.message, "warn");
      }
    }).catch(function () {
      say(status.dataset.offline, "warn");
    }).finally(function () {
      saving = false;
      if (dirty) schedule();
    });
  }
  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(autosave, 1500);
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "file") return;
    keepLocally();
    updateRatios();
    schedule();
  });
  form.addEventListener("change", function (event) {
    if (event.target.type === "file") return;
    keepLocally();
    schedule();
  });
  form.addEventListener("submit", function () {
    clearTimeout(timer);
    keepLocally();
  });
  window.addEventListener("online", function () { if (localStorage.getItem(key)) autosave(); });

  if (restore()) {
    say(status.dataset.restored, "warn");
    updateRatios();
    schedule();
  }
  updateRatios();
})();
