from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from learn import catalog


@pytest.fixture
def content_dir(settings, tree):
    settings.CONTENT_DIR = tree.root
    yield tree
    catalog.reload()  # and every cache built from that copy (the quiz bank `check` loaded from it, too)


def test_check_passes_on_good_content(content_dir):
    content_dir.add_source()
    call_command("check")


def test_check_fails_naming_the_file_and_field(content_dir):
    content_dir.add_source()
    content_dir.edit("example", 'category = "messaging"', 'category = "queues"')
    with pytest.raises(SystemCheckError) as raised:
        call_command("check")
    assert "content/sources/example/source.toml: category: must be one of" in str(raised.value)
