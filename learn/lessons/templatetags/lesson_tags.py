from __future__ import annotations

import re

from django import template
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def number(value) -> str:
    """1000 -> '1,000'; 0.5 -> '0.5'; None -> '—'."""
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:g}"
    return f"{int(value):,}"


GUIDES = {
    "lambda": "Lambda",
    "apigateway": "API Gateway",
    "sns": "SNS",
    "sqs": "SQS",
    "AmazonS3": "S3",
    "eventbridge": "EventBridge",
    "scheduler": "Scheduler",
    "step-functions": "Step Functions",
    "elasticloadbalancing": "ELB",
    "kinesis": "Kinesis",
    "amazondynamodb": "DynamoDB",
    "msk": "MSK",
    "cognito": "Cognito",
    "ses": "SES",
    "firehose": "Firehose",
    "AWSCloudFormation": "CloudFormation",
    "AmazonCloudFront": "CloudFront",
    "documentdb": "DocumentDB",
    "lexv2": "Lex",
    "iot": "IoT",
    "config": "Config",
    "secretsmanager": "Secrets Manager",
    "powertools": "Powertools",
}


@register.filter
def doc_label(url: str) -> str:
    """A readable name for an AWS documentation link: '…/lambda/latest/dg/with-sqs.html' -> 'Lambda: with sqs'."""
    parts = [p for p in str(url).split("#")[0].split("/") if p]
    if len(parts) < 3:
        return "AWS docs"
    page = parts[-1].removesuffix(".html").replace("-", " ").replace("_", " ") or "overview"
    guide = next((GUIDES[p] for p in parts[2:-1] if p in GUIDES), "AWS")
    return f"{guide}: {page}"


@register.filter
def inline_md(text: str):
    """Inline markdown (code spans, emphasis, links) for short author-written text such as hints."""
    from learn.catalog.rendering import inline_markdown

    return mark_safe(inline_markdown(str(text)))  # noqa: S308 - our own content, rendered by markdown


@register.simple_tag
def cite(citations, url: str) -> str:
    """A numbered citation marker, [3], linking to entry 3 of the lesson's Sources list (empty for no URL)."""
    from django.utils.html import format_html

    if not url or url not in citations:
        return ""
    citation = citations[url]
    return format_html(
        # a word joiner keeps the marker on the line of the word before it
        '\u2060<sup class="cite"><a href="#{}" aria-label="Source {}: {}">[{}]</a></sup>',
        citation.anchor,
        citation.number,
        citation.title,
        citation.number,
    )


@register.filter
def fact_anchor(fact) -> str:
    """The fact's anchor on the lesson page ('fact-1a2b3c4d'), for links such as the disputed-facts banner."""
    from learn.lessons.citations import fact_id

    return fact_id(fact)


_PROSE_H2 = re.compile(r"<h2[^>]*>(.*?)</h2>", re.DOTALL)


@register.filter
def fold_prose(html: str, open_sections: int = 1):
    """A lesson's overview prose, short at first sight: the introduction and its first `open_sections` sections
    as they are, each later section folded under its own heading (a <details> whose summary is the heading), so
    the overview reads as an outline a learner opens where they need it. Our own rendered markdown."""
    parts = _PROSE_H2.split(str(html))
    intro, sections = parts[0], list(zip(parts[1::2], parts[2::2], strict=True))
    out = [intro]
    for index, (heading, body) in enumerate(sections):
        if index < open_sections:
            out.append(f"<h2>{heading}</h2>{body}")
        else:
            out.append(
                f'<details class="prose-fold"><summary><h2 class="prose-fold-title">{heading}</h2></summary>'
                f"{body}</details>"
            )
    return mark_safe("".join(out))  # noqa: S308 - our own content, rendered by markdown
