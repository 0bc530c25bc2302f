// After a checkpoint question is answered inline (htmx swaps the question for its feedback), keyboard focus
// would fall back to <body> and a screen reader would say nothing: move it to the verdict, or to the error.
(() => {
  document.body.addEventListener("htmx:afterSettle", (event) => {
    const target = event.detail && event.detail.elt;
    if (!target || !target.closest || !target.closest(".checkpoint")) return;
    const card = target.matches(".checkpoint-question") ? target : target.querySelector(".checkpoint-question");
    const verdict = card && card.querySelector("[data-checkpoint-verdict], .alert-danger");
    if (!verdict) return;
    verdict.setAttribute("tabindex", "-1");
    verdict.focus({ preventScroll: false });
  });
})();
