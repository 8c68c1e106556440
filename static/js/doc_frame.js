// The document preview: the A4 sheet keeps its true width (lines break as on paper) and is
// scaled to the width of its frame, whatever the screen; the frame keeps the scale when the
// live preview swaps the sheet inside it.
(function () {
  "use strict";
  const SMALLEST = 0.5; // below this the text is unreadable: the frame scrolls sideways instead

  function fit(frame) {
    const page = frame.querySelector(".doc-page");
    if (!page) return;
    frame.style.setProperty("--doc-zoom", "1");
    const sheet = page.getBoundingClientRect().width;
    const style = getComputedStyle(frame);
    const room =
      frame.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    if (sheet > 0 && room > 0) {
      const zoom = Math.max(SMALLEST, Math.min(1, room / sheet));
      frame.style.setProperty("--doc-zoom", zoom.toFixed(3));
    }
  }

  const frames = document.querySelectorAll(".doc-frame");
  if (!frames.length) return;
  frames.forEach(fit);
  if ("ResizeObserver" in window) {
    const seen = new WeakMap();
    const observer = new ResizeObserver((entries) => {
      entries.forEach((entry) => {
        // Only a change of width: fitting changes the height, which must not loop.
        const width = entry.contentRect.width;
        if (seen.get(entry.target) !== width) {
          seen.set(entry.target, width);
          fit(entry.target);
        }
      });
    });
    frames.forEach((frame) => observer.observe(frame));
  }
  document.body.addEventListener("htmx:afterSwap", (event) => {
    const frame = event.target.closest && event.target.closest(".doc-frame");
    if (frame) fit(frame);
  });
})();
