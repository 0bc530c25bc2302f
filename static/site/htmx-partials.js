// Our own 4xx/503 answers to htmx requests are partials meant to be swapped in place (see htmx-config in
// base.html): a bad event, a rate limit, a busy sandbox. With DEBUG on (`make dev`), django-htmx's debug script
// listens on `document` and replaces the whole page with any 400/403/404/500 response, which wiped the form
// and showed one bare line of text. Stop those events at <body>, before they reach that listener, when the
// response is one of our fragments; htmx itself still swaps them. Whole pages (Django's debug page on a 500,
// for instance) are left to the debug script.
(() => {
  const ours = (status) => (status >= 400 && status < 500) || status === 503;
  const wholePage = /^\s*(<!doctype|<html)/i;
  document.body.addEventListener("htmx:beforeOnLoad", (event) => {
    const xhr = event.detail && event.detail.xhr;
    if (!xhr || !ours(xhr.status)) return;
    const text = typeof xhr.response === "string" ? xhr.response : "";
    if (wholePage.test(text)) return;
    event.stopPropagation();
  });
})();
