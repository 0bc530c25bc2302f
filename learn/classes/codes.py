"""Join codes: short, unguessable and easy to read aloud or type from a projector.

Eight characters from an alphabet without look-alikes (no 0/O, 1/I/L) give 31**8, about 8.5e11 codes; with
joining rate-limited, guessing one is hopeless. Codes are shown as ABCD-EFGH and accepted with or without the
hyphen, spaces or lower case.
"""

from __future__ import annotations

import secrets

ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 8


def new() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def display(code: str) -> str:
    return f"{code[:4]}-{code[4:]}" if len(code) == LENGTH else code


def normalise(typed: str) -> str:
    """What the learner typed, as stored: upper case, separators dropped. Not checked against the alphabet here:
    a code that cannot exist simply matches no class."""
    return "".join(ch for ch in (typed or "").upper() if ch.isalnum())[:32]


def well_formed(code: str) -> bool:
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)
