/* Polls a job's status (JSON) and updates its progress bar. The state lives in the database,
   so a reload or another app process shows the same job; when it finishes the page is loaded
   once more so the server renders the final result. External file: the CSP forbids inline. */
(function () {
  "use strict";
  var root = document.querySelector("[data-job-status-url]");
  if (!root || root.getAttribute("data-job-finished") === "true") {
    return;
  }
  var url = root.getAttribute("data-job-status-url");
  var delay = 1000;
  var maxDelay = 15000;

  function set(selector, text) {
    var el = root.querySelector(selector);
    if (el) {
      el.textContent = text;
    }
  }

  function render(state) {
    var bar = root.querySelector("[data-job-bar]");
    if (bar) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
    set("[data-job-status]", state.status_label);
    set("[data-job-percent]", String(state.percent));
    set("[data-job-done]", String(state.done));
    set("[data-job-total]", String(state.total));
    set("[data-job-message]", state.message);
    if (state.finished) {
      window.location.reload();
      return;
    }
    delay = 1000;
    window.setTimeout(poll, delay);
  }

  function poll() {
    window.fetch(url, {
      credentials: "same-origin",
      cache: "no-store",
      headers: { Accept: "application/json" }
    }).then(function (response) {
      if (!response.ok) {
        throw new Error("status " + response.status);
      }
      return response.json();
    }).then(render).catch(function () {
      set("[data-job-message]", "状況を取得できません。再試行しています…");
      delay = Math.min(delay * 2, maxDelay);
      window.setTimeout(poll, delay);
    });
  }

  window.setTimeout(poll, delay);
})();
