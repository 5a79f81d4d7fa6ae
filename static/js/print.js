// A "印刷する" button (data-print): opens the browser's print dialog. No inline script (CSP).
document.querySelectorAll("button[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
