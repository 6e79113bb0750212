// Moves focus to the error summary so a screen reader announces it, and makes its links focus the field.
(function () {
  "use strict";
  function init() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.focus();
    // Scrolling to a URL fragment (a form posted to "#daftar") runs after load and takes focus away: take it back.
    window.addEventListener("load", function () {
      setTimeout(function () {
        if (document.activeElement !== summary) {
          summary.focus();
          summary.scrollIntoView();
        }
      }, 0);
    });
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var input = document.getElementById(link.getAttribute("href").slice(1));
      if (!input) return;
      event.preventDefault();
      var label = document.querySelector("label[for='" + input.id + "']") || input;
      label.scrollIntoView();
      input.focus({ preventScroll: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
