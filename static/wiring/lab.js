// The wiring lab: "Open" (a source's shipped template) asks before it replaces text the learner has edited.
// The edit itself is not lost either way: the editor keeps it in this browser as the lab's draft
// (data-draft-key, static/playground/editor.js), which the next page offers to restore.
(function () {
  "use strict";
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.matches || !form.matches("form[data-confirm-replace]")) return;
    var area = document.getElementById("code");
    if (!area || area.value === area.defaultValue) return;
    var select = form.querySelector("select");
    var name = select && select.selectedIndex >= 0 ? select.options[select.selectedIndex].text : "this source";
    var question = "Replace the template you edited with the template of " + name + "?\n\n" +
      "Your edit stays in this browser as a draft: the lab offers to restore it.";
    if (!window.confirm(question)) event.preventDefault();
  });
})();

// After "Simulate", bring the diagram's top into view (on a phone the swap otherwise leaves the page scrolled
// past it, at the step controls).
(function () {
  "use strict";
  var simulated = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail && event.detail.elt;
    simulated = !!(elt && elt.getAttribute && elt.getAttribute("name") === "simulate");
  });
  document.addEventListener("htmx:afterSettle", function () {
    if (!simulated) return;
    simulated = false;
    // after the diagram's player has set itself up (it may move focus to its controls)
    setTimeout(function () {
      var diagram = document.getElementById("simulation");
      if (diagram) diagram.scrollIntoView({ block: "start" });
    }, 150);
  });
})();
