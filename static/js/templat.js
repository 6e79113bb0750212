// Choosing a reply template fills the text field it names; without script, "Pakai templat" does it on the server.
document.addEventListener("change", function (event) {
  var select = event.target;
  if (!select.matches || !select.matches("select[data-templat-target]")) return;
  var option = select.options[select.selectedIndex];
  var field = document.getElementById(select.getAttribute("data-templat-target"));
  if (!field || !option || !option.hasAttribute("data-body")) return;
  field.value = option.getAttribute("data-body");
  field.focus();
});
