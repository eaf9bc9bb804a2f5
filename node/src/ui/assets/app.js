// Progressive enhancement only: every page works without this script.
document.querySelectorAll("button.copy-button").forEach(function (button) {
  button.addEventListener("click", function () {
    var input = document.getElementById(button.dataset.copy);
    if (!input) return;
    input.select();
    if (navigator.clipboard) { navigator.clipboard.writeText(input.value); } else { document.execCommand("copy"); }
  });
});
document.querySelectorAll("input.copy").forEach(function (input) {
  input.addEventListener("focus", function () { input.select(); });
});
