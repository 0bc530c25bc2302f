"""The lesson page's checkpoint, rendered for the learner who asks (the slot sits outside the lesson's cache)."""

from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils import timezone

from learn.progress.learners import owner_of
from learn.quiz import questions

from .. import checkpoints, paths, progress

register = template.Library()


@register.simple_tag(takes_context=True)
def checkpoint(context, source) -> str:
    """The checkpoint fragment for `source`, with this learner's answers; a visitor's GET stores nothing (W6).
    Once it is done, it offers the learner's next step on their path."""
    request = context["request"]
    owner = owner_of(request, create=False)
    state = checkpoints.state(owner, questions.load(), source.slug, timezone.now())
    following = progress.next_step(owner) if state.complete else None
    return render_to_string(
        "course/_checkpoint.html", {"source": source, "checkpoint": state, "next_step": following}, request=request
    )


@register.filter
def shows(state, question) -> bool:
    """Whether the checkpoint shows this question yet (the answered ones and the first unanswered one)."""
    return state.shown(question)


@register.inclusion_tag("course/_step_footer.html", takes_context=True)
def path_step(context, kind: str, target: str, preset: str = "") -> dict:
    """On a model or diagram page that is the learner's next step on their path: a "Mark as done and continue"
    bar (these pages leave no evidence of their own). Read-only: a visitor's GET stores nothing."""
    request = context["request"]
    step = progress.next_step(owner_of(request, create=False))
    key = f"{kind}:{target}" + (f":{preset}" if preset else "")
    if step is None or step.key != key:
        return {"step": None}
    return {"step": step, "path": paths.all_paths()[step.path_id], "request": request}
