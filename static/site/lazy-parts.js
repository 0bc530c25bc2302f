// A public page fills some parts after it loads (the learner's own parts, the diagram, code blocks, the
// checkpoint). Two things must not get lost on the way:
// - the section a visitor came for (/sources/sqs/#checkpoint): each fill pushes what is below it down, so on a
//   fresh visit, until the visitor scrolls or 5 seconds pass, every fill brings that section back into view
//   (not on Back or Reload: there the browser restores the visitor's own position);
// - keyboard focus: when a part that holds the focus (its "Open it on its own page" link) is replaced, focus moves
//   into what replaced it instead of falling back to the top of the page.
(() => {
  const navigation = performance.getEntriesByType ? performance.getEntriesByType("navigation")[0] : null;
  const fresh = !navigation || navigation.type === "navigate";
  const hash = decodeURIComponent(window.location.hash.slice(1));
  let keep = fresh && hash !== "";
  const stop = () => {
    keep = false;
  };
  for (const name of ["wheel", "touchmove", "keydown", "mousedown"]) {
    window.addEventListener(name, stop, { once: true, passive: true });
  }
  setTimeout(stop, 5000);
  const FOCUSABLE =
    'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), select, textarea, [tabindex]:not([tabindex="-1"])';
  // the personal fragment could not be fetched: show the visitor's account menu rather than nothing
  const showMenu = (event) => {
    if (event.target && event.target.id === "personal-loader") {
      const menu = document.getElementById("account-nav");
      if (menu) menu.setAttribute("data-personal", "unavailable");
    }
  };
  document.addEventListener("htmx:sendError", showMenu);
  document.addEventListener("htmx:responseError", showMenu);
  let focusedId = null; // the part that held the focus when it was swapped (other parts may swap meanwhile)
  document.addEventListener("htmx:beforeSwap", (event) => {
    const target = event.detail.target;
    if (!target || !target.contains(document.activeElement) || document.activeElement === document.body) return;
    if (!target.id) target.id = `lazy-part-${Math.random().toString(36).slice(2)}`;
    focusedId = target.id;
  });
  document.addEventListener("htmx:afterSettle", () => {
    const active = document.activeElement;
    if (focusedId && (!active || active === document.body)) {
      const swapped = document.getElementById(focusedId);
      const into = swapped && swapped.querySelector(FOCUSABLE);
      const where = into || swapped;
      if (where) {
        if (!into) where.setAttribute("tabindex", "-1");
        where.focus({ preventScroll: true });
        focusedId = null;
      }
    } else if (focusedId && active && active !== document.body) {
      focusedId = null; // focus is somewhere on purpose
    }
    if (!keep) return;
    const element = document.getElementById(hash);
    if (element) element.scrollIntoView({ block: "start" });
  });
})();
