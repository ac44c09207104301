(function () {
  "use strict";
  function refold(table) {
    var limit = parseInt(table.getAttribute("data-fold"), 10) || 0;
    var rows = table.tBodies[0].rows;
    for (var i = 0; i < rows.length; i++) rows[i].classList.toggle("more", limit > 0 && i >= limit);
  }
  function key(cell) {
    var v = cell.getAttribute("data-sort");
    return v === null ? null : parseFloat(v);
  }
  function sortBy(th) {
    var table = th.closest("table"), body = table.tBodies[0];
    var index = Array.prototype.indexOf.call(th.parentNode.children, th);
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var numeric = th.classList.contains("num");
    Array.prototype.forEach.call(th.parentNode.children, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = a.cells[index], y = b.cells[index], r;
      if (numeric) {
        var kx = key(x), ky = key(y);
        if (kx === null || ky === null) return (kx === null) - (ky === null);
        r = kx - ky;
      } else {
        r = x.textContent.localeCompare(y.textContent, "zh-Hans-CN");
      }
      return ascending ? r : -r;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    refold(table);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest("button");
    if (!button) return;
    if (button.classList.contains("sort")) sortBy(button.closest("th"));
    if (button.classList.contains("unfold")) {
      var table = button.parentNode.querySelector("table");
      var folded = table.classList.toggle("folded");
      button.textContent = button.getAttribute(folded ? "data-more" : "data-less");
    }
  });
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) { d.open = true; });
  });
})();
