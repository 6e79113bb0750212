// What the Django admin's own widgets leave unnamed or out of keyboard reach (axe, issue 13.10).
// They build their markup on page load, so this runs after them.
(function () {
  "use strict";

  function labelText(id) {
    const label = id ? document.querySelector('label[for="' + id + '"]') : null;
    return label ? label.textContent.replace(/:\s*$/, "").trim() : "";
  }

  function fix() {
    // filter_horizontal's search icon carries an aria-label, which only an element with a role may: it is an image.
    document.querySelectorAll(".help-tooltip[aria-label]").forEach(function (icon) {
      icon.setAttribute("role", "img");
    });
    // The autocomplete widget (select2) names its combobox after the chosen value: nothing when none is chosen.
    document.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      const name = labelText(select.id);
      const widget = select.nextElementSibling;
      if (!name || !widget) {
        return;
      }
      widget.querySelectorAll('[role="combobox"], [role="textbox"]').forEach(function (part) {
        part.removeAttribute("aria-labelledby");
        part.setAttribute("aria-label", name);
      });
    });
    // A tabular inline scrolls sideways on a phone: a keyboard must reach it to scroll it.
    document.querySelectorAll(".inline-group").forEach(function (group) {
      if (!group.querySelector(".tabular")) {
        return;
      }
      const heading = group.querySelector("h2");
      group.setAttribute("tabindex", "0");
      group.setAttribute("role", "region");
      if (heading) {
        group.setAttribute("aria-label", heading.textContent.trim());
      }
    });
  }

  window.addEventListener("load", function () {
    window.setTimeout(fix, 0);
  });
})();
