// Public pages (lessons, models, the grid, the guide, the glossary) are one cached rendering for everybody, so
// they carry no CSRF token: it comes from the `csrftoken` cookie, which the personal fragment sets after load
// (learn/progress/fragment.py). htmx requests get it as the X-CSRFToken header; a plain POST form gets it as
// its hidden field at the moment it is submitted. Pages rendered per learner still carry their own token.
(() => {
  const token = () => {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  };
  document.addEventListener("htmx:configRequest", (event) => {
    const headers = event.detail.headers;
    if (!headers["X-CSRFToken"]) {
      const value = token();
      if (value) headers["X-CSRFToken"] = value;
    }
  });
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
      let field = form.querySelector('input[name="csrfmiddlewaretoken"]');
      if (field && field.value) return;
      const value = token();
      if (!value) return;
      if (!field) {
        field = document.createElement("input");
        field.type = "hidden";
        field.name = "csrfmiddlewaretoken";
        form.prepend(field);
      }
      field.value = value;
    },
    true,
  );
})();
