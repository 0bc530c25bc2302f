"""Rate limits shared by every web process: counters in the database, counted before the work they limit.

Why the database and not the cache: without Redis (`make run`, `make serve`, the one-machine set-up) Django's
cache is local memory, one per gunicorn worker, so each worker counted on its own (security test W2); and
Django's database and file caches increment by read-then-write, which is not atomic either. A row per counter,
updated in a transaction that locks it (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite runs our transactions as
BEGIN IMMEDIATE, which serialises writers), gives one exact count whatever the cache, in tests too (and rolls
back with each test). Limited actions are rare (logins, sign-ups, reset mails, problem reports), so the extra
write per request costs nothing that matters.

`hit()` adds to a counter and returns the new value in one step, so a caller checks the value it just wrote:
concurrent requests each see a different number, and at most `limit` of them are let through (security test V2).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import ipaddress
import random
import unicodedata

from django.conf import settings
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Greatest
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

# scope -> (setting with the limit, default limit, window in seconds). Counted per client address unless the
# caller passes its own key (e.g. the e-mail address a reset is asked for).
LIMITS = {
    "signup": ("SIGNUPS_PER_ADDRESS_PER_HOUR", 60, 3600),
    "password-reset": ("PASSWORD_RESETS_PER_ADDRESS_PER_HOUR", 20, 3600),
    "password-reset-email": ("PASSWORD_RESETS_PER_EMAIL_PER_HOUR", 3, 3600),
    "problem-report": ("PROBLEM_REPORTS_PER_ADDRESS_PER_HOUR", 30, 3600),
    # new anonymous learners (sessions) from one address: a classroom behind one NAT fits easily
    "new-learner": ("NEW_LEARNERS_PER_ADDRESS_PER_HOUR", 300, 3600),
}


class Refused(Exception):
    """Raised where a view cannot return the 429 itself (deep in a helper); RefusedMiddleware answers it."""

    def __init__(self, retry_after_s: int, message: str = ""):
        super().__init__(message)
        self.retry_after_s, self.message = retry_after_s, message


class RefusedMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Refused):
            return refused(request, exception.retry_after_s, exception.message)
        return None


def now() -> dt.datetime:
    return timezone.now()


def key(scope: str, *parts: str) -> str:
    """A bounded, opaque counter key (names and addresses may be long or hold any character)."""
    digest = hashlib.sha256("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:40]
    return f"{scope}:{digest}"


def normalise(text: str) -> str:
    """The spelling-independent form of a name or e-mail address: NFKC, case-folded, trimmed.

    Django's AuthenticationForm and UserCreationForm apply NFKC before looking a name up (and sign-up refuses
    names that differ only in case), so every compatibility spelling (fullwidth, mathematical, circled letters,
    other case) reaches the same account and must reach the same counter (security test V1).
    """
    text = unicodedata.normalize("NFKC", text or "")
    return unicodedata.normalize("NFKC", text.casefold()).strip()


def hit(counter: str, window_s: float, amount: int = 1) -> tuple[int, int]:
    """Add `amount` to a counter, atomically; returns (the new count, seconds until the window ends).

    A counter's window starts with its first hit and is not extended by later hits.
    """
    from .models import Counter

    moment = now()
    fresh = moment + dt.timedelta(seconds=window_s)
    with transaction.atomic():
        Counter.objects.bulk_create([Counter(key=counter, count=0, expires=fresh)], ignore_conflicts=True)
        row = Counter.objects.select_for_update().get(key=counter)
        if row.expires <= moment:
            row.count, row.expires = 0, fresh
        row.count = max(0, row.count + amount)
        row.save(update_fields=["count", "expires"])
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security
        Counter.objects.filter(expires__lt=moment - dt.timedelta(hours=1)).delete()
    return row.count, max(1, int((row.expires - moment).total_seconds() + 0.999))


def take(counter: str, amount: int = 1) -> None:
    """Take back `amount` from a live counter (never below zero); a missing or expired counter stays so."""
    from .models import Counter

    if amount > 0:
        Counter.objects.filter(key=counter, expires__gt=now()).update(count=Greatest(F("count") - amount, Value(0)))


def count(counter: str) -> int:
    from .models import Counter

    row = Counter.objects.filter(key=counter, expires__gt=now()).first()
    return row.count if row else 0


def clear(*counters: str) -> None:
    from .models import Counter

    Counter.objects.filter(key__in=counters).delete()


# -- who is asking -------------------------------------------------------------------------------------------


def client_address(request: HttpRequest) -> str:
    """The client's address for rate limiting.

    With DJANGO_BEHIND_PROXY on, our proxy appends the address it saw to X-Forwarded-For, so the right-most
    entry is the only one the client cannot forge; otherwise REMOTE_ADDR (forwarding headers are ignored, so
    they cannot be used to dodge a limit). IPv6 clients are grouped by /64. Unparseable values fall back to
    REMOTE_ADDR. (The same rule as the sandbox's limits in learn/playground/service.py.)
    """
    remote = request.META.get("REMOTE_ADDR", "") or ""
    candidate = remote
    if getattr(settings, "BEHIND_PROXY", False) and _trusted_proxy(remote):
        entries = [e.strip() for e in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if e.strip()]
        if entries:
            candidate = entries[-1]
    return _address(candidate) or _address(remote) or "unknown"


def _trusted_proxy(remote: str) -> bool:
    """Is the peer one of our proxies (settings.TRUSTED_PROXIES)? Only then is X-Forwarded-For believed."""
    try:
        peer = ipaddress.ip_address(remote.strip())
    except ValueError:
        return False
    for network in getattr(settings, "TRUSTED_PROXIES", ()):
        try:
            if peer in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def _address(raw: str) -> str:
    raw = raw.strip()
    if raw.startswith("[") and "]" in raw:  # [v6]:port
        raw = raw[1 : raw.index("]")]
    elif raw.count(":") == 1:  # v4:port
        raw = raw.split(":")[0]
    try:
        address = ipaddress.ip_address(raw)
    except ValueError:
        return ""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped:
            return str(address.ipv4_mapped)
        return str(ipaddress.ip_network(f"{address}/64", strict=False))
    return str(address)


# -- limiting a view -----------------------------------------------------------------------------------------


def check(request: HttpRequest, scope: str, by: str | None = None) -> HttpResponse | None:
    """Count this request against `scope`'s limit; a 429 page once it is over, else None.

    Usage in a view: `if refused := ratelimit.check(request, "problem-report"): return refused`.
    """
    try:
        allow(request, scope, by)
    except Refused as refusal:
        return refused(request, refusal.retry_after_s, refusal.message)
    return None


def allow(request: HttpRequest, scope: str, by: str | None = None) -> None:
    """Like `check`, but raises Refused (for helpers that cannot return a response).

    Counted per client address (IPv6: per /64, and also per /48 at ten times the limit, so one site cannot
    rotate through its /64s; second web red team, W10), or per `by` (e.g. the e-mail address of a reset)."""
    setting, default, window_s = LIMITS[scope]
    limit = int(getattr(settings, setting, default))
    if by is not None:
        tiers = [(key(scope, normalise(by)), limit)]
    else:
        address = client_address(request)
        tiers = [(key(scope, address), limit)]
        if wider := _site_of(address):
            tiers.append((key(scope + "/48", wider), limit * 10))
    taken = []
    for counter, most in tiers:
        value, left = hit(counter, window_s)
        taken.append(counter)
        if value > most:
            for each in taken:
                take(each)  # refused requests do not count: the window is not prolonged by knocking
            raise Refused(left)


def _site_of(address: str) -> str:
    """The /48 an IPv6 /64 belongs to (a customer's usual allocation); "" for IPv4."""
    try:
        network = ipaddress.ip_network(address, strict=False)
    except ValueError:
        return ""
    if network.version != 6 or network.prefixlen < 48:
        return ""
    return str(network.supernet(new_prefix=48))


def refused(request: HttpRequest, retry_after_s: int, message: str = "") -> HttpResponse:
    text = message or f"Too many requests from your network. Please try again in {wait_text(retry_after_s)}."
    response = render(request, "429.html", {"message": text}, status=429)
    response["Retry-After"] = str(retry_after_s)
    return response


def wait_text(seconds: int) -> str:
    if seconds < 90:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = (seconds + 59) // 60
    return f"{minutes} minutes"
