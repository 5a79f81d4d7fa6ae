/* Idle lock: warn before the server's idle timeout, then hide the page's personal data and ask
   for a new login. The server ends the session on its own; this only keeps the screen clean.
   External file: the Content-Security-Policy forbids inline script. */
(function () {
  "use strict";
  var config = document.getElementById("idle-lock");
  if (!config) { return; }
  var idleMs = parseInt(config.getAttribute("data-idle-seconds"), 10) * 1000;
  var warnMs = parseInt(config.getAttribute("data-warning-seconds"), 10) * 1000;
  if (!(idleMs > 0)) { return; }
  var warning = document.getElementById("idle-warning");
  var locked = document.getElementById("idle-locked");
  var countdown = document.getElementById("idle-countdown");
  var form = document.getElementById("idle-continue");
  var lastActivity = Date.now();
  var isLocked = false;
  var timer = null;

  function lock() {
    isLocked = true;
    window.clearInterval(timer);
    var hide = document.querySelectorAll("main, .site-nav, .site-header .who");
    for (var i = 0; i < hide.length; i++) { hide[i].hidden = true; }
    warning.hidden = true;
    locked.hidden = false;
    document.body.classList.add("idle-is-locked");
    document.title = "画面ロック";
  }

  function tick() {
    if (isLocked) { return; }
    var left = lastActivity + idleMs - Date.now();
    if (left <= 0) { lock(); return; }
    if (left <= warnMs) {
      countdown.textContent = String(Math.ceil(left / 1000));
      warning.hidden = false;
    } else {
      warning.hidden = true;
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (isLocked) { return; }
    window.fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      redirect: "manual"
    }).then(function (response) {
      if (response.status === 204) {
        lastActivity = Date.now();
        warning.hidden = true;
      } else {
        lock();
      }
    }, lock);
  });

  timer = window.setInterval(tick, 1000);
  tick();
}());
