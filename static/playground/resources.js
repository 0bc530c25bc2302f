// The sandbox's Resources panel. sandbox.js swaps in the panel a streamed run sends (it replaces elements by id)
// without htmx seeing it, so the new panel's Reset form would post the whole page: let htmx process it once the
// run's result (which comes right after the panel) is in place. Without JavaScript the form posts and redirects.
(function () {
  "use strict";
  document.addEventListener("htmx:afterSwap", function (event) {
    if (!event.target || event.target.id !== "result" || !window.htmx) return;
    var panel = document.getElementById("resources");
    if (panel) window.htmx.process(panel);
  });
})();
