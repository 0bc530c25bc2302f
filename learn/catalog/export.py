"""The whole catalog as plain JSON-ready data (for /api/catalog.json and `manage.py export_catalog`)."""

from __future__ import annotations

from typing import Any

from .types import Catalog, Fact, RetryRule, Section, Source


def _facts(facts: tuple[Fact, ...]) -> list[dict[str, str]]:
    out = []
    for fact in facts:
        item = {"text": fact.text, "doc": fact.doc, "status": fact.status}
        if fact.note:
            item["note"] = fact.note
        out.append(item)
    return out


def _section(section: Section, **extra: Any) -> dict[str, Any]:
    return {"summary": section.summary, **extra, "facts": _facts(section.facts)}


def rule_to_dict(rule: RetryRule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "name": rule.name,
        "model": rule.model,
        "who_retries": rule.who_retries,
        "summary": rule.summary,
        "facts": _facts(rule.facts),
        "knobs": [
            {
                "name": k.name,
                "api_name": k.api_name,
                "label": k.label,
                "type": k.type,
                "default": k.default,
                "min": k.minimum,
                "max": k.maximum,
                "special": list(k.special),
                "choices": list(k.choices),
                "unit": k.unit,
                "description": k.description,
                "doc": k.doc,
            }
            for k in rule.knobs
        ],
    }


def source_to_dict(source: Source) -> dict[str, Any]:
    b = source.batching
    return {
        "slug": source.slug,
        "name": source.name,
        "short_name": source.short_name,
        "category": source.category,
        "invocation_models": list(source.models),
        "summary": source.summary,
        "main_risk": source.main_risk,
        "last_verified": source.last_verified.isoformat(),
        "keywords": list(source.keywords),
        "wiring": _section(source.wiring, kind=source.wiring.kind),
        "batching": _section(
            b,
            supported=b.supported,
            default_batch_size=b.default_batch_size,
            max_batch_size=b.max_batch_size,
            window_default_s=b.window_default_s,
            window_max_s=b.window_max_s,
        ),
        "ordering": _section(source.ordering, guarantee=source.ordering.guarantee),
        "retries": _section(source.retries, rules=list(source.retries.rules)),
        "failure_handling": _section(
            source.failure,
            dlq=source.failure.dlq,
            on_failure_destinations=list(source.failure.on_failure_destinations),
            on_success_destinations=list(source.failure.on_success_destinations),
        ),
        "response": _section(source.response, contract=source.response.contract),
        "limits": _facts(source.limits.facts),
        "key_numbers": [
            {"label": k.label, "value": k.value, "detail": k.detail, "doc": k.doc} for k in source.key_numbers
        ],
        "pitfalls": _facts(source.pitfalls.facts),
        "best_practices": _facts(source.best_practices.facts),
        "when": {"use": list(source.use_when), "avoid": list(source.avoid_when)},
        "sample_events": [e.file for e in source.events],
        "example_handlers": [h.file for h in source.handlers],
        "doc_urls": sorted({f.doc for f in source.all_facts()} | {d.url for d in source.docs}),
    }


def catalog_to_dict(catalog: Catalog) -> dict[str, Any]:
    return {
        "models": [
            {
                "id": m.id,
                "name": m.name,
                "summary": m.summary,
                "who_waits": m.who_waits,
                "who_retries": m.who_retries,
                "facts": _facts(m.facts),
            }
            for m in catalog.models.values()
        ],
        "rules": [rule_to_dict(rule) for rule in catalog.rules.values()],
        "sources": [source_to_dict(source) for source in catalog.ordered_sources()],
    }
