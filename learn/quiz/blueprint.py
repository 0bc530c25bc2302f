"""The exam blueprints (content/quiz/blueprint.toml): domains, weights and task statements, and drawing an exam
in the blueprint's domain proportions. Pure Python."""

from __future__ import annotations

import random
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from learn.catalog.errors import CatalogInvalid, ContentError

from .bank import Item


@dataclass(frozen=True)
class Task:
    code: str  # "DVA-C02 1.2"
    title: str
    domain: int


@dataclass(frozen=True)
class Domain:
    exam: str
    number: int
    name: str
    weight: int  # percent of the scored questions
    tasks: tuple[Task, ...]

    @property
    def code(self) -> str:
        return f"{self.exam} D{self.number}"


@dataclass(frozen=True)
class Exam:
    code: str
    name: str
    guide: str
    questions: int
    minutes: int
    domains: tuple[Domain, ...]

    def domain(self, number: int) -> Domain:
        return next(d for d in self.domains if d.number == number)


@dataclass(frozen=True)
class Blueprint:
    exams: dict[str, Exam]
    core_sources: tuple[str, ...]
    min_items_per_core_source: int
    min_items: int

    @property
    def tasks(self) -> dict[str, Task]:
        return {t.code: t for e in self.exams.values() for d in e.domains for t in d.tasks}

    def primary_domain(self, exam: str, item: Item) -> Domain | None:
        """The domain of the item's first task statement for this exam: the one it is drawn and scored under."""
        for task in item.exam:
            code, _, number = task.partition(" ")
            if code == exam and exam in self.exams:
                return self.exams[exam].domain(int(number.partition(".")[0]))
        return None

    def quotas(self, exam: str, count: int) -> dict[int, int]:
        """How many of `count` questions each domain gets: its weight, rounded by largest remainder."""
        domains = self.exams[exam].domains
        total = sum(d.weight for d in domains)
        exact = {d.number: count * d.weight / total for d in domains}
        quota = {n: int(v) for n, v in exact.items()}
        for n in sorted(exact, key=lambda n: exact[n] - quota[n], reverse=True)[: count - sum(quota.values())]:
            quota[n] += 1
        return quota

    def draw(self, exam: str, items: list[Item], count: int, seed: str) -> list[str]:
        """An exam form: `count` items in domain proportions, at most one variant per engine template, shuffled.

        A domain with too few items gives its remaining places to the others (the figures say so)."""
        rng = random.Random(seed)
        pools: dict[int, list[list[Item]]] = defaultdict(list)
        families: dict[tuple[int, str], list[Item]] = defaultdict(list)
        for item in items:
            domain = self.primary_domain(exam, item)
            if domain is not None:
                families[(domain.number, item.id.partition("--")[0])].append(item)
        for (number, _), family in sorted(families.items(), key=lambda kv: kv[0]):
            pools[number].append(family)
        for families_of_domain in pools.values():
            rng.shuffle(families_of_domain)
        chosen: list[str] = []
        spare: list[list[Item]] = []
        for number, quota in sorted(self.quotas(exam, count).items()):
            pool = pools.get(number, [])
            chosen += [rng.choice(f).id for f in pool[:quota]]
            spare += pool[quota:]
        rng.shuffle(spare)
        chosen += [rng.choice(f).id for f in spare[: count - len(chosen)]]
        rng.shuffle(chosen)
        return chosen


def load(path: Path) -> Blueprint:
    rel = str(path)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise CatalogInvalid([ContentError(rel, "", f"cannot be read: {error}")]) from error
    errors: list[ContentError] = []
    exams = {}
    for e in data.get("exams", []):
        domains = []
        for d in e.get("domains", []):
            tasks = tuple(Task(f"{e['code']} {t['code']}", t["title"], d["number"]) for t in d.get("tasks", []))
            for task in tasks:
                if not task.code.split(" ")[1].startswith(f"{d['number']}."):
                    errors.append(ContentError(rel, task.code, f"is listed under domain {d['number']}"))
            domains.append(Domain(e["code"], d["number"], d["name"], d["weight"], tasks))
        if sum(d.weight for d in domains) != 100:
            errors.append(ContentError(rel, e["code"], "domain weights must add up to 100"))
        exams[e["code"]] = Exam(e["code"], e["name"], e["guide"], e["questions"], e["minutes"], tuple(domains))
    if errors:
        raise CatalogInvalid(errors)
    return Blueprint(
        exams,
        tuple(data.get("core_sources", ())),
        int(data.get("min_items_per_core_source", 0)),
        int(data.get("min_items", 0)),
    )
