// Timeline filter: narrows the server-rendered list by kind and by entity. Without
// JavaScript the form stays hidden and the page is a plain chronological list.
(function () {
  "use strict";
  var form = document.getElementById("tl-filter");
  if (!form) return;
  var kind = form.elements.show, involved = form.elements["with"];
  var status = document.getElementById("tl-status");
  var items = Array.prototype.slice.call(document.querySelectorAll(".tl-year li[data-kind]"));
  var years = Array.prototype.slice.call(document.querySelectorAll(".tl-year"));

  function apply(updateUrl) {
    var shown = 0;
    items.forEach(function (li) {
      var ok = (!kind.value || li.dataset.kind === kind.value) &&
        (!involved.value || (" " + li.dataset.entities + " ").indexOf(" " + involved.value + " ") >= 0);
      li.hidden = !ok;
      if (ok) shown += 1;
    });
    years.forEach(function (section) {
      section.hidden = !section.querySelector("li[data-kind]:not([hidden])");
    });
    var filtered = kind.value || involved.value;
    status.textContent = filtered ? "Showing " + shown + " of " + items.length + " entries." : "";
    if (updateUrl && window.history && history.replaceState) {
      var params = new URLSearchParams();
      if (kind.value) params.set("show", kind.value);
      if (involved.value) params.set("with", involved.value);
      var query = params.toString();
      history.replaceState(null, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }
  }

  var params = new URLSearchParams(location.search);
  kind.value = params.get("show") || "";
  involved.value = params.get("with") || "";
  if (involved.value !== (params.get("with") || "")) involved.value = "";
  form.hidden = false;
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  apply(false);
})();
