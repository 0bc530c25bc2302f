"""Validate content without Django: `python -m learn.catalog [content/ | content/sources/<slug>]`."""

from __future__ import annotations

import sys
from pathlib import Path

from . import loader
from .errors import CatalogInvalid, ContentError


def main(argv: list[str]) -> int:
    target = Path(argv[0] if argv else "content").resolve()
    if (target / "source.toml").exists():
        content = target.parent.parent
        errors: list[ContentError] = []
        rules = {r.id: r for r in loader._load_all(content / "rules", content.parent, errors, loader._load_rule)}
        source = loader.load_source(target, content.parent, errors, rules)
        if source is not None:
            known = {p.name for p in (content / "sources").iterdir() if p.is_dir()}
            for slug in source.related:
                if slug not in known:
                    errors.append(ContentError(str(target / "source.toml"), "related", f"{slug!r} is not a source"))
    else:
        try:
            loader.load(target)
            errors = []
        except CatalogInvalid as invalid:
            errors = invalid.errors
    for error in errors:
        print(error)
    print(f"{len(errors)} problem(s) in {target}" if errors else f"OK: {target}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
