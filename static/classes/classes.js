// "Copy" buttons beside the join code and link: shown only when this script runs (the text is there to select
// without it). The button says what happened in its live region.
(function () {
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      var status = document.getElementById(button.getAttribute("aria-describedby") || "");
      if (!source || !navigator.clipboard) return;
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = source.getAttribute("data-value") || source.textContent.trim();
        navigator.clipboard.writeText(text).then(
          function () { if (status) status.textContent = "Copied"; },
          function () { if (status) status.textContent = "Could not copy: select the text instead"; }
        );
      });
    });
  });
})();
