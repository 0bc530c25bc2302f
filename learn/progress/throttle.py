"""Login throttling for every login form (ours at /accounts/login/ and the admin's at /admin/login/).

Three counters, all keyed on the *normalised* name (NFKC + case folding, the spelling Django looks up), all
counted before the password is checked (learn.ratelimit.hit is one atomic step), so concurrent guesses cannot
pass a limit and no spelling of a name gets a fresh counter (security test V1, V2):

- (client address, name): PAIR_LIMIT failures in WINDOW_S, then that address may not try that name until the
  window ends. A guesser on one address gets 5 guesses per name per 15 minutes.
- name, from any address: NAME_LIMIT failures in WINDOW_S, then the name is refused everywhere: the bound on
  guessing one account from many addresses (a botnet, an IPv6 range). Locking an account therefore takes
  guesses from at least two addresses, and one attacker address cannot lock anybody out (security test W1).
- client address, all names: ADDRESS_FREE failures in WINDOW_S are free, then the address gets one evaluation
  per 2, 4, 8 ... ADDRESS_MAX_DELAY_S seconds: password spraying slows to a crawl, while the learners behind a
  shared NAT or proxy still log in with the right password after a short wait, never a 15-minute lock-out.

A success clears its (address, name) counter and forgives that pair's failures on the other two counters (typos
by many learners behind one address do not add up). Attempts refused by a limit are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.conf import settings

from learn import ratelimit

PAIR_LIMIT = 5
NAME_LIMIT = 10
ADDRESS_FREE = 30
ADDRESS_MAX_DELAY_S = 60
WINDOW_S = 15 * 60


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


@dataclass
class Attempt:
    pair: str
    name: str
    address: str
    gate: str
    refused_for: int = 0  # seconds to wait; 0: go ahead and check the password
    counted: list[str] = field(default_factory=list)

    @property
    def refused(self) -> bool:
        return self.refused_for > 0


def begin(username: str, address: str) -> Attempt:
    """Count a login attempt before the password is checked; `refused_for` > 0 means: do not check it."""
    name = ratelimit.normalise(username)
    attempt = Attempt(
        pair=ratelimit.key("login-pair", address, name),
        name=ratelimit.key("login-name", name),
        address=ratelimit.key("login-address", address),
        gate=ratelimit.key("login-gate", address),
    )
    free = _setting("LOGIN_FAILURES_PER_ADDRESS_FREE", ADDRESS_FREE)
    if ratelimit.count(attempt.address) > free and ratelimit.count(attempt.gate) >= 1:
        # the address is in its slow-down phase and its gate is shut: refuse before writing any per-name row,
        # so random names cost no storage (second web red team, W15)
        return _refuse(attempt, _setting("LOGIN_ADDRESS_MAX_DELAY_S", ADDRESS_MAX_DELAY_S))
    for counter, limit in (
        (attempt.pair, _setting("LOGIN_FAILURES_PER_ADDRESS_AND_NAME", PAIR_LIMIT)),
        (attempt.name, _setting("LOGIN_FAILURES_PER_NAME", NAME_LIMIT)),
    ):
        value, left = ratelimit.hit(counter, WINDOW_S)
        attempt.counted.append(counter)
        if value > limit:
            return _refuse(attempt, left)
    failures, _ = ratelimit.hit(attempt.address, WINDOW_S)
    attempt.counted.append(attempt.address)
    if failures > free:
        delay = min(_setting("LOGIN_ADDRESS_MAX_DELAY_S", ADDRESS_MAX_DELAY_S), 2 ** min(failures - free, 10))
        passes, left = ratelimit.hit(attempt.gate, delay)
        if passes > 1:
            return _refuse(attempt, left)
    return attempt


def _refuse(attempt: Attempt, seconds: int) -> Attempt:
    for counter in attempt.counted:
        ratelimit.take(counter)
    attempt.counted.clear()
    attempt.refused_for = max(1, seconds)
    return attempt


def finish(attempt: Attempt, succeeded: bool) -> None:
    """After the password was checked: a failure stays counted; a success clears its pair's failures."""
    if attempt.refused or not succeeded:
        return
    forgiven = max(1, ratelimit.count(attempt.pair))
    ratelimit.clear(attempt.pair)
    ratelimit.take(attempt.name, forgiven)
    ratelimit.take(attempt.address, forgiven)


def message(attempt: Attempt) -> str:
    return f"Too many failed attempts. Try again in {ratelimit.wait_text(attempt.refused_for)}."
