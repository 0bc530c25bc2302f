"""The state panel's view model (learn/diagrams/panel.py), its compact encoding for state.js, and the flow
partial rendered for ?step=N: chips, counts, countdowns, what changed, dispositions revealed at their time."""

from __future__ import annotations

import html as html_lib
import re
from types import SimpleNamespace

import pytest

from learn import engine
from learn.diagrams import layout, panel
from learn.diagrams.flows import replay_context
from learn.engine.simulate import default_catalog

CATALOG = default_catalog()
pytestmark = pytest.mark.django_db
REDRIVE = {"redrive_policy": True, "max_receive_count": 2, "report_batch_item_failures": True}


@pytest.fixture(scope="module")
def redrive():
    """Three messages, message 2 always fails, partial batch responses, a DLQ after two receives."""
    trace = engine.simulate("sqs", REDRIVE, 3, ["poison:2"], catalog=CATALOG)
    return trace, panel.build(trace)


def place(view, place_id):
    return next(p for p in view.places if p.id == place_id)


def chip(view, place_id, record):
    return next(c for c in place(view, place_id).chips if c.record == record)


def step_of(trace, kind, after=-1):
    return next(s.index for s in trace.steps if s.kind == kind and s.index > after)


def test_first_step_lists_the_queue_and_changes_nothing(redrive):
    trace, series = redrive
    view = series.views[0]
    queue = place(view, "queue")
    assert (queue.kind, queue.label, queue.count, queue.meta) == (
        "queue",
        "SQS queue",
        "3 messages",
        "visibility timeout 30 s",
    )
    assert [(c.record, c.detail, c.status, c.changed) for c in queue.chips] == [
        (r, "visible", "visible", False) for r in "123"
    ]
    assert view.clock == "+0 s" and view.noun == "Message"
    assert view.changes == ("3 messages in SQS queue.",)


def test_a_receive_hides_the_messages_with_a_countdown_and_counts_it(redrive):
    trace, series = redrive
    view = series.views[step_of(trace, "poll")]
    assert [c.detail for c in place(view, "queue").chips] == ["received 1× · in flight · visible in 30 s"] * 3
    assert all(c.changed for c in place(view, "queue").chips) and place(view, "queue").changed
    assert view.announcement == "Messages 1, 2 and 3: receive count 1."


def test_the_countdown_follows_the_simulated_clock(redrive):
    trace, series = redrive
    hidden = series.views[step_of(trace, "visible")]  # +0.2 s: the failed message waits for its timeout
    assert hidden.clock == "+0.2 s"
    assert chip(hidden, "queue", "2").detail == "received 1× · hidden · visible in 29.8 s"
    assert chip(hidden, "queue", "2").status == "hidden"
    assert hidden.announcement == "Message 2: in flight, hidden until +30 s, then visible again."
    second = series.views[step_of(trace, "poll", after=hidden.index)]
    assert chip(second, "queue", "2").detail == "received 2× · in flight · visible in 30 s"
    assert second.announcement == "Message 2: receive count 2."


def test_a_batch_in_flight_shows_its_messages_for_context(redrive):
    trace, series = redrive
    view = series.views[step_of(trace, "invoke")]
    batch = place(view, "batch-1")
    assert batch.kind == "batch" and batch.count == "3 messages"
    assert all(c.ref and c.changed for c in batch.chips)
    assert not any(c.changed for c in place(view, "queue").chips)  # the queue still holds them, unchanged
    assert view.announcement == "Messages 1, 2 and 3 in Batch 1 (function running)."


def test_moves_to_bins_are_highlighted_and_said(redrive):
    trace, series = redrive
    deleted = series.views[step_of(trace, "delete")]
    assert deleted.announcement == "Messages 1 and 3 were processed."
    assert [(c.record, c.detail, c.changed) for c in place(deleted, "processed").chips] == [
        ("1", "at +0.2 s", True),
        ("3", "at +0.2 s", True),
    ]
    redriven = series.views[step_of(trace, "redrive")]
    assert redriven.announcement == "Message 2 moved to the queue's DLQ."
    assert place(redriven, "queue").count == "empty" and not place(redriven, "queue").chips
    assert chip(redriven, "queue-dlq", "2").changed and chip(redriven, "queue-dlq", "2").detail == "at +1 min"
    assert not chip(redriven, "processed", "1").changed


def test_dispositions_are_revealed_only_once_final(redrive):
    trace, series = redrive
    for record, disposition in trace.dispositions.items():
        shown = series.reveal[record]
        assert trace.steps[shown].t_ms >= disposition.t_ms
        assert panel._held(trace.steps[shown].snapshot)[record][0]["kind"] == "bin"
        assert panel._held(trace.steps[shown - 1].snapshot)[record][0]["kind"] != "bin"
    assert series.reveal == {
        "1": step_of(trace, "delete"),
        "3": step_of(trace, "delete"),
        "2": step_of(trace, "redrive"),
    }


def test_the_packed_encoding_carries_every_view(redrive):
    """state.js renders from Series.pack(): unpacked, it must give back each step's view."""
    _, series = redrive
    packed = series.pack()
    assert packed["noun"] == "Message"
    for view, (clock, place_ids, said) in zip(series.views, packed["steps"], strict=True):
        assert (clock, said) == (view.clock, view.announcement)
        for where, index in zip(view.places, place_ids, strict=True):
            pid, kind, label, count, meta, chips, more, *changed = packed["places"][index]
            assert (pid, kind, label, count, meta, more, bool(changed)) == (
                where.id,
                where.kind,
                where.label,
                where.count,
                where.meta,
                where.more,
                where.changed,
            )
            for c, chip_index in zip(where.chips, chips, strict=True):
                record, detail, status, flags, *mark = packed["chips"][chip_index]
                assert (record, detail, status, bool(flags & 1), bool(flags & 2), (mark or [""])[0]) == tuple(c)
    assert len(packed["chips"]) < sum(len(p.chips) for v in series.views for p in v.places)  # interned


# --- other kinds, from hand-written snapshots (each flow family emits its own) ------------------------------------


def fake_trace(*snapshots, dispositions=None):
    steps = [SimpleNamespace(index=i, t_ms=s["t_ms"], snapshot=s) for i, s in enumerate(snapshots)]
    return SimpleNamespace(steps=steps, dispositions=dispositions or {})


def item(record, status, label="", ref=False, **attrs):
    return {"id": record, "status": status, "label": label or status, "ref": ref, "attrs": attrs}


def test_a_tape_marks_its_checkpoint_and_next_read():
    def shard(checkpoint, iterator, statuses, t):
        items = [item(str(i + 1), s, position=i, retries=0) for i, s in enumerate(statuses)]
        if checkpoint >= 0:
            items[0] = item("1", "processed", ref=True, position=0)
        meta = {"checkpoint": checkpoint, "iterator": iterator, "blocked": checkpoint < 0}
        return {
            "t_ms": t,
            "places": [{"id": "shard-1", "kind": "tape", "label": "Shard 1", "meta": meta, "items": items, "count": 3}],
        }

    series = panel.build(
        fake_trace(shard(-1, 0, ["in-batch"] * 3, 0), shard(0, 1, ["processed", "retrying", "unread"], 500))
    )
    before, after = series.views
    tape = place(before, "shard-1")
    assert tape.is_tape and tape.meta == "no checkpoint yet · next read: record 1 · blocked by a failing batch"
    assert chip(before, "shard-1", "1").mark == "next read"
    tape = place(after, "shard-1")
    assert tape.meta == "checkpoint after record 1 · next read: record 2"
    assert (chip(after, "shard-1", "1").mark, chip(after, "shard-1", "2").mark) == ("checkpoint", "next read")
    assert chip(after, "shard-1", "2").detail == "to be read again"
    assert "The checkpoint moved past record 1 (Shard 1)." in after.changes
    assert "Shard 1 is no longer blocked." in after.changes


def test_the_caller_shows_how_long_it_has_waited_and_its_deadline():
    waiting = item("1", "waiting", waiting_since_ms=0, deadline_ms=30000)
    snapshot = {
        "t_ms": 1200,
        "places": [
            {"id": "caller", "kind": "caller", "label": "HTTP client", "meta": {}, "items": [waiting], "count": 1}
        ],
    }
    view = panel.build(fake_trace(snapshot)).views[0]
    assert chip(view, "caller", "1").detail == "waited 1.2 s of 30 s"
    assert view.noun == "Request"


def test_the_async_queue_shows_age_attempt_and_next_try():
    event = item("1", "retry-wait", attempt=2, age_ms=300, next_attempt_at_ms=60300)
    snapshot = {
        "t_ms": 300,
        "places": [
            {
                "id": "async-queue",
                "kind": "async-queue",
                "label": "Lambda event queue",
                "meta": {"maximum_retry_attempts": 2, "maximum_event_age_s": 21600},
                "items": [event],
                "count": 1,
            }
        ],
    }
    view = panel.build(fake_trace(snapshot)).views[0]
    assert chip(view, "async-queue", "1").detail == "waiting to retry · attempt 2 · age 0.3 s · next try in 1 min"
    assert place(view, "async-queue").meta == "up to 2 retries · events kept 6 h"


def test_unknown_kinds_render_generically_and_long_places_say_how_many_more():
    strange = {
        "id": "relay",
        "kind": "teleporter",
        "label": "Relay",
        "meta": {},
        "items": [item("7", "beaming", "being beamed up")],
        "count": 1,
    }
    full = {
        "id": "processed",
        "kind": "bin",
        "label": "Processed",
        "meta": {},
        "items": [item(str(i), "done", "Processed successfully", at_ms=100) for i in range(1, 51)],
        "count": 120,
    }
    view = panel.build(fake_trace({"t_ms": 100, "places": [strange, full]})).views[0]
    relay = place(view, "relay")
    assert (relay.kind, relay.label, relay.chips[0].detail) == ("other", "Relay", "being beamed up")
    bin_ = place(view, "processed")
    assert len(bin_.chips) == panel.PANEL_ITEMS and bin_.more == 120 - panel.PANEL_ITEMS and bin_.count == "120 records"


def test_many_changes_are_summed_up():
    records = [item(str(i), "visible", receive_count=0) for i in range(1, 101)]
    moved = [item(str(i), "in-flight", receive_count=1, visible_at_ms=30000) for i in range(1, 101)]

    def queue(items, t):
        return {
            "t_ms": t,
            "places": [
                {"id": "queue", "kind": "queue", "label": "SQS queue", "meta": {}, "items": items[:50], "count": 100}
            ],
        }

    view = panel.build(fake_trace(queue(records, 0), queue(moved, 0))).views[1]
    assert view.announcement == "Messages 1, 2, 3, 4, 5 and 45 more: receive count 1."


# --- the flow partial, server-rendered for ?step=N ----------------------------------------------------------------


def panel_text(html: str) -> str:
    aside = re.search(r'<aside class="flow-state".*?</aside>', html, re.S).group(0)
    return html_lib.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", aside)).strip())


def rows(html: str) -> tuple[list[str], list[str]]:
    """(records shown, records hidden) in the dispositions table."""
    shown, hidden = [], []
    for record, attrs in re.findall(r'<tr data-record="([^"]+)" data-reveal="\d+"([^>]*)>', html):
        (hidden if "hidden" in attrs else shown).append(record)
    return sorted(shown), sorted(hidden)


def test_step_n_renders_the_panel_and_only_the_final_dispositions_so_far(client):
    base = "/diagrams/sqs/?preset=poison&report_batch_item_failures=true&redrive_policy=true"
    first = client.get(f"{base}&step=1").content.decode()
    assert "What each resource holds at +0 s" in panel_text(first)
    assert "3 messages in SQS queue." in panel_text(first)
    assert rows(first) == ([], ["1", "2", "3"])
    assert re.search(r'<tr class="flow-dispositions-empty" data-empty>', first)  # the empty state shows
    assert "No record has reached its final place yet." in first
    assert 'aria-valuetext="Step 1 of' in first and '<datalist id="ticks-main">' in first

    last = int(re.search(r'max="(\d+)"', first).group(1))
    end = client.get(f"{base}&step={last}").content.decode()
    assert rows(end) == (["1", "2", "3"], [])
    assert '<tr class="flow-dispositions-empty" data-empty hidden>' in end
    assert "moved to the queue's DLQ" in panel_text(end)
    assert f'value="{last}"' in end and 'id="state-data-main"' in end

    middle = client.get(f"{base}&step=6").content.decode()  # +0.2 s: 1 and 3 deleted, 2 hidden
    assert rows(middle) == (["1", "3"], ["2"])
    assert "Message 2: in flight, hidden until +30 s, then visible again." in panel_text(middle)
    assert "visible in 29.8 s" in panel_text(middle)


def test_a_replay_without_its_trace_shows_every_disposition_and_no_panel():
    trace = engine.simulate("sqs", REDRIVE, 3, ["poison:2"], catalog=CATALOG)
    context = replay_context(layout.build(trace, "t"), "sqs", "replay")
    assert context["panel"] is None and all(row["shown"] for row in context["dispositions"])
    with_trace = replay_context(layout.build(trace, "t"), "sqs", "replay", trace=trace)
    assert with_trace["panel"].index == 0 and not any(row["shown"] for row in with_trace["dispositions"])


def test_every_source_and_scenario_gets_a_panel_and_the_shortcuts_change_nothing(monkeypatch):
    """Every place kind any flow emits renders; reusing an unchanged place's view gives the same views."""
    traces = [
        engine.scenario(slug, preset, {}, catalog=CATALOG)
        for slug in sorted(CATALOG.sources)
        for preset, _ in engine.presets_for(slug, CATALOG)
    ]
    fast = [panel.build(trace) for trace in traces]
    for trace, series in zip(traces, fast, strict=True):
        assert len(series.views) == len(trace.steps) and all(view.changes for view in series.views)
        assert set(series.reveal) == set(trace.dispositions)
        assert len(series.pack()["steps"]) == len(trace.steps)
    monkeypatch.setattr(
        panel._Memo, "place", lambda self, i, where, t, noun, changed: panel._place(where, t, noun, changed, {})
    )
    assert [panel.build(trace).views for trace in traces] == [series.views for series in fast]
