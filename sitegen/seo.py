"""Metadata for machines: schema.org JSON-LD, OpenGraph tags, feed links, sitemap.xml, robots.txt.

`publish_context` adds one plain-data `publish` dict to every planned page; the theme's
base template turns it into <head> elements. Every @id is an absolute URL of a page of
this site (plus a fragment naming the thing on that page), so linked data resolves.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import Any
from xml.sax.saxutils import escape

from sitegen import model as m
from sitegen.feeds import ATOM_TYPE, feed_path, has_feed
from sitegen.graph import Archive
from sitegen.pages import PageSpec
from sitegen.render import Output
from sitegen.reuse import Reuse
from sitegen.search import BUNDLE_DIR
from sitegen.urls import page_path
from sitegen.views import LABELS

Node = dict[str, Any]
FRAGMENT = {"articles": "article", "people": "person", "organisations": "organisation",
            "places": "place", "events": "event"}
ORG_TYPES = {"outlet": "NewsMediaOrganization", "news-agency": "NewsMediaOrganization",
             "government": "GovernmentOrganization", "ministry": "GovernmentOrganization",
             "agency": "GovernmentOrganization", "armed-forces": "GovernmentOrganization",
             "political": "PoliticalParty"}
PLACE_TYPES = {"country": "Country", "city": "City", "body-of-water": "BodyOfWater"}
SITEMAP_LIMIT = 50_000
"""URLs per sitemap file (the sitemaps.org limit); beyond it sitemap.xml becomes an index."""
SITEMAP_RUN = 500
"""Pages per run of sitemap.xml that `serve` keeps encoded."""


def base_url(archive: Archive) -> str:
    return archive.config.base_url.rstrip("/") + "/"


def thing_id(archive: Archive, collection: str, slug: str) -> str:
    """The @id of a record: its page's canonical URL with a fragment naming what it is."""
    return f"{base_url(archive)}{page_path(collection, slug)}#{FRAGMENT[collection]}"


def _type_of(entity: m.Document) -> str:
    if isinstance(entity, m.Person):
        return "Person"
    if isinstance(entity, m.Organisation):
        return ORG_TYPES.get(entity.kind, "Organization")
    if isinstance(entity, m.Place):
        return PLACE_TYPES.get(entity.kind, "Place")
    if isinstance(entity, m.Event):
        return "Event"
    return "NewsArticle"


def ref_node(archive: Archive, ref: m.Ref | None) -> Node | None:
    """A short node for a reference: enough to name it, with the @id that leads to its page."""
    if ref is None or (ref.collection, ref.slug) not in archive.by_key:
        return None
    document = archive.get(ref.collection, ref.slug)
    return {"@type": _type_of(document), "@id": thing_id(archive, ref.collection, ref.slug),
            "name": document.name}


def _nodes(archive: Archive, refs: tuple[m.Ref, ...] | list[m.Ref]) -> list[Node]:
    seen: dict[str, Node] = {}
    for ref in refs:
        node = ref_node(archive, ref)
        if node:
            seen.setdefault(node["@id"], node)
    return list(seen.values())


def _clean(node: Node) -> Node:
    """Drop empty values: absent is clearer to a consumer than null or []."""
    return {k: v for k, v in node.items() if v not in (None, "", [], {})}


def website_node(archive: Archive) -> Node:
    config = archive.config
    node: Node = {"@type": "WebSite", "@id": base_url(archive) + "#website", "url": base_url(archive),
                  "name": config.title, "description": config.description, "inLanguage": config.language}
    if config.search_enabled:
        node["potentialAction"] = {"@type": "SearchAction",
                                   "target": base_url(archive) + "search/?q={search_term_string}",
                                   "query-input": "required name=search_term_string"}
    return _clean(node)


def article_graph(archive: Archive, article: m.Article) -> list[Node]:
    url = base_url(archive) + page_path("articles", article.slug)
    article_id = thing_id(archive, "articles", article.slug)
    reported = [e.ref for e in article.events if e.coverage == "reported"]
    background = [e.ref for e in article.events if e.coverage != "reported"]
    node: Node = {
        "@type": "NewsArticle", "@id": article_id, "url": url, "mainEntityOfPage": url,
        "headline": article.title, "alternativeHeadline": article.subtitle,
        "description": article.summary, "inLanguage": article.language,
        "datePublished": article.published.iso if article.published else None,
        "author": _nodes(archive, list(article.authors)), "creditText": article.byline,
        "publisher": ref_node(archive, article.outlet),
        "sourceOrganization": _nodes(archive, list(article.via)),
        "isBasedOn": article.url or None,
        "about": _nodes(archive, reported),
        "mentions": _nodes(archive, [*article.people, *article.organisations, *article.places,
                                     *background]),
        "isPartOf": {"@id": base_url(archive) + "#website"},
        "hasPart": [{"@id": f"{url}#quote-{q.id}"} for q in article.quotes],
    }
    quotes = [_clean({"@type": "Quotation", "@id": f"{url}#quote-{q.id}", "text": q.selector.exact,
                      "spokenByCharacter": ref_node(archive, q.speaker),
                      "about": ref_node(archive, q.event), "isPartOf": {"@id": article_id}})
              for q in article.quotes]
    return [_clean(node), *quotes]


def entity_node(archive: Archive, entity: m.Entity) -> Node:
    key = (entity.collection, entity.slug)
    url = base_url(archive) + page_path(*key)
    node: Node = {"@type": _type_of(entity), "@id": thing_id(archive, *key), "url": url,
                  "name": entity.name, "alternateName": list(entity.aliases),
                  "description": entity.description}
    if isinstance(entity, m.Person):
        node["jobTitle"] = list(dict.fromkeys(r.title for r in entity.roles))
        node["affiliation"] = _nodes(archive, [r.organisation for r in entity.roles if r.organisation])
    elif isinstance(entity, m.Organisation):
        node |= {"location": ref_node(archive, entity.country),
                 "parentOrganization": ref_node(archive, entity.parent), "sameAs": entity.url or None}
    elif isinstance(entity, m.Place):
        node["containedInPlace"] = ref_node(archive, entity.located_in)
    elif isinstance(entity, m.Event) and entity.date:
        node |= {"startDate": entity.date.start.iso,
                 "endDate": entity.date.end.iso if entity.date.end else None,
                 "location": _nodes(archive, list(entity.places)),
                 "about": _nodes(archive, [*entity.people, *entity.organisations])}
    articles = archive.relations.backlinks.get(key, ())
    node["subjectOf"] = [{"@id": thing_id(archive, "articles", s)} for s in articles[:100]]
    return _clean(node)


def _page_node(archive: Archive, kind: str, path: str, name: str, main: str | None = None) -> Node:
    url = base_url(archive) + path
    return _clean({"@type": kind, "@id": url, "url": url, "name": name,
                   "isPartOf": {"@id": base_url(archive) + "#website"},
                   "mainEntity": {"@id": main} if main else None})


def _key_of(archive: Archive, path: str) -> tuple[str, str] | None:
    parts = path.strip("/").split("/")
    if len(parts) == 2 and path.endswith("/") and (parts[0], parts[1]) in archive.by_key:
        return parts[0], parts[1]
    return None


def _describe(archive: Archive, spec: PageSpec) -> tuple[str, str, list[Node]]:
    """Title, description and JSON-LD graph of one page."""
    config, path = archive.config, spec.path
    key = _key_of(archive, path)
    if key and key[0] == "articles":
        article = archive.get(*key)
        assert isinstance(article, m.Article)
        return article.title, article.summary or article.title, article_graph(archive, article)
    if key:
        entity = archive.get(*key)
        assert isinstance(entity, m.Entity)
        node = entity_node(archive, entity)
        page = _page_node(archive, "ProfilePage" if key[0] == "people" else "WebPage", path,
                          entity.name, node["@id"])
        return entity.name, entity.description or f"{entity.name} in {config.title}", [node, page]
    if path == "":
        return config.title, config.description or config.title, [website_node(archive)]
    if path == "search/":
        return "Search", f"Search {config.title}", [_page_node(archive, "SearchResultsPage", path, "Search")]
    if path == "timeline/":
        return "Timeline", f"Events and articles of {config.title} in date order.", [
            _page_node(archive, "CollectionPage", path, "Timeline")]
    collection = path.strip("/")
    if collection in LABELS:
        label = LABELS[collection]
        return label, f"{label} in {config.title}.", [_page_node(archive, "CollectionPage", path, label)]
    return config.title, config.description or config.title, [_page_node(archive, "WebPage", path,
                                                                          config.title)]


def page_publish(archive: Archive, spec: PageSpec) -> dict[str, Any]:
    """One page's publishing metadata: title, description, JSON-LD, OpenGraph, feeds, search flags."""
    config = archive.config
    key = _key_of(archive, spec.path)
    title, description, graph = _describe(archive, spec)
    draft = bool(key and key[0] == "articles" and getattr(archive.get(*key), "draft", False))
    file_page = spec.path.endswith(".html")  # 404.html: served at any address, never canonical
    og = [("og:site_name", config.title), ("og:title", title), ("og:description", description),
          ("og:type", "article" if key and key[0] == "articles" else "website")]
    if not file_page:
        og.append(("og:url", base_url(archive) + spec.path))
    if key and key[0] == "articles":
        article = archive.get(*key)
        if isinstance(article, m.Article) and article.published:
            og.append(("article:published_time", article.published.iso))
    feeds = [{"title": f"{config.title} (Atom)", "path": feed_path()}]
    if key and key[0] != "articles" and has_feed(archive, *key):
        feeds.append({"title": f"{archive.name(key)} — {config.title} (Atom)", "path": feed_path(*key)})
    indexed = bool(key) and (not draft or config.search_index_drafts)
    return {
        "title": title, "description": description,
        "jsonld": {"@context": "https://schema.org", "@graph": graph},
        "og": [{"property": p, "content": c} for p, c in og if c],
        "twitter": [{"name": "twitter:card", "content": "summary"},
                    {"name": "twitter:title", "content": title},
                    {"name": "twitter:description", "content": description}],
        "feeds": feeds, "feed_type": ATOM_TYPE,
        "feed": feed_path(*key) if len(feeds) > 1 and key else None,
        "noindex": draft or file_page or spec.path == "search/",
        "canonical": not file_page,
        "search": {"enabled": config.search_enabled, "index": config.search_enabled and indexed,
                   "index_notes": config.search_index_notes, "bundle": f"{BUNDLE_DIR}/"},
        "draft": draft,
    }


def publish_context(archive: Archive, specs: list[PageSpec]) -> list[PageSpec]:
    """Every page with its `publish` metadata added to the context (pages planned with it are kept)."""
    return [spec if "publish" in spec.context else
            replace(spec, context={**spec.context, "publish": page_publish(archive, spec)}) for spec in specs]


def _urlset(urls: list[str]) -> bytes:
    lines = ['<?xml version="1.0" encoding="utf-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(u)}</loc></url>" for u in urls]
    return ("\n".join([*lines, "</urlset>"]) + "\n").encode("utf-8")


def _urls(base: str, specs: tuple[PageSpec, ...] | list[PageSpec]) -> list[str]:
    return [base + s.path for s in specs
            if not s.path.endswith(".html") and not s.context.get("publish", {}).get("noindex")]


def _url_run(base: str, specs: tuple[PageSpec, ...]) -> tuple[int, bytes]:
    """How many URLs a run of pages gives, and their lines of the urlset."""
    urls = _urls(base, specs)
    return len(urls), "".join([f"  <url><loc>{escape(u)}</loc></url>\n" for u in urls]).encode("utf-8")


def sitemap_outputs(archive: Archive, specs: list[PageSpec], reuse: Reuse | None = None) -> list[Output]:
    """sitemap.xml (an index of numbered sitemaps beyond 50,000 pages) and robots.txt.

    With a Reuse (`serve`), the urlset is joined from runs of pages kept while they are the
    very same PageSpecs (planned pages are kept whole while their inputs are unchanged).
    """
    base = base_url(archive)
    runs = None
    if reuse is not None:
        runs = [reuse.get(("sitemap-run", start), (base, part), partial(_url_run, base, part))
                for start in range(0, len(specs), SITEMAP_RUN) for part in (tuple(specs[start:start + SITEMAP_RUN]),)]
    if runs is not None and sum(n for n, _ in runs) <= SITEMAP_LIMIT:
        head = b'<?xml version="1.0" encoding="utf-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
        parts = tuple(lines for _, lines in runs)
        # Joined again only when a run changed: the runs compare by identity, the file is megabytes.
        outputs = [reuse.get("sitemap.xml", parts,  # type: ignore[union-attr]
                             lambda: Output("sitemap.xml", b"".join([head, *parts, b"</urlset>\n"])))]
    else:
        outputs = _sitemaps(base, _urls(base, specs))
    # robots.txt is only read at a domain's root; under a sub-path it is harmless and can be copied up.
    robots = f"User-agent: *\nAllow: /\n\nSitemap: {base}sitemap.xml\n"
    return [*outputs, Output("robots.txt", robots.encode("utf-8"))]


def _sitemaps(base: str, urls: list[str]) -> list[Output]:
    if len(urls) <= SITEMAP_LIMIT:
        return [Output("sitemap.xml", _urlset(urls))]
    chunks = [urls[i:i + SITEMAP_LIMIT] for i in range(0, len(urls), SITEMAP_LIMIT)]
    outputs = [Output(f"sitemap-{n}.xml", _urlset(chunk)) for n, chunk in enumerate(chunks, 1)]
    index = ['<?xml version="1.0" encoding="utf-8"?>',
             '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    index += [f"  <sitemap><loc>{escape(base + o.path)}</loc></sitemap>" for o in outputs]
    outputs.append(Output("sitemap.xml", ("\n".join([*index, "</sitemapindex>"]) + "\n").encode()))
    return outputs
