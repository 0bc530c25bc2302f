"""Wiring exercises: fix a faulty template until the checker and the engine agree it does what the goal asks.

Each exercise is a folder `content/wiring-exercises/<id>/` with `exercise.toml` (title, source, goal, hint,
lesson, [checks], [scenario]), `starter.yaml` (the faulty template the learner starts from) and `solution.yaml`.
A submission passes when every check passes:

- no error-level finding (cfn-lint's or ours) and no input error;
- none of the semantic codes in `checks.absent`;
- a wiring from the exercise's source to a function, whose settings equal `checks.settings` and stay at or under
  `checks.at_most`;
- the engine's scenario `scenario.key` on that wiring ends each record listed in `scenario.expect` in the
  disposition given there (and, with `scenario.detail_excludes`, without that text in its detail).

Pure Python (no Django); the checker's results are cached by text so a page and its grading lint a template once.
"""

from __future__ import annotations

import functools
import hashlib
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from threading import Lock
from typing import Any

from learn import engine

ROOT = Path(__file__).resolve().parents[2] / "content" / "wiring-exercises"
CHECK_KEYS = {"no_errors", "absent", "settings", "at_most"}
SCENARIO_KEYS = {"key", "expect", "detail_excludes"}


class ExerciseError(ValueError):
    """A broken exercise folder: the message names the file and the field."""


@dataclass(frozen=True)
class Exercise:
    id: str
    title: str
    source: str
    goal: str
    hint: str
    lesson: str
    starter: str
    solution: str
    no_errors: bool = True
    absent: tuple[str, ...] = ()
    settings: dict[str, Any] = field(default_factory=dict)
    at_most: dict[str, float] = field(default_factory=dict)
    scenario: str = ""
    expect: dict[str, str] = field(default_factory=dict)
    detail_excludes: str = ""
    docs: tuple[str, ...] = ()  # the AWS pages that document what the exercise teaches


@dataclass(frozen=True)
class Check:
    label: str
    passed: bool
    detail: str = ""


@dataclass
class Verdict:
    report: Any  # learn.wiring Report
    checks: list[Check]
    trace: Any = None  # the engine's trace of the scenario, when a wiring was found
    wiring_index: int | None = None

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)


# -- loading -------------------------------------------------------------------------------------------------


@functools.cache
def load(root: Path = ROOT) -> dict[str, Exercise]:
    """Every exercise, by id, in folder-name order; raises ExerciseError naming the file and field."""
    exercises = {}
    if not root.is_dir():
        return exercises
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        exercises[folder.name] = _read(folder)
    return exercises


def _docs(where: Path, docs) -> tuple[str, ...]:
    if (
        not isinstance(docs, list)
        or not docs
        or not all(isinstance(d, str) and d.startswith("https://docs.aws.amazon.com/") for d in docs)
    ):
        raise ExerciseError(f"{where}: docs: list at least one AWS documentation page (https://docs.aws.amazon.com/…)")
    return tuple(docs)


def get(exercise_id: str) -> Exercise | None:
    """An exercise by id, looked up in the loaded set (never joined into a path)."""
    return load().get(exercise_id)


def _read(folder: Path) -> Exercise:
    where = folder / "exercise.toml"
    try:
        data = tomllib.loads(where.read_text(encoding="utf-8"))
        starter = (folder / "starter.yaml").read_text(encoding="utf-8")
        solution = (folder / "solution.yaml").read_text(encoding="utf-8")
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ExerciseError(f"{folder}: {error}") from error
    for name in ("title", "source", "goal"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise ExerciseError(f"{where}: `{name}` must be a non-empty string")
    checks = data.get("checks", {})
    scenario = data.get("scenario", {})
    if unknown := set(checks) - CHECK_KEYS:
        raise ExerciseError(f"{where}: unknown key(s) in [checks]: {', '.join(sorted(unknown))}")
    if unknown := set(scenario) - SCENARIO_KEYS:
        raise ExerciseError(f"{where}: unknown key(s) in [scenario]: {', '.join(sorted(unknown))}")
    if scenario and scenario.get("key") not in engine.PRESETS:
        raise ExerciseError(f"{where}: [scenario] key must be one of {', '.join(engine.PRESETS)}")
    for record, kind in scenario.get("expect", {}).items():
        if kind not in engine.DISPOSITIONS:
            raise ExerciseError(f"{where}: [scenario] expect.{record} = {kind!r} is not a disposition")
    return Exercise(
        id=folder.name,
        title=data["title"].strip(),
        source=data["source"].strip(),
        goal=data["goal"].strip(),
        hint=str(data.get("hint", "")).strip(),
        lesson=str(data.get("lesson", "")).strip(),
        starter=starter,
        solution=solution,
        no_errors=bool(checks.get("no_errors", True)),
        absent=tuple(checks.get("absent", ())),
        settings=dict(checks.get("settings", {})),
        at_most=dict(checks.get("at_most", {})),
        scenario=str(scenario.get("key", "")),
        expect={str(k): str(v) for k, v in scenario.get("expect", {}).items()},
        detail_excludes=str(scenario.get("detail_excludes", "")),
        docs=_docs(where, data.get("docs", [])),
    )


# -- checking once per text ----------------------------------------------------------------------------------

_CACHE_SIZE = 128
_cache: OrderedDict[str, Any] = OrderedDict()
_cache_lock = Lock()


def checked(text: str, filename: str = "template.yaml") -> Any:
    """check_template(text) with lint, remembered per text within this process (cfn-lint takes ~0.6 s a run).

    The Report is shared between callers: read it, never change it.
    """
    from learn.wiring import check_template

    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    with _cache_lock:
        if digest in _cache:
            _cache.move_to_end(digest)
            return _cache[digest]
    report = check_template(text, filename=filename, lint=True)
    with _cache_lock:
        _cache[digest] = report
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return report


# -- plain words -----------------------------------------------------------------------------------------------

# The engine's setting names, as the template spells them (the learner never sees the engine's names).
PROPERTIES = {
    "max_receive_count": "The queue's RedrivePolicy maxReceiveCount",
    "redrive_policy": "The queue has a RedrivePolicy (a dead-letter queue)",
    "report_batch_item_failures": "FunctionResponseTypes lists ReportBatchItemFailures",
    "timeout_s": "The function's Timeout",
    "batch_size": "BatchSize",
    "maximum_batching_window_s": "MaximumBatchingWindowInSeconds",
    "max_retry_attempts": "MaximumRetryAttempts",
    "maximum_record_age_s": "MaximumRecordAgeInSeconds",
    "bisect_batch_on_function_error": "BisectBatchOnFunctionError",
    "visibility_timeout_s": "The queue's VisibilityTimeout",
}
UNITS = {"timeout_s": " seconds", "visibility_timeout_s": " seconds", "maximum_batching_window_s": " seconds"}

# What a check code's absence means, in the learner's words.
ABSENT = {
    "queue-without-redrive": "The queue sends messages it cannot deliver to a dead-letter queue",
    "stream-unbounded-retries": "Lambda stops retrying a failing batch (MaximumRetryAttempts or "
    "MaximumRecordAgeInSeconds)",
    "stream-discards-failed-records": "Records Lambda gives up on go to an on-failure destination "
    "(DestinationConfig OnFailure)",
    "timeout-above-caller": "The function's Timeout fits within what the caller waits",
    "async-without-failure-target": "Events that fail every retry go to an on-failure destination or a "
    "dead-letter queue",
    "permission-without-source-condition": "The invoke permission names the one bucket allowed to invoke (SourceArn)",
    "function-dlq-for-sqs": "No function DeadLetterQueue (SQS's own RedrivePolicy handles failed messages)",
    "missing-report-batch-item-failures": "The mapping honours the batchItemFailures the code returns",
    "sqs-visibility-timeout": "The queue's VisibilityTimeout is at least 6 times the function's Timeout",
    "sqs-visibility-below-timeout": "The queue's VisibilityTimeout is not shorter than the function's Timeout",
}


def property_label(name: str) -> str:
    return PROPERTIES.get(name, name.replace("_", " "))


def absent_label(code: str) -> str:
    return ABSENT.get(code, "The checker has no warning about this")


def requirements(exercise: Exercise) -> list[str]:
    """The 'What is checked' list, in the template's words."""
    out = [absent_label(code) + "." for code in exercise.absent]
    for name, wanted in exercise.settings.items():
        out.append(_setting_check(name, wanted, wanted).label + ".")
    for name, most in exercise.at_most.items():
        out.append(f"{property_label(name)} is at most {_show(most)}{UNITS.get(name, '')}.")
    return out


def _is_flag(value: Any) -> bool:
    return isinstance(value, bool)


def _setting_check(name: str, wanted: Any, value: Any) -> Check:
    label = property_label(name)
    if _is_flag(wanted):
        if wanted:
            return Check(label, value is True, "" if value is True else "Yours does not yet.")
        return Check(f"Not: {label[0].lower()}{label[1:]}", value is False, "" if value is False else "Yours does.")
    unit = UNITS.get(name, "")
    passed = value == wanted
    return Check(
        f"{label} is {_show(wanted)}{unit}",
        passed,
        "" if passed else f"Yours: {_show(value)}{unit if value is not None else ''}.",
    )


# -- grading -------------------------------------------------------------------------------------------------


def grade(exercise: Exercise, text: str) -> Verdict:
    """Run every check of `exercise` on the learner's template text."""
    report = checked(text)
    if report.error:
        return Verdict(report, [Check("The template can be read", False, report.error)])
    checks: list[Check] = []
    if exercise.no_errors:
        errors = [f for f in report.findings if f.level == "error"]
        detail = "; ".join(_where(f) + f.message for f in errors[:3])
        checks.append(Check("No error-level finding", not errors, detail))
    for code in exercise.absent:
        finding = next((f for f in report.findings if f.code == code), None)
        detail = _where(finding) + finding.message if finding else ""
        checks.append(Check(absent_label(code), finding is None, detail))
    index = next((i for i, w in enumerate(report.wirings) if w.source == exercise.source), None)
    wiring = report.wirings[index] if index is not None else None
    label = f"The template wires {_source_name(exercise.source)} to a function"
    checks.append(Check(label, wiring is not None, "" if wiring else "The checker found no such wiring."))
    if wiring is None:
        return Verdict(report, checks)
    for name, wanted in exercise.settings.items():
        value = wiring.settings.get(name)
        checks.append(_setting_check(name, wanted, value))
    for name, most in exercise.at_most.items():
        value = wiring.settings.get(name)
        fine = isinstance(value, int | float) and not isinstance(value, bool) and value <= most
        unit = UNITS.get(name, "")
        shown = f"{_show(value)}{unit if value is not None else ''}"
        checks.append(Check(f"{property_label(name)} is at most {_show(most)}{unit}", fine, f"Yours: {shown}."))
    trace = None
    if exercise.scenario:
        trace = _scenario(report, index, exercise, checks)
    return Verdict(report, checks, trace, index)


def _scenario(report: Any, index: int, exercise: Exercise, checks: list[Check]) -> Any:
    from learn.wiring import simulate_template

    label = f"Scenario “{engine.preset_label(exercise.scenario)}”"
    try:
        trace = simulate_template(report, index, exercise.scenario)
    except (engine.EngineError, ValueError, KeyError) as error:
        checks.append(Check(f"{label} runs", False, str(error)))
        return None
    for record, wanted in exercise.expect.items():
        got = trace.dispositions.get(record)
        fine = got is not None and got.kind == wanted
        detail = f"It ended as: {got.label.lower()}." if got else "It has no final disposition."
        if fine and exercise.detail_excludes and exercise.detail_excludes in got.detail:
            fine, detail = False, got.detail
        wanted_label = engine.DISPOSITIONS[wanted].lower()
        checks.append(Check(f"{label}: record {record} is {wanted_label}", fine, "" if fine else detail))
    return trace


def _source_name(slug: str) -> str:
    from learn.engine.simulate import default_catalog

    source = default_catalog().sources.get(slug)
    return source.short_name if source else slug


def _where(finding: Any) -> str:
    return f"line {finding.line}: " if finding is not None and finding.line else ""


def _show(value: Any) -> str:
    if value is None:
        return "not set"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
