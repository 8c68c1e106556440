// Import review: focusing a field lights up where its value was read in the source text.
(function () {
  "use strict";
  const source = document.getElementById("import-source");
  if (!source) return;

  function show(name, scroll) {
    source.querySelectorAll("mark.src-mark.active").forEach((m) => m.classList.remove("active"));
    const marks = source.querySelectorAll('mark.src-mark[data-field="' + name + '"]');
    marks.forEach((m) => m.classList.add("active"));
    if (scroll && marks.length) {
      marks[0].scrollIntoView({ block: "center", behavior: "smooth" });
    }
  }

  document.querySelectorAll("[data-field]").forEach((box) => {
    if (box.tagName === "MARK" || box.classList.contains("src-link")) return;
    box.addEventListener("focusin", () => show(box.dataset.field, true));
  });
  document.querySelectorAll("a.src-link").forEach((link) => {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      show(link.dataset.field, true);
    });
  });
})();
