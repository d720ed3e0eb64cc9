// Emploi Montagne: the little the pages need beyond htmx. No inline scripts (CSP).
(function () {
  "use strict";
  var filtersOpen = null;
  // Keep the "Filtres" panel as the visitor left it when htmx swaps the results.
  document.addEventListener("htmx:beforeSwap", function () {
    var panel = document.querySelector(".facets-toggle");
    filtersOpen = panel ? panel.open : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var panel = document.querySelector(".facets-toggle");
    if (panel && filtersOpen !== null) { panel.open = filtersOpen; }
  });
  // Wide screens show the filters beside the results: open the panel there.
  function openOnWideScreens() {
    var panel = document.querySelector(".facets-toggle");
    if (panel && window.matchMedia("(min-width: 56rem)").matches) { panel.open = true; }
  }
  document.addEventListener("DOMContentLoaded", openOnWideScreens);
})();
