"""The bank's quality rules beyond its schema: cues that give answers away, duplicates, the blueprint, the goals.

`problems()` lists what an author must fix (per item, per file); `goals()` what the bank as a whole must reach;
`stats()` the figures `export_quiz --stats` prints. Pure Python: `python -m learn.quiz` runs all three.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from typing import Any

from learn.catalog.errors import ContentError

from . import cues
from .bank import Bank, Item
from .blueprint import Blueprint

MIN_SINGLES_FOR_SHARE = 8  # a file with fewer single-answer items is too small to judge the share on
DOMAIN_DEPTH = 1.5  # each domain needs this many times its share of a full exam, so forms can vary
KEY_OVERLAP_MAX = 0.75  # two keys sharing this much of their content words test the same thing


def authored(bank: Bank) -> list[Item]:
    return [i for i in bank.items.values() if not i.file.endswith("predict.toml")]


def problems(bank: Bank, blueprint: Blueprint) -> list[ContentError]:
    items = list(bank.items.values())
    frequency = cues.document_frequency(items)
    known_tasks = blueprint.tasks
    errors: list[ContentError] = []

    def add(item: Item, message: str) -> None:
        errors.append(ContentError(item.file, f"items[{item.id}]", message))

    for item in items:
        for task in item.exam:
            if task not in known_tasks:
                add(item, f"exam task {task!r} is not a task statement of blueprint.toml")
        if item.scenario:
            low, high = cues.SCENARIO_WORDS
            if not low <= (n := cues.stem_words(item)) <= high:
                add(item, f"a scenario stem has {low}-{high} words; this one has {n}")
        if message := cues.length_problem(item):
            add(item, message)
        if leaked := cues.stem_key_cues(item, frequency):
            add(item, f"the stem and only the key share {', '.join(repr(w) for w in leaked)}: a word-matching cue")
        if printed := cues.ordering_quantities(item):
            add(item, f"ordering steps print the quantity they are ordered by: {printed[0]!r}")
        for message in cues.rationale_problems(item):
            add(item, message)
    for a, b, score in cues.near_duplicates(items):
        add(bank.items[a], f"its stem nearly repeats {b}'s ({score:.0%} of word trigrams shared)")
    for a, b, score in key_overlaps(items):
        add(bank.items[a], f"its key nearly repeats {b}'s ({score:.0%} of content words shared): test another angle")
    for file, tally in cues.longest_correct_by_file(items).items():
        if tally.single >= MIN_SINGLES_FOR_SHARE and tally.share > cues.LONGEST_CORRECT_MAX:
            errors.append(
                ContentError(
                    file,
                    "",
                    f"the correct option is the longest in {tally.longest_correct} of {tally.single} single-answer"
                    f" items ({tally.share:.0%}); at most {cues.LONGEST_CORRECT_MAX:.0%} may be",
                )
            )
    return errors


def key_overlaps(items: list[Item]) -> list[tuple[str, str, float]]:
    keys = [(i, cues.content_words(" ".join(o.text for o in i.options if o.correct))) for i in items]
    keys = [(i, words) for i, words in keys if i.type != "ordering" and len(words) >= 4]
    pairs = []
    for n, (a, wa) in enumerate(keys):
        for b, wb in keys[n + 1 :]:
            if a.id.partition("--")[0] == b.id.partition("--")[0]:
                continue
            score = len(wa & wb) / len(wa | wb)
            if score >= KEY_OVERLAP_MAX:
                pairs.append((a.id, b.id, score))
    return pairs


def domain_counts(bank: Bank, blueprint: Blueprint) -> dict[str, Counter]:
    """Per exam, how many items are drawn under each domain (their primary domain)."""
    counts: dict[str, Counter] = {code: Counter() for code in blueprint.exams}
    for item in bank.items.values():
        for code in blueprint.exams:
            if (domain := blueprint.primary_domain(code, item)) is not None:
                counts[code][domain.number] += 1
    return counts


def domain_needs(blueprint: Blueprint) -> dict[str, dict[int, int]]:
    return {
        code: {d.number: math.ceil(exam.questions * d.weight / 100 * DOMAIN_DEPTH) for d in exam.domains}
        for code, exam in blueprint.exams.items()
    }


def goals(bank: Bank, blueprint: Blueprint) -> list[str]:
    """What the whole bank must reach (issue 14): size, scenario share, source coverage, blueprint depth."""
    missing = []
    written = authored(bank)
    if len(written) < blueprint.min_items:
        missing.append(f"the bank has {len(written)} authored items; it needs at least {blueprint.min_items}")
    share = scenario_share(written)
    if share < cues.SCENARIO_SHARE_MIN:
        missing.append(f"{share:.0%} of authored items are scenarios; at least {cues.SCENARIO_SHARE_MIN:.0%} must be")
    per_source = Counter(s for i in bank.items.values() for s in i.sources)
    for slug in blueprint.core_sources:
        if per_source[slug] < blueprint.min_items_per_core_source:
            missing.append(
                f"core source {slug} has {per_source[slug]} items; it needs {blueprint.min_items_per_core_source}"
            )
    counts = domain_counts(bank, blueprint)
    for code, needs in domain_needs(blueprint).items():
        for number, need in needs.items():
            if counts[code][number] < need:
                name = blueprint.exams[code].domain(number).name
                missing.append(
                    f"{code} domain {number} ({name}) is the primary domain of {counts[code][number]} items;"
                    f" a varied exam needs {need}"
                )
    return missing


def scenario_share(items: list[Item]) -> float:
    return sum(cues.is_scenario(i) for i in items) / len(items) if items else 0.0


def stats(bank: Bank, blueprint: Blueprint) -> dict[str, Any]:
    items = list(bank.items.values())
    written = authored(bank)
    singles = [i for i in items if i.type == "single"]
    written_singles = [i for i in written if i.type == "single"]
    frequency = cues.document_frequency(items)
    return {
        "items": len(items),
        "authored": len(written),
        "engine_variants": len(items) - len(written),
        "by_type": dict(Counter(i.type for i in items)),
        "scenario_share": round(scenario_share(written), 3),
        "scenarios_by_constraint": dict(Counter(i.scenario for i in written if i.scenario)),
        "longest_correct_share": round(sum(map(cues.longest_is_correct, singles)) / max(len(singles), 1), 3),
        "longest_correct_share_authored": round(
            sum(map(cues.longest_is_correct, written_singles)) / max(len(written_singles), 1), 3
        ),
        "median_stem_words": statistics.median(cues.stem_words(i) for i in written) if written else 0,
        "median_stem_words_scenarios": statistics.median(
            [cues.stem_words(i) for i in written if cues.is_scenario(i)] or [0]
        ),
        "by_domain": {
            code: {f"{number} {blueprint.exams[code].domain(number).name}": n for number, n in sorted(counter.items())}
            for code, counter in domain_counts(bank, blueprint).items()
        },
        "by_source": dict(sorted(Counter(s for i in items for s in i.sources).items(), key=lambda kv: -kv[1])),
        "cues": {
            "length_spread": sum(bool(cues.length_problem(i)) for i in items),
            "stem_key_words": sum(bool(cues.stem_key_cues(i, frequency)) for i in items),
            "ordering_quantities": sum(bool(cues.ordering_quantities(i)) for i in items),
            "rationale_problems": sum(bool(cues.rationale_problems(i)) for i in items),
            "near_duplicate_stems": len(cues.near_duplicates(items)),
            "near_duplicate_keys": len(key_overlaps(items)),
        },
        "goals_missing": goals(bank, blueprint),
    }
