// Marks a lesson read when its end scrolls into view: one small POST (the "Mark as read" form's own fields,
// CSRF token included, plus beacon=1, answered with 204). Opening a page stores nothing for a visitor who has
// done nothing (no session, no row); reading to the end, or pressing the button, is the learner doing something.
// The form arrives with the personal fragment (learn/progress/fragment.py), after the cached page has loaded.
(() => {
  if (!("IntersectionObserver" in window) || !window.fetch) return;
  const watch = (form) => {
    if (!form || form.dataset.readWatched) return;
    form.dataset.readWatched = "1";
    let sending = false;
    const done = () => {
      const note = document.createElement("p");
      note.className = "small text-body-secondary mb-0";
      note.setAttribute("role", "status");
      note.textContent = "✓ This lesson counts as read in your progress.";
      form.replaceWith(note);
    };
    const observer = new IntersectionObserver((entries) => {
      if (sending || !entries.some((entry) => entry.isIntersecting)) return;
      const body = new FormData(form);
      if (!body.get("csrfmiddlewaretoken")) return; // the personal fragment has not brought the learner's form yet
      sending = true;
      body.set("beacon", "1");
      fetch(form.action, { method: "POST", body, credentials: "same-origin" })
        .then((response) => {
          if (response.status === 204) {
            observer.disconnect();
            done();
          } else {
            sending = false;
          }
        })
        .catch(() => {
          sending = false;
        });
    });
    observer.observe(form);
  };
  const scan = () => watch(document.querySelector("form[data-read-beacon]"));
  document.addEventListener("htmx:afterSettle", scan);
  scan();
})();
