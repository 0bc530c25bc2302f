// A public page fills some parts after it loads (the diagram, code blocks, the learner's own parts): each fill
// pushes what is below it down. A visitor who came for a section (/sources/sqs/#checkpoint) would end up
// somewhere else, so until they scroll themselves, every fill brings the linked section back into view.
(() => {
  let moved = false;
  const stop = () => {
    moved = true;
  };
  for (const name of ["wheel", "touchmove", "keydown", "mousedown"]) {
    window.addEventListener(name, stop, { once: true, passive: true });
  }
  const target = () => {
    const id = decodeURIComponent(window.location.hash.slice(1));
    return id ? document.getElementById(id) : null;
  };
  document.addEventListener("htmx:afterSettle", () => {
    const element = !moved && target();
    if (element) element.scrollIntoView({ block: "start" });
  });
})();
