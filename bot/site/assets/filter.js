/* Filters and search of needs.html and offers.html: hides the rows that do not match every
   chosen value and every word typed, and shows how many remain in #count. Without JavaScript
   the form stays hidden and every row is shown. Each <select> names the row attribute it reads
   (data-attribute); a row's attribute holds codes separated by spaces; the place "any" (an offer
   open to any country) matches every place. The search reads window.portalSearch (search.js,
   built with the site): each record's words, folded as `fold` below folds what is typed. */
(function () {
  "use strict";

  var form = document.getElementById("filters");
  var count = document.getElementById("count");
  if (!form || !count) {
    return;
  }
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var search = document.getElementById("search");
  var index = window.portalSearch || {};
  var rows = Array.prototype.slice.call(document.querySelectorAll(".record[data-id]"));

  /* As bot/site/search.py folds: no accents, no case, words separated by one space. */
  function fold(text) {
    return text.replace(/[œŒ]/g, "oe").replace(/[æÆ]/g, "ae").replace(/ß/g, "ss")
      .normalize("NFD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

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

  /* Every word typed starts a word of the record ("kine" finds "kinesitherapeutes"). */
  function found(row, words) {
    var text = " " + (index[row.getAttribute("data-id")] || "");
    return words.every(function (word) { return text.indexOf(" " + word) !== -1; });
  }

  function apply() {
    var words = search ? fold(search.value).split(" ").filter(Boolean) : [];
    var shown = 0;
    rows.forEach(function (row) {
      var visible = selects.every(function (select) { return accepts(row, select); }) &&
        found(row, words);
      row.hidden = !visible;
      if (visible) {
        shown += 1;
      }
    });
    count.textContent = String(shown);
  }

  form.hidden = false;
  form.addEventListener("change", apply);
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (event) {
    event.preventDefault();  /* Enter in the search box: the list is already narrowed */
    apply();
  });
  form.addEventListener("reset", function () {
    window.setTimeout(apply, 0);
  });
  apply();
}());
