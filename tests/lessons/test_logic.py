"""Grid filters and the decision guide, tested as plain functions (no HTTP)."""

from __future__ import annotations

from learn.lessons import grid, guide


def test_parse_filters_keeps_valid_values():
    filters = grid.parse_filters({"model": "poll", "category": "streams"})
    assert (filters.model, filters.category, filters.notices) == ("poll", "streams", ())


def test_parse_filters_drops_unknown_values_with_notice():
    filters = grid.parse_filters({"model": "push", "category": "x" * 500})
    assert (filters.model, filters.category) == ("", "")
    assert len(filters.notices) == 2 and all(len(n) < 120 for n in filters.notices)


def test_filter_by_model_includes_multi_model_sources(real_catalog):
    sync = {s.slug for s in grid.filter_sources(real_catalog, grid.Filters(model="sync"))}
    assert {"api-gateway-rest", "step-functions", "sdk-invoke"} <= sync
    assert "sqs" not in sync


def test_guide_state_moves_to_next_question(real_catalog):
    state = guide.read_state(real_catalog, {"waits": "yes"})
    assert state.current.id == "shape" and state.step == 2 and not state.finished


def test_guide_recommends_http_front_doors_for_waiting_callers(real_catalog):
    answers = {"waits": "yes", "shape": "http", "order": "no", "consumers": "one", "replay": "no"}
    top = [r.source.slug for r in guide.recommend(real_catalog, answers)]
    assert top[0] == "api-gateway-http"
    assert "api-gateway-rest" in top


def test_guide_recommends_a_stream_for_ordered_replayable_data(real_catalog):
    answers = {"waits": "no", "shape": "stream", "order": "yes", "consumers": "many", "replay": "yes"}
    recs = guide.recommend(real_catalog, answers)
    assert recs[0].source.slug == "kinesis"
    assert len(recs[0].reasons) >= 4


def test_guide_recommends_eventbridge_for_fan_out(real_catalog):
    answers = {"waits": "no", "shape": "event", "order": "no", "consumers": "many", "replay": "no"}
    assert guide.recommend(real_catalog, answers)[0].source.slug == "eventbridge"
