/* Filters of needs.html and offers.html: hides the rows that do not match every chosen value
   and shows how many remain in #count. Without JavaScript the form stays hidden and every row
   is shown. Each <select> names the row attribute it reads (data-attribute); a row's attribute
   holds codes separated by spaces; the place "any" (an offer open to any country) matches every
   place. */
(function () {
  "use strict";

  var form = document.getElementById("filters");
  var count = document.getElementById("count");
  if (!form || !count) {
    return;
  }
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var rows = Array.prototype.slice.call(document.querySelectorAll(".record[data-id]"));

  function codes(row, attribute) {
    return (row.getAttribute(attribute) || "").split(" ");
  }

  function accepts(row, select) {
    var wanted = select.value;
    if (!wanted) {
      return true;
    }
    var attribute = select.getAttribute("data-attribute");
    var have = codes(row, attribute);
    return have.indexOf(wanted) !== -1 ||
      (attribute === "data-places" && have.indexOf("any") !== -1);
  }

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var visible = selects.every(function (select) { return accepts(row, select); });
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    count.textContent = String(shown);
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0);
  });
  apply();
}());
