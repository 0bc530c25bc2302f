"""Test-wiseness cues: measure what lets a learner guess an item without knowing the material.

Pure functions over loaded items, used by the validator (`python -m learn.quiz`) and by `export_quiz --stats`.
The rules, with the thresholds the issue set (README "No cue gives the answer"):

- the correct option is the (strictly) longest in at most 35 % of the single-answer items of any file;
- no option is more than twice as long as the shortest, in words, unless the item says why (`length_reason`);
  differences under 4 words never count (numbers and short phrases);
- no stem word that is distinctive in the bank (in few items) appears in the key and in no distractor;
- ordering options never print the quantity they are ordered by (a number with a unit);
- every option has its own rationale (no two alike, none templated).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .bank import Item

LONGEST_CORRECT_MAX = 0.35
LENGTH_RATIO_MAX = 2.0
LENGTH_SLACK_WORDS = 4
DISTINCTIVE_MAX_ITEMS = 6  # a word in at most this many items' stems and options is distinctive
SCENARIO_WORDS = (45, 120)
SCENARIO_SHARE_MIN = 0.60
NEAR_DUPLICATE_MIN = 0.6  # Jaccard similarity of stem word trigrams

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'-]*")
QUANTITY = re.compile(
    r"\d[\d,.]*\s*(?:ms|milliseconds?|s|sec|seconds?|min|minutes?|h|hours?|days?|weeks?|"
    r"[KMGT]i?B|bytes?|%|percent|x|×|times|requests?|messages?|records?|retries|attempts?)\b",
    re.IGNORECASE,
)
TEMPLATED = re.compile(r"^the simulation does not give", re.IGNORECASE)
STOPWORDS = frozenset(
    """
    about above after again against all also although always among another any anyone anything are aren't
    because been before being below between both but can cannot could does doesn't doing done down during each
    either else enough even ever every few first from further had has have having here how however into its
    itself just last least less like made make many more most much must never next none nor not now once only
    other others otherwise over own same several should since some such than that that's the their them then
    there these they this those though through thus too under until upon very was were what when where whether
    which while who whom whose why will with within without would yet you your
    """.split()  # noqa: SIM905 (a word list reads better as text)
)


def words(text: str) -> list[str]:
    return WORD.findall(text)


def stem_words(item: Item) -> int:
    return len(words(item.stem))


def is_scenario(item: Item) -> bool:
    """An exam-style scenario: tagged with its constraint and 45-120 words long (the validator checks both)."""
    return bool(getattr(item, "scenario", "")) and SCENARIO_WORDS[0] <= stem_words(item) <= SCENARIO_WORDS[1]


def longest_is_correct(item: Item) -> bool:
    """Single-answer only: the key is strictly the longest option (ties give nothing away)."""
    lengths = sorted(((len(o.text), o.correct) for o in item.options), reverse=True)
    return len(lengths) > 1 and lengths[0][1] and lengths[0][0] > lengths[1][0]


def length_spread(item: Item) -> tuple[int, int]:
    counts = [len(words(o.text)) or 1 for o in item.options]
    return min(counts), max(counts)


def length_problem(item: Item) -> str:
    if item.type == "ordering" or getattr(item, "length_reason", ""):
        return ""
    short, long = length_spread(item)
    if long > LENGTH_RATIO_MAX * short and long - short >= LENGTH_SLACK_WORDS:
        return (
            f"the longest option has {long} words, more than twice the shortest ({short}): even them out, or say"
            " why in length_reason"
        )
    return ""


def _norm(word: str) -> str:
    word = word.lower().strip("'-")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("es") and word[-3] in "sxz":
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def content_words(text: str) -> set[str]:
    return {n for w in words(text) if len(n := _norm(w)) >= 4 and n not in STOPWORDS}


def document_frequency(items: Iterable[Item]) -> Counter:
    """In how many items (stem or options) each content word appears."""
    counts: Counter = Counter()
    for item in items:
        counts.update(content_words(item.stem + " " + " ".join(o.text for o in item.options)))
    return counts


def stem_key_cues(item: Item, frequency: Counter) -> list[str]:
    """Distinctive stem words repeated by a correct option and by no wrong one (the "matching words" cue)."""
    if item.type == "ordering":
        return []
    stem = content_words(item.stem)
    right = set().union(*(content_words(o.text) for o in item.options if o.correct))
    wrong = set().union(*(content_words(o.text) for o in item.options if not o.correct))
    return sorted(w for w in (stem & right) - wrong if frequency[w] <= DISTINCTIVE_MAX_ITEMS)


def ordering_quantities(item: Item) -> list[str]:
    if item.type != "ordering":
        return []
    return [o.text for o in item.options if QUANTITY.search(o.text)]


def rationale_problems(item: Item) -> list[str]:
    problems = []
    seen: dict[str, str] = {}
    for option in item.options:
        text = " ".join(option.rationale.split()).lower()
        if TEMPLATED.match(text):
            problems.append(f"option {option.key}'s rationale is templated: say which rule that answer forgets")
        if len(words(text)) < 5:
            problems.append(f"option {option.key}'s rationale is too short to explain anything")
        if text in seen:
            problems.append(f"options {seen[text]} and {option.key} share one rationale: explain each on its own")
        seen.setdefault(text, option.key)
    return problems


def _trigrams(text: str) -> set[tuple[str, ...]]:
    tokens = [w.lower() for w in words(text)]
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def near_duplicates(items: list[Item]) -> list[tuple[str, str, float]]:
    """Pairs of items whose stems share most of their word trigrams (same family of engine variants aside)."""
    grams = [(i, _trigrams(i.stem)) for i in items]
    pairs = []
    for n, (a, ga) in enumerate(grams):
        for b, gb in grams[n + 1 :]:
            if not ga or not gb or a.id.partition("--")[0] == b.id.partition("--")[0]:
                continue
            score = len(ga & gb) / len(ga | gb)
            if score >= NEAR_DUPLICATE_MIN:
                pairs.append((a.id, b.id, round(score, 2)))
    return pairs


@dataclass(frozen=True)
class FileCues:
    single: int
    longest_correct: int

    @property
    def share(self) -> float:
        return self.longest_correct / self.single if self.single else 0.0


def longest_correct_by_file(items: Iterable[Item]) -> dict[str, FileCues]:
    tally: dict[str, list[int]] = {}
    for item in items:
        if item.type != "single":
            continue
        row = tally.setdefault(item.file, [0, 0])
        row[0] += 1
        row[1] += longest_is_correct(item)
    return {file: FileCues(*row) for file, row in sorted(tally.items())}
