"""Turning the learner's description of what the function does into an Outcome per invocation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .types import OUTCOME_KINDS, RECORD_LEVEL, EngineError, Invocation, Outcome

OutcomeSpec = str | Outcome | dict
Outcomes = Sequence[OutcomeSpec] | Callable[[Invocation], Any] | str | None


def parse(spec: OutcomeSpec) -> Outcome:
    """'ok', 'error', 'timeout', 'throttle', 'malformed', 'partial:2+5' (record ids), or an Outcome/dict."""
    if isinstance(spec, Outcome):
        return spec
    if isinstance(spec, dict):
        try:
            return Outcome(**{**spec, "failed": tuple(str(i) for i in spec.get("failed", ()))})
        except TypeError as error:
            raise EngineError(f"bad outcome {spec!r}: {error}") from None
    if not isinstance(spec, str) or not spec.strip():
        raise EngineError(f"an outcome must be a word such as ok or error, got {spec!r}")
    kind, _, rest = spec.strip().partition(":")
    kind = kind.strip().lower()
    if kind not in OUTCOME_KINDS:
        raise EngineError(
            f"unknown outcome {kind!r}; use {', '.join(OUTCOME_KINDS)} (partial:ID+ID names failed records)"
        )
    failed = tuple(part.strip() for part in rest.replace(",", "+").split("+") if part.strip())
    takes_ids = ("partial", *RECORD_LEVEL)
    if kind in takes_ids and not failed:
        raise EngineError(f"{kind} needs record ids, for example {kind}:2 or {kind}:2+3")
    if kind not in takes_ids and failed:
        raise EngineError(f"only {', '.join(takes_ids)} take record ids, not {kind}")
    return Outcome(kind=kind, failed=failed)


class OutcomeSource:
    """Hands out one Outcome per invocation: a list's last entry repeats forever; a callable decides each time.

    `steady` is True once every later invocation is known to get the same outcome as this one, which is
    what lets the engine compress a long retry loop into one step without changing the result.
    """

    def __init__(self, outcomes: Outcomes):
        self.callable: Callable[[Invocation], Any] | None = None
        self.items: list[Outcome] = []
        self.record_ids: tuple[str, ...] | None = None  # set by check_records: the ids poison/flaky may name
        if outcomes is None:
            self.items = [Outcome()]
        elif callable(outcomes):
            self.callable = outcomes
        elif isinstance(outcomes, str):
            self.items = [parse(part) for part in outcomes.split(",") if part.strip()] or [Outcome()]
        else:
            self.items = [parse(item) for item in outcomes] or [Outcome()]
        self.used = 0

    @property
    def steady(self) -> bool:
        return self.callable is None and self.used >= len(self.items) - 1

    def check_records(self, record_ids) -> None:
        """Reject poison:ID / flaky:ID outcomes that name a record the run does not have.

        Such an outcome would never fail anything and the run would look like a success, which hides the typo.
        (partial:ID is different: a partial batch response naming an unknown ID is a real case the engine
        simulates, for SQS a whole-batch failure.)"""
        self.record_ids = tuple(record_ids)
        for outcome in self.items:
            _check_named(outcome, self.record_ids)

    def next(self, invocation: Invocation) -> Outcome:
        if self.callable is not None:
            result = self.callable(invocation)
            outcome = result if isinstance(result, Outcome) else parse(result)
            if self.record_ids is not None:
                _check_named(outcome, self.record_ids)
        else:
            outcome = self.items[min(self.used, len(self.items) - 1)]
        self.used += 1
        return outcome

    def peek_steady(self) -> Outcome | None:
        """The outcome every future invocation will get, if that is already known."""
        return self.items[-1] if self.steady else None


def _check_named(outcome: Outcome, record_ids: tuple[str, ...]) -> None:
    if outcome.kind not in RECORD_LEVEL:
        return
    known = set(record_ids)
    unknown = [i for i in outcome.failed if i != "*" and i not in known]
    if not unknown:
        return
    shown = ", ".join(record_ids[:10]) + (f", … ({len(record_ids)} in all)" if len(record_ids) > 10 else "")
    names = ", ".join(unknown)
    raise EngineError(
        f"{outcome.kind}:{'+'.join(outcome.failed)} names record {names}, which is not in this run "
        f"(the records are {shown}); name an existing record, or * for every record"
    )


def for_batch(outcome: Outcome, batch, partial_responses: bool = True) -> Outcome:
    """What the function returns for this batch when the outcome is decided per record (poison, flaky).

    Records whose `attempts` is 1 are on their first try. A batch where every record fails is an error;
    some failing is a partial batch response naming them when the source accepts one (otherwise a
    well-written handler raises, failing the batch); none failing is a success.
    """
    if outcome.kind not in RECORD_LEVEL:
        return outcome
    decided = _decide(outcome, batch, partial_responses)
    return Outcome(decided.kind, decided.failed, decided.duration_ms, detail=decided.detail, raw=outcome)


def _decide(outcome: Outcome, batch, partial_responses: bool) -> Outcome:
    ids = set(outcome.failed)
    failing = [r.id for r in batch if ("*" in ids or r.id in ids) and (outcome.kind == "poison" or r.attempts <= 1)]
    if not failing:
        return Outcome("ok", duration_ms=outcome.duration_ms)
    if len(failing) == len(batch) or not partial_responses:
        return Outcome(
            "error", duration_ms=outcome.duration_ms, detail=f"{outcome.kind} record(s) {', '.join(failing)}"
        )
    return Outcome("partial", failed=tuple(failing), duration_ms=outcome.duration_ms)
