"""Answering lesson checkpoints from tests."""

from __future__ import annotations

from learn.course import checkpoints
from learn.quiz import questions
from learn.quiz.bank import Item


def items(slug: str) -> list[Item]:
    return checkpoints.choose_items(questions.load(), slug)


def answer_data(item: Item, correct: bool) -> dict:
    if correct:
        keys = list(item.correct_keys)
    else:
        wrong = [o.key for o in item.options if not o.correct]
        keys = wrong[: item.choose] if item.type == "multiple" else wrong[:1]
        if item.type == "multiple" and len(keys) < item.choose:  # too few wrong options: one right, rest wrong
            keys = wrong + list(item.correct_keys)[: item.choose - len(wrong)]
    return {"item": item.id, "choice": keys if item.type == "multiple" else keys[0]}


def answer(client, slug: str, number: int, correct: bool = True, htmx: bool = True):
    item = items(slug)[number - 1]
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return client.post(f"/course/checkpoint/{slug}/", answer_data(item, correct), **headers)


def answer_all(client, slug: str, correct: bool = True) -> None:
    for number in range(1, len(items(slug)) + 1):
        assert answer(client, slug, number, correct).status_code == 200
