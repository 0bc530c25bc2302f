// Apply the remembered (or system) colour theme before the page paints, then wire the toggle button.
(function () {
  var KEY = "triggerlab-theme";
  function preferred() {
    try {
      var saved = localStorage.getItem(KEY);
      if (saved === "light" || saved === "dark") return saved;
    } catch (e) { /* storage may be blocked: fall back to the system setting */ }
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }
  function apply(theme) {
    document.documentElement.setAttribute("data-bs-theme", theme);
    var button = document.getElementById("theme-toggle");
    if (button) {
      button.setAttribute("aria-pressed", theme === "dark" ? "true" : "false");
      button.querySelector(".theme-label").textContent = theme === "dark" ? "Light mode" : "Dark mode";
    }
  }
  apply(preferred());
  // Parts that only work with JavaScript (a public page's token-less forms) show only when it runs: site.css
  document.documentElement.classList.add("js");
  document.addEventListener("DOMContentLoaded", function () {
    apply(preferred());
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    button.addEventListener("click", function () {
      var next = document.documentElement.getAttribute("data-bs-theme") === "dark" ? "light" : "dark";
      try { localStorage.setItem(KEY, next); } catch (e) { /* not remembered, still applied */ }
      apply(next);
    });
  });
})();
