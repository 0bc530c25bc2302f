// A small accessible code editor: Tab indents, Esc then Tab leaves the box; line numbers; drafts kept locally.
(function () {
  "use strict";
  var escaped = false;
  function numbers(area) {
    var gutter = area.parentNode.querySelector(".gutter");
    if (!gutter) return;
    var count = area.value.split("\n").length, text = "";
    for (var i = 1; i <= count; i += 1) text += i + "\n";
    gutter.textContent = text;
    gutter.scrollTop = area.scrollTop;
  }
  document.addEventListener("keydown", function (event) {
    var area = event.target;
    if (!area.matches || !area.matches("textarea[data-editor]")) return;
    if (event.key === "Escape") { escaped = true; return; }
    if (event.key === "Tab" && !escaped && !event.shiftKey) {
      event.preventDefault();
      var start = area.selectionStart, end = area.selectionEnd;
      area.setRangeText("    ", start, end, "end");
      numbers(area);
    }
    if (event.key !== "Tab") escaped = false;
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-editor]")) {
      numbers(event.target);
      try { localStorage.setItem("triggerlab-" + location.pathname + "-" + event.target.name, event.target.value); } catch (e) { /* optional */ }
    }
  });
  document.addEventListener("scroll", function (event) {
    if (event.target.matches && event.target.matches("textarea[data-editor]")) numbers(event.target);
  }, true);
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("textarea[data-editor]").forEach(numbers);
  });
})();
