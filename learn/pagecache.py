"""Public pages: one rendering for every visitor, served from memory, with HTTP caching a CDN can use.

A view decorated with `@public_page` (lessons, model pages, the source grid, the guide, the glossary…) renders
the same bytes for every learner: no session, no CSRF token, no "signed in as", no progress marks. Those come
after load from the personal fragment (`learn.progress.fragment`), and POST forms take their CSRF token from
the `csrftoken` cookie in the browser (static/site/csrf.js).

So such a page can be
- answered `304 Not Modified` when the browser or a proxy already holds it (its weak `ETag` is a digest of the
  content, the code that renders it, the path, the query and whether htmx asks for a partial);
- told to caches: `Cache-Control: public, max-age=…, stale-while-revalidate=…` (every htmx answer, a partial
  or a history restore, is `no-store`);
- kept, rendered and gzipped, in this process's memory by `PublicPageMiddleware`, which sits before the
  session, CSRF and auth middleware and answers a repeat request without reaching them or the view.

A public page's response must set no cookie and must not vary on Cookie: the middleware refuses to keep one
that does (and says so in the log), because it would hand one learner's state to another.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control, patch_vary_headers

log = logging.getLogger("triggerlab.pagecache")

#: What a browser or a CDN may do with a public page: keep it five minutes, then serve it stale for up to a day
#: while it asks again in the background (the ETag makes that asking a cheap 304).
MAX_AGE = 300
STALE_WHILE_REVALIDATE = 86400
#: How many renderings one process keeps (path × query × HX-Request), and how many bytes (bodies and their
#: gzipped copies) at most; the least recently used go first.
MAX_ENTRIES = 1000
MAX_BYTES = 48 * 1024 * 1024
#: A query longer than this is answered but never kept: junk queries cannot fill the store (finding 3).
MAX_KEPT_QUERY = 200
#: Bodies smaller than this are not worth compressing.
GZIP_MIN_BYTES = 860

_CODE_DIRS = ("templates", "static", "learn")


def code_digest() -> str:
    """A digest of what renders the pages (templates, static files, our Python): a deploy that changes any of it
    changes every ETag. In production it is computed once per process from file contents, not times, so every
    server of one release agrees (a CDN in front of several servers keeps its 304s); with DEBUG on (a developer
    editing templates) it is taken again on every request from sizes and modification times, which is quick."""
    if settings.DEBUG:
        return _digest(by_content=False)
    return _content_digest()


@functools.cache
def _content_digest() -> str:
    return _digest(by_content=True)


def _digest(*, by_content: bool) -> str:
    root = Path(settings.BASE_DIR)
    digest = hashlib.sha256()
    for name in _CODE_DIRS:
        for path in sorted((root / name).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(str(path.relative_to(root)).encode())
                if by_content:
                    digest.update(path.read_bytes())
                else:
                    stat = path.stat()
                    digest.update(f"{stat.st_size}|{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def release() -> str:
    """The content digest (catalog.version(), which follows content/) and the code digest together."""
    from learn import catalog

    return f"{catalog.version()}-{code_digest()}"


def _variant(request: HttpRequest) -> tuple[str, str, bool]:
    """What a public page's rendering depends on: the path, the query, and whether htmx asks for a partial (its
    history restore asks with HX-Request too, but gets the whole page). Read exactly as the views read it
    (django-htmx's HtmxDetails, through learn.lessons.htmx.wants_partial): a key that disagreed with the view
    would let one request store a bare partial as everybody's page (web red team, issue 16, finding 1)."""
    return request.path, request.META.get("QUERY_STRING", ""), _wants_partial(request)


def _wants_partial(request: HttpRequest) -> bool:
    from django_htmx.middleware import HtmxDetails

    from learn.lessons.htmx import wants_partial

    if not hasattr(request, "htmx"):  # before django-htmx's middleware has run
        request.htmx = HtmxDetails(request)
    return wants_partial(request)


def _asks_htmx(request: HttpRequest) -> bool:
    """Any htmx request (a swap or a history restore): never for a browser's or a CDN's cache (finding 2)."""
    return _wants_partial(request) or bool(getattr(request, "htmx", False))


def etag_for(request: HttpRequest) -> str:
    """The weak ETag of a public page's rendering for this request (weak: gzip changes the bytes, not the page)."""
    path, query, hx = _variant(request)
    digest = hashlib.sha256(f"{release()}\n{path}\n{query}\n{hx}".encode()).hexdigest()[:20]
    return f'W/"{digest}"'


_KEEP_SPACING = re.compile(r"(<(pre|textarea|script)\b.*?</\2>)", re.S | re.I)


def squeeze(html: str) -> str:
    """The template's indentation out of a page (it is most of a lesson's whitespace): runs of blank lines and
    leading spaces become one newline. What a browser shows is unchanged, since HTML collapses white space,
    except inside <pre>, <textarea> and <script>, which are left exactly as they are."""
    parts = _KEEP_SPACING.split(html)
    out = []
    # split() yields text, then (whole match, tag name) pairs
    for index, part in enumerate(parts):
        kind = index % 3
        if kind == 0:
            out.append(re.sub(r"\n[ \t\n]*", "\n", part))
        elif kind == 1:
            out.append(part)
    return "".join(out)


def _matches(request: HttpRequest, etag: str) -> bool:
    """If-None-Match, compared weakly (RFC 9110 §13.1.2): any listed tag with the same opaque value. `*` is not
    honoured: the decorator answers before the view knows whether the page exists (finding 5)."""
    header = request.headers.get("If-None-Match", "")
    if not header:
        return False
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


def _not_modified(etag: str, cache_control: str, vary: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    if cache_control:
        response["Cache-Control"] = cache_control
    if vary:
        response["Vary"] = vary
    return response


def public_page(view):
    """Mark a view as rendering the same page for everyone (see the module's docstring). A conditional request
    whose ETag still matches is answered 304 before the view runs."""

    @functools.wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        request.public_page = True
        etag = etag_for(request)
        if request.method in ("GET", "HEAD") and _matches(request, etag):
            return _not_modified(etag, _cache_control(request), ", ".join(VARY))
        response = view(request, *args, **kwargs)
        if response.status_code == 200:
            if response.get("Content-Type", "").startswith("text/html") and not response.streaming:
                response.content = squeeze(response.content.decode()).encode()
            response["ETag"] = etag
            if _asks_htmx(request):
                patch_cache_control(response, no_store=True)
            elif not response.has_header("Cache-Control"):
                patch_cache_control(
                    response, public=True, max_age=MAX_AGE, stale_while_revalidate=STALE_WHILE_REVALIDATE
                )
            patch_vary_headers(response, VARY)
            response.public_page = True
            response.public_variant = _variant(request)  # what was rendered: kept only under this key
        return response

    wrapped.public_page = True
    return wrapped


#: What a public page varies on. Every htmx request's answer is `no-store` besides.
VARY = ("HX-Request", "HX-History-Restore-Request", "Accept-Encoding")


def _cache_control(request: HttpRequest) -> str:
    if _asks_htmx(request):
        return "no-store"
    return f"public, max-age={MAX_AGE}, stale-while-revalidate={STALE_WHILE_REVALIDATE}"


@dataclass(frozen=True)
class Entry:
    release: str
    etag: str
    body: bytes
    gzipped: bytes | None
    content_type: str
    cache_control: str
    vary: str

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")


class PageStore:
    """A bounded, least-recently-used map of public renderings (one per process: each gunicorn worker warms its
    own, which costs one render per page per worker)."""

    def __init__(self, size: int = MAX_ENTRIES, max_bytes: int = MAX_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self.bytes = 0
        self._entries: OrderedDict[tuple, Entry] = OrderedDict()

    def get(self, key: tuple, current: str) -> Entry | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        if entry.release != current:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return entry

    def put(self, key: tuple, entry: Entry) -> None:
        self._drop(key)
        self._entries[key] = entry
        self.bytes += entry.size
        while self._entries and (len(self._entries) > self.size or self.bytes > self.max_bytes):
            self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        entry = self._entries.pop(key, None)
        if entry is not None:
            self.bytes -= entry.size

    def clear(self) -> None:
        self._entries.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._entries)


store = PageStore()


def _accepts_gzip(request: HttpRequest) -> bool:
    """Whether Accept-Encoding lists gzip (or *) with a weight above zero (finding 4: `gzip;q=0` refuses it)."""
    for item in request.headers.get("Accept-Encoding", "").lower().split(","):
        coding, _, params = item.strip().partition(";")
        if coding.strip() in ("gzip", "*"):
            weight = params.strip().removeprefix("q=") if params.strip().startswith("q=") else "1"
            try:
                return float(weight) > 0
            except ValueError:
                return False
    return False


def _respond(request: HttpRequest, entry: Entry, kept: bool = True) -> HttpResponse:
    if _matches(request, entry.etag):
        return _not_modified(entry.etag, entry.cache_control, entry.vary)
    compressed = entry.gzipped is not None and _accepts_gzip(request)
    response = HttpResponse(entry.gzipped if compressed else entry.body, content_type=entry.content_type)
    if compressed:
        response["Content-Encoding"] = "gzip"
    response["ETag"] = entry.etag
    # a kept page asked for by htmx's history restore: the same page, but never for a browser's or CDN's cache
    response["Cache-Control"] = "no-store" if _asks_htmx(request) else entry.cache_control
    response["Vary"] = entry.vary
    response["X-Page-Cache"] = "hit" if kept else "miss"
    return response


def _keepable(request: HttpRequest, key: tuple, response: HttpResponse) -> bool:
    if not getattr(response, "public_page", False) or response.status_code != 200 or response.streaming:
        return False
    if getattr(response, "public_variant", None) != key or len(key[1]) > MAX_KEPT_QUERY:
        return False
    if _asks_htmx(request) and not key[2]:
        return False  # a history restore: the whole page, but answered no-store; the plain GET's copy is kept
    if response.cookies or "cookie" in response.get("Vary", "").lower():
        log.error("a public page set a cookie or varied on Cookie; not kept: %s", response.get("Vary", ""))
        return False
    return True


class PublicPageMiddleware:
    """Answers a repeat GET for a public page from memory, before sessions, CSRF and auth are reached; keeps
    what a `@public_page` view rendered. Off when PUBLIC_PAGE_CACHE is False (a developer's live edits)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not getattr(settings, "PUBLIC_PAGE_CACHE", True) or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        key, current = _variant(request), release()
        entry = store.get(key, current)
        if entry is not None:
            request.get_host()  # a Host outside ALLOWED_HOSTS still gets its 400 (DisallowedHost), kept page or not
            return _respond(request, entry)
        response = self.get_response(request)
        if _keepable(request, key, response):
            body = response.content
            gzipped = gzip.compress(body, compresslevel=6, mtime=0) if len(body) >= GZIP_MIN_BYTES else None
            entry = Entry(
                release=current,
                etag=response["ETag"],
                body=body,
                gzipped=gzipped,
                content_type=response["Content-Type"],
                cache_control=response.get("Cache-Control", ""),
                vary=response.get("Vary", ""),
            )
            store.put(key, entry)
            if gzipped is not None and _accepts_gzip(request):
                return _respond(request, entry, kept=False)
        return response
