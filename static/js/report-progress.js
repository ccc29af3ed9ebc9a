// Report file page: poll the JSON status until the file is ready, then show the download link.
(function () {
  "use strict";
  var box = document.querySelector(".report-progress[data-status-url]");
  if (!box) { return; }
  var url = box.getAttribute("data-status-url");
  var part = function (role) { return box.querySelector('[data-role="' + role + '"]'); };
  function show(state) {
    part("status").textContent = state.status_label;
    part("bar").value = state.progress;
    part("bar").textContent = state.progress + "%";
    if (state.error) { part("error").textContent = state.error; part("error").hidden = false; }
    if (state.download_url) { part("download").hidden = false; }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (state) {
        if (!state) { return; }
        show(state);
        if (state.finished) {
          if (state.download_url) { window.location.reload(); }
          return;
        }
        window.setTimeout(poll, 1500);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  if (part("download").hidden && part("error").hidden) { window.setTimeout(poll, 800); }
})();
