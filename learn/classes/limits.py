"""How often one may join or create classes: counted in learn/ratelimit's shared counters, per account and, for
joining, per address too (so nobody guesses codes from many throw-away accounts). A classroom behind one NAT
joining at once fits well inside the address limit."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from learn import ratelimit

WINDOW_S = 3600
# action -> [(setting, default limit per hour, counted per)]
LIMITS = {
    "join": [("CLASS_JOINS_PER_USER_PER_HOUR", 20, "user"), ("CLASS_JOINS_PER_ADDRESS_PER_HOUR", 300, "address")],
    "create": [("CLASSES_CREATED_PER_USER_PER_HOUR", 20, "user")],
}
MESSAGES = {
    "join": "You have tried to join classes too often. Please wait {wait} and try again.",
    "create": "You have created many classes in the last hour. Please wait {wait} before you create another.",
}


def refusal(request: HttpRequest, action: str) -> tuple[int, str] | None:
    """Count this request; once a limit is over, (seconds to wait, what to tell the learner), else None.
    Refused requests are taken back, so knocking does not prolong the wait."""
    taken = []
    for setting, default, per in LIMITS[action]:
        who = str(request.user.pk) if per == "user" else ratelimit.client_address(request)
        counter = ratelimit.key(f"class-{action}/{per}", who)
        value, left = ratelimit.hit(counter, WINDOW_S)
        taken.append(counter)
        if value > int(getattr(settings, setting, default)):
            for each in taken:
                ratelimit.take(each)
            return left, MESSAGES[action].format(wait=ratelimit.wait_text(left))
    return None


def refused(response: HttpResponse, retry_after_s: int) -> HttpResponse:
    """The page, re-rendered with what the learner typed and the message, as a 429 with Retry-After."""
    response.status_code = 429
    response["Retry-After"] = str(retry_after_s)
    return response
