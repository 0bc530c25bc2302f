"""Predict-the-outcome items: the answer key is computed by the behaviour engine, never typed by hand.

A template in content/quiz/predict.toml describes a scenario (source, settings, records, outcomes), what is
asked about the resulting trace, and `vary`: settings to vary, so every combination becomes its own variant
with its own key. Wrong options come from `choices`; their rationales say what the trace really shows.
"""

from __future__ import annotations

import itertools
import tomllib
from pathlib import Path
from typing import Any

from learn import engine
from learn.catalog.errors import CatalogInvalid, ContentError
from learn.catalog.reader import Reader
from learn.catalog.rendering import inline_markdown, markdown_to_html
from learn.engine.types import DISPOSITIONS, format_time

from .bank import Item, Option

ASKS = ("invocations", "status", "disposition", "last-attempt", "processed")


def answer(trace: engine.Trace, ask: str, record: str = "1") -> str:
    """The fact about a trace that a template asks for, as the text of the correct option."""
    if ask == "invocations":
        return str(trace.invocations)
    if ask == "status":
        code = trace.dispositions[record].status_code
        return str(code) if code is not None else "no status code"
    if ask == "disposition":
        return DISPOSITIONS[trace.dispositions[record].kind]
    if ask == "last-attempt":
        invokes = [s.t_ms for s in trace.steps if s.kind == "invoke"]
        return format_time(invokes[-1]) if invokes else "never invoked"
    if ask == "processed":
        return str(sum(d.kind == "processed" for d in trace.dispositions.values()))
    raise ValueError(ask)


def load(path: Path, catalog=None) -> list[Item]:
    """Expand every template into its variants; raise CatalogInvalid naming the template on any problem."""
    if not path.exists():
        return []
    errors: list[ContentError] = []
    rel = str(path)
    reader = Reader(tomllib.loads(path.read_text(encoding="utf-8")), rel, errors)
    items: list[Item] = []
    for table in reader.tables("templates", required=True):
        items.extend(_expand(table, catalog))
        table.close()
    reader.close()
    if errors:
        raise CatalogInvalid(errors)
    return items


def _expand(t: Reader, catalog) -> list[Item]:
    template_id = t.text("id")
    t.path = f"templates[{template_id or '?'}]"
    source, stem, ask = t.text("source"), t.text("stem"), t.choice("ask", ASKS, default="invocations")
    record = t.text("record", required=False, default="1")
    records = t.raw("records") or 1
    outcomes = t.raw("outcomes") or ["ok"]
    base = dict(t.raw("settings") or {})
    vary: dict[str, list[Any]] = dict(t.raw("vary") or {})
    choices = [str(c) for c in (t.raw("choices", required=True) or [])]
    explain = t.text("explain")
    wrong_because = {str(k): v for k, v in (t.raw("wrong_because") or {}).items()}
    meta = {
        "difficulty": t.integer("difficulty", default=2) or 2,
        "exam": tuple(t.text_list("exam", required=True)),
        "misconceptions": tuple(t.text_list("misconceptions")),
        "docs": tuple(t.text_list("docs", required=True)),
        "last_verified": t.date("last_verified"),
    }
    cases = t.raw("cases") or [{"label": "", "outcomes": outcomes}]
    items = []
    names = sorted(vary)
    combos = (
        itertools.product(range(len(cases)), *(vary[n] for n in names)) if names else ((i,) for i in range(len(cases)))
    )
    for case_index, *values in combos:
        case = cases[case_index]
        settings = {**base, **dict(case.get("settings", {})), **dict(zip(names, values, strict=True))}
        try:
            trace = engine.simulate(source, settings, records, case.get("outcomes", outcomes), catalog=catalog)
        except engine.EngineError as error:
            t.error("", f"the scenario does not run: {error}")
            return []
        key = answer(trace, ask, record)
        options = _options(key, choices, explain, wrong_because, t, settings)
        if options is None:
            return []
        parts = [f"{n}-{v}" for n, v in zip(names, values, strict=True)]
        parts += [f"case-{case_index + 1}"] if len(cases) > 1 else []
        suffix = "--".join(parts).replace("_", "-").lower()
        variant_id = f"{template_id}--{suffix}" if suffix else template_id
        text = stem.format(case=case.get("label", ""), **settings)
        items.append(
            Item(
                id=variant_id,
                type="single",
                stem=text,
                stem_html=markdown_to_html(text),
                choose=1,
                difficulty=meta["difficulty"],
                sources=(source,),
                model=trace.model,
                exam=meta["exam"],
                misconceptions=meta["misconceptions"],
                docs=meta["docs"],
                last_verified=meta["last_verified"],
                options=options,
                file=t.file,
            )
        )
    return items


def _options(
    key: str, choices: list[str], explain: str, wrong_because: dict[str, str], t: Reader, settings: dict[str, Any]
):
    """The key and three wrong choices. Every wrong choice needs its own `wrong_because` (which rule that answer
    forgets); it may use {key} and {setting} placeholders, since the same choice is wrong for different reasons
    in different variants."""
    pool = [c for c in choices if c != key]
    if len(pool) < 3:
        t.error("choices", f"needs at least 3 wrong answers besides the computed key {key!r}")
        return None
    picked = sorted(pool[:3] + [key], key=_sort_key)
    options = []
    for position, text in enumerate(picked):
        correct = text == key
        # A choice without its own wrong_because gets the stock sentence, which the audit reports as templated.
        fallback = f"The simulation does not give {text}. {explain}"
        rationale = _fill(explain if correct else wrong_because.get(text, fallback), key, settings, t)
        options.append(
            Option("abcd"[position], text, inline_markdown(text), correct, rationale, inline_markdown(rationale))
        )
    return tuple(options)


def _fill(text: str, key: str, settings: dict[str, Any], t: Reader) -> str:
    if "{" not in text:
        return text
    try:
        return text.format(key=key, **settings)
    except (KeyError, IndexError, ValueError) as error:
        t.error("wrong_because", f"{text[:40]!r}… uses an unknown placeholder: {error}")
        return text


def _sort_key(text: str):
    try:
        return (0, float(text), "")
    except ValueError:
        return (1, 0.0, text)
