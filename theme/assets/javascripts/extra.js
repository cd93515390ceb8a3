/* Scrollable tables must be reachable by keyboard (WCAG 2.1.1, axe
   scrollable-region-focusable). Material wraps each Markdown table in
   .md-typeset__scrollwrap; when one is wider than the screen, make the wrapper
   a named, focusable region so keyboard users can scroll it. */
(function () {
  function label(wrap) {
    var table = wrap.querySelector("table");
    var caption = table && table.querySelector("caption");
    if (caption && caption.textContent.trim()) return "Table: " + caption.textContent.trim();
    var node = wrap;
    while (node && node !== document.body) {
      var prev = node.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) return "Table: " + prev.textContent.replace(/¶$/, "").trim();
        prev = prev.previousElementSibling;
      }
      node = node.parentElement;
    }
    return "Table";
  }
  function update() {
    document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrap) {
      if (wrap.parentElement.closest("[role=region][tabindex]")) return;
      var wide = wrap.scrollWidth > wrap.clientWidth + 1;
      if (wide) {
        wrap.setAttribute("tabindex", "0");
        wrap.setAttribute("role", "region");
        wrap.setAttribute("aria-label", label(wrap) + " (scrolls sideways)");
      } else if (wrap.getAttribute("role") === "region") {
        wrap.removeAttribute("tabindex");
        wrap.removeAttribute("role");
        wrap.removeAttribute("aria-label");
      }
    });
  }
  var timer;
  function later() { clearTimeout(timer); timer = setTimeout(update, 100); }
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(update);
  } else {
    document.addEventListener("DOMContentLoaded", update);
  }
  window.addEventListener("resize", later);
})();

/* The version selector: Material names its button "Select version", which does
   not contain the visible text (the year), so speech users cannot say what they
   see (WCAG 2.5.3, axe label-content-name-mismatch). Name it by its text. */
(function () {
  function name() {
    var button = document.querySelector(".md-version__current");
    if (!button || button.dataset.sxNamed) return !!button;
    var text = button.textContent.trim();
    button.setAttribute("aria-label", text + ": choose another year");
    button.dataset.sxNamed = "1";
    return true;
  }
  if (name()) return;
  var topic = document.querySelector(".md-header__topic");
  if (!topic || !window.MutationObserver) return;
  var observer = new MutationObserver(function () { if (name()) observer.disconnect(); });
  observer.observe(topic, { childList: true, subtree: true });
})();
