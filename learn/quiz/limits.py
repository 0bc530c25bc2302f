"""How often one learner, and one client address, may start attempts (security test W6).

Every start stores an attempt and one answer row per question (up to 65), so an unlimited start button let a
script store thousands of rows a second. Counted in learn/ratelimit's database counters (exact across web
processes, atomic), before anything is stored; a refused start is given back, so knocking does not prolong it.

- exam simulations: EXAM_STARTS_PER_HOUR per learner (default 20), EXAM_STARTS_PER_ADDRESS_PER_HOUR (60);
- every start (practice, drill, review and exams): QUIZ_STARTS_PER_HOUR (120), QUIZ_STARTS_PER_ADDRESS_PER_HOUR
  (360). A learner who drops the session cookie each time still meets the address limits.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from learn import ratelimit

from .services import Owner

WINDOW_S = 3600
# scope -> (per-learner setting, default, per-address setting, default, what is counted)
SCOPES = {
    "exam-start": ("EXAM_STARTS_PER_HOUR", 20, "EXAM_STARTS_PER_ADDRESS_PER_HOUR", 60, "exam simulations"),
    "quiz-start": ("QUIZ_STARTS_PER_HOUR", 120, "QUIZ_STARTS_PER_ADDRESS_PER_HOUR", 360, "quizzes"),
}


@dataclass(frozen=True)
class Refused:
    retry_after_s: int
    message: str


def charge(request, owner: Owner, *, exam: bool, address_too: bool = True) -> Refused | None:
    """Count one start; None when it may go ahead, else Refused (and nothing stays counted). A learner without a
    token yet is counted by address only; call again with address_too=False once the start made their token."""
    address = ratelimit.client_address(request)
    learner = f"user:{owner.user_id}" if owner.user_id else (f"anon:{owner.session_key}" if owner.session_key else "")
    counted: list[str] = []
    for scope in ("exam-start", "quiz-start") if exam else ("quiz-start",):
        learner_setting, learner_default, address_setting, address_default, what = SCOPES[scope]
        for who, limit, place in (
            (learner, int(getattr(settings, learner_setting, learner_default)), ""),
            (
                f"address:{address}" if address_too else "",
                int(getattr(settings, address_setting, address_default)),
                " from your network",
            ),
        ):
            if not who:
                continue
            counter = ratelimit.key(scope, who)
            value, left = ratelimit.hit(counter, WINDOW_S)
            counted.append(counter)
            if value > limit:
                for done in counted:
                    ratelimit.take(done)
                more = " Practice questions still work." if scope == "exam-start" else ""
                return Refused(
                    left,
                    f"{limit} {what} were started in the last hour{place}, which is the limit. You can start "
                    f"another in about {ratelimit.wait_text(left)}.{more}",
                )
    return None
