/* Thumbnails of the photos a resident chooses, before they are sent. Progressive enhancement: without this
   script the file input works as it always did. Object URLs (blob:) never leave the browser. */
(function () {
  "use strict";

  function render(input, list) {
    list.querySelectorAll("img").forEach(function (img) { URL.revokeObjectURL(img.src); });
    list.replaceChildren();
    Array.prototype.forEach.call(input.files || [], function (file) {
      var item = document.createElement("li");
      if (file.type === "image/jpeg" || file.type === "image/png") {
        var img = document.createElement("img");
        img.src = URL.createObjectURL(file);
        img.alt = file.name;
        img.width = 96;
        item.appendChild(img);
      }
      var name = document.createElement("span");
      name.textContent = file.name;
      item.appendChild(name);
      list.appendChild(item);
    });
  }

  function enhance(input) {
    if (input.dataset.preview === "on") { return; }
    input.dataset.preview = "on";
    var list = document.createElement("ul");
    list.className = "lampiran-preview";
    list.setAttribute("aria-live", "polite");
    input.insertAdjacentElement("afterend", list);
    input.addEventListener("change", function () { render(input, list); });
  }

  function start() {
    if (!window.URL || !URL.createObjectURL) { return; }
    document.querySelectorAll('input[type="file"]').forEach(enhance);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
