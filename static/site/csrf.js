// Public pages (lessons, models, the grid, the guide, the glossary) are one cached rendering for everybody, so
// they carry no CSRF token: it comes from the `csrftoken` cookie, which the personal fragment sets after load
// (learn/progress/fragment.py). htmx requests get it as the X-CSRFToken header; a plain POST form gets it as
// its hidden field at the moment it is submitted (the cookie's value wins over a field rendered earlier: a log-in
// in another tab changes the token). A form sent before the fragment has brought the cookie waits for it.
(() => {
  const token = () => {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  };
  document.addEventListener("htmx:configRequest", (event) => {
    const value = token();
    if (value) event.detail.headers["X-CSRFToken"] = value;
  });
  const fill = (form, value) => {
    let field = form.querySelector('input[name="csrfmiddlewaretoken"]');
    if (!field) {
      field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrfmiddlewaretoken";
      form.prepend(field);
    }
    field.value = value;
  };
  document.addEventListener(
    "submit",
    (event) => {
      const form = event.target;
      if (!(form instanceof HTMLFormElement) || (form.getAttribute("method") || "").toLowerCase() !== "post") return;
      const value = token();
      if (value) {
        fill(form, value);
        return;
      }
      if (form.querySelector('input[name="csrfmiddlewaretoken"]')) return; // a page rendered with its own token
      // the personal fragment has not arrived yet (a slow network): fetch it for its cookie, then send
      event.preventDefault();
      fetch("/me/fragment/", { headers: { "HX-Request": "true" }, credentials: "same-origin" })
        .catch(() => null)
        .then(() => {
          const value = token();
          if (!value && form.dataset.withoutToken) {
            window.location.assign(form.dataset.withoutToken); // still none: the same action on a page of its own
            return;
          }
          fill(form, value);
          form.submit();
        });
    },
    true,
  );
})();
