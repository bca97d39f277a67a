// Search page: queries the Pagefind index built by `sitegen build` and shows title, kind,
// date, outlet and an excerpt per result, with filters from the archive's annotations.
// Every address is worked out from this page's own URL, so the site works at a domain
// root, under a sub-path and under `sitegen serve` alike.
(function () {
  "use strict";
  var app = document.getElementById("search-app");
  if (!app) return;
  var input = document.getElementById("search-q");
  var status = document.getElementById("search-status");
  var list = document.getElementById("search-results");
  var more = document.getElementById("search-more");
  var sortSelect = document.getElementById("search-sort");
  var details = document.getElementById("search-filters");
  var facetFields = Array.prototype.slice.call(app.querySelectorAll("[data-facet]"));
  var root = new URL(app.dataset.root, location.href);
  var bundle = new URL(app.dataset.bundle, location.href);
  var PAGE = 20;
  var decoder = document.createElement("textarea");
  var pagefind = null, results = [], shown = 0, sequence = 0, timer = null;

  function say(text) { status.textContent = text; }

  function facetValues() {
    var chosen = {};
    facetFields.forEach(function (field) {
      var select = field.querySelector("select");
      if (select.value) chosen[field.dataset.facet] = select.value;
    });
    return chosen;
  }

  function fillFacets(available) {
    var params = new URLSearchParams(location.search);
    facetFields.forEach(function (field) {
      var name = field.dataset.facet, select = field.querySelector("select");
      var counts = available[name] || {};
      var values = Object.keys(counts);
      values.sort(name === "year" ? function (a, b) { return b.localeCompare(a); }
        : function (a, b) { return counts[b] - counts[a] || a.localeCompare(b); });
      values.forEach(function (value) {
        var option = document.createElement("option");
        option.value = value;
        option.textContent = value + " (" + counts[value] + ")";
        select.appendChild(option);
      });
      field.hidden = values.length === 0;
      var wanted = params.get(name);
      if (wanted && counts[wanted] !== undefined) { select.value = wanted; details.open = true; }
    });
    var sort = params.get("sort");
    if (sort === "asc" || sort === "desc") { sortSelect.value = sort; details.open = true; }
  }

  function remember(term, filters) {
    var params = new URLSearchParams();
    if (term) params.set("q", term);
    Object.keys(filters).forEach(function (k) { params.set(k, filters[k]); });
    if (sortSelect.value) params.set("sort", sortSelect.value);
    var query = params.toString();
    history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
  }

  // Pagefind marks matches with <mark> in text it has already escaped; rebuild the
  // excerpt from text nodes so nothing else in it can become markup.
  function excerptNode(html) {
    var p = document.createElement("p");
    p.className = "excerpt";
    html.split(/(<mark>|<\/mark>)/).reduce(function (inMark, piece) {
      if (piece === "<mark>") return true;
      if (piece === "</mark>") return false;
      decoder.innerHTML = piece;  // a <textarea> only decodes character references
      var text = decoder.value;
      if (!text) return inMark;
      if (inMark) {
        var mark = document.createElement("mark");
        mark.textContent = text;
        p.appendChild(mark);
      } else {
        p.appendChild(document.createTextNode(text));
      }
      return inMark;
    }, false);
    return p;
  }

  function resultItem(data) {
    var li = document.createElement("li");
    var article = document.createElement("article");
    article.className = "item result";
    var heading = document.createElement("h2");
    heading.className = "item-title";
    var link = document.createElement("a");
    link.href = data.url;
    link.textContent = data.meta.title || data.url;
    heading.appendChild(link);
    var meta = document.createElement("p");
    meta.className = "meta";
    var kind = document.createElement("span");
    kind.className = "badge";
    kind.textContent = data.meta.kind || "Page";
    meta.appendChild(kind);
    [data.meta.date, data.meta.outlet].forEach(function (part) {
      if (part) meta.appendChild(document.createTextNode(" · " + part));
    });
    article.appendChild(heading);
    article.appendChild(meta);
    article.appendChild(excerptNode(data.excerpt || ""));
    li.appendChild(article);
    return li;
  }

  function showMore(started) {
    var batch = results.slice(shown, shown + PAGE);
    var mine = sequence;
    return Promise.all(batch.map(function (r) { return r.data(); })).then(function (rows) {
      if (mine !== sequence) return;
      rows.forEach(function (data) { list.appendChild(resultItem(data)); });
      shown += rows.length;
      more.hidden = shown >= results.length;
      if (started !== undefined) app.dataset.searchMs = (performance.now() - started).toFixed(1);
    });
  }

  function search() {
    if (!pagefind) return;
    var started = performance.now();
    var term = input.value.trim(), filters = facetValues();
    var mine = ++sequence;
    remember(term, filters);
    if (!term && !Object.keys(filters).length) {
      list.textContent = ""; more.hidden = true; say("");
      return;
    }
    var options = { filters: filters };
    if (sortSelect.value) options.sort = { date: sortSelect.value };
    pagefind.search(term || null, options).then(function (found) {
      if (mine !== sequence) return;
      results = found.results; shown = 0; list.textContent = "";
      var what = term ? " for “" + term + "”" : "";
      // Announced once the results are on the page, so a screen reader can go to them.
      return showMore(started).then(function () {
        if (mine !== sequence) return;
        say(results.length === 0 ? "No results" + what + "." :
          results.length + (results.length === 1 ? " result" : " results") + what + ".");
      });
    }).catch(function (error) { say("Search failed: " + error.message); });
  }

  function later() { clearTimeout(timer); timer = setTimeout(search, 120); }

  app.hidden = false;
  input.value = new URLSearchParams(location.search).get("q") || "";
  say("Loading the search index…");
  import(bundle.href + "pagefind.js").then(function (module) {
    return module.options({ baseUrl: root.pathname, bundlePath: bundle.href }).then(function () {
      return module.init();
    }).then(function () { return module.filters(); }).then(function (available) {
      pagefind = module;
      fillFacets(available);
      say("");
      search();
    });
  }).catch(function () {
    say("The search index could not be loaded. Search works when the site is served over " +
        "http(s) — for example by `sitegen serve` — not from files opened directly.");
  });

  input.addEventListener("input", later);
  input.form.addEventListener("submit", function (event) { event.preventDefault(); search(); });
  app.addEventListener("change", search);
  more.addEventListener("click", function () { showMore(); });
  document.getElementById("search-clear").addEventListener("click", function () {
    facetFields.forEach(function (field) { field.querySelector("select").value = ""; });
    sortSelect.value = "";
    search();
  });
})();
