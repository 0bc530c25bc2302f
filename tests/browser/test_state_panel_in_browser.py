"""The state panel, the scrubber and the dispositions revealed step by step, in Chromium.

The JS-rendered panel (static/diagrams/state.js) must say exactly what the server renders for ?step=N
(templates/diagrams/_state.html), so a learner with or without JavaScript reads the same state.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The SQS model page's second diagram: a poison message, partial batch responses and a redrive policy.
SQS_QUERY = "preset=poison&report_batch_item_failures=true&redrive_policy=true"
MODEL_FLOWS = {"poll": 1, "async": 1, "sync": 1}  # which diagram (0-based) of each model page to look at


# Text sizes in the panel and scrubber, and colour pairs: (what, foreground, background, ratio needed).
LEGIBILITY = """root => {
  const style = el => getComputedStyle(el);
  const bg = el => { for (; el; el = el.parentElement) { const c = style(el).backgroundColor;
    if (c && c !== 'rgba(0, 0, 0, 0)' && c !== 'transparent') return c; } return 'rgb(255, 255, 255)'; };
  const texts = [...root.querySelectorAll('.flow-state *, .flow-scrub *')].filter(el =>
    el.getClientRects().length && [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim())
    && !el.closest('.visually-hidden'));
  const pairs = [];
  texts.forEach(el => pairs.push([el.className || el.tagName, style(el).color, bg(el), 4.5]));
  root.querySelectorAll('.state-chip').forEach(chip => {
    const s = style(chip);
    pairs.push(['chip border ' + chip.className, s.borderTopColor, bg(chip.parentElement), 3]);
    if (chip.classList.contains('is-changed'))
      pairs.push(['changed outline', s.outlineColor, bg(chip.parentElement), 3]);
  });
  const smallest = Math.min(...texts.map(el => parseFloat(style(el).fontSize)));
  return {smallest, pairs};
}"""


def contrast(fg: str, bg: str) -> float:
    """WCAG contrast ratio of two computed CSS colours; a translucent foreground is laid over the background."""

    def parse(css: str) -> list[float]:
        values = [float(v) for v in re.findall(r"[\d.]+", css)]
        return values + [1.0] * (4 - len(values))

    front, back = parse(fg), parse(bg)
    mixed = [front[3] * f + (1 - front[3]) * b for f, b in zip(front[:3], back[:3], strict=True)]

    def luminance(rgb: list[float]) -> float:
        linear = [c / 255 / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    high, low = sorted((luminance(mixed), luminance(back[:3])), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text(locator) -> str:
    return re.sub(r"\s+", " ", locator.evaluate("node => node.textContent")).strip()


def total_steps(flow) -> int:
    return int(flow.locator("[data-scrub]").get_attribute("max"))


def scrub_to(page, flow, number: int) -> None:
    """Move the scrubber with the keyboard: Home, then ArrowRight."""
    scrubber = flow.locator("[data-scrub]")
    scrubber.focus()
    page.keyboard.press("Home")
    for _ in range(number - 1):
        page.keyboard.press("ArrowRight")
    expect(flow.locator(".flow-caption")).to_contain_text(f"Step {number} of")


def _middle_step() -> int:
    """The first step (1-based) where message 2 has been received twice: it came back after failing."""
    from learn import engine
    from learn.diagrams import panel

    trace = engine.scenario("sqs", "poison", {"report_batch_item_failures": True, "redrive_policy": True})
    views = panel.build(trace).views
    return next(
        v.index + 1 for v in views for p in v.places for c in p.chips if c.record == "2" and "received 2×" in c.detail
    )


def test_panel_follows_the_player_and_matches_the_server(page, browser, live_server):
    page.goto(f"/diagrams/sqs/?{SQS_QUERY}")
    flow = page.locator("[data-flow]")
    panel = flow.locator("[data-state]")
    total = total_steps(flow)
    expect(panel).to_contain_text("3 messages")
    expect(flow.locator("tr[data-empty]")).to_be_visible()  # nothing has reached its final place at step 1
    expect(flow.locator("tr[data-reveal]:visible")).to_have_count(0)

    middle = _middle_step()
    seen = {}
    for number in range(2, total + 1):
        flow.locator("[data-go=next]").click()
        expect(flow.locator(".flow-caption")).to_contain_text(f"Step {number} of {total}")
        if number in (2, middle, total):
            seen[number] = (text(panel), text(flow.locator(".flow-dispositions tbody")))
    assert "received 1×" in seen[2][0] and "visible in 30 s" in seen[2][0]  # the first receive hides them
    assert "Message 2" in seen[middle][0] and "received 2×" in seen[middle][0]  # the poison message is back
    assert "moved to the queue's DLQ" in seen[total][0]
    expect(flow.locator("tr[data-empty]")).to_be_hidden()
    expect(flow.locator("tr[data-reveal]:visible")).to_have_count(3)

    nojs = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        server = nojs.new_page()
        for number in (2, middle, total):
            server.goto(f"/diagrams/sqs/?{SQS_QUERY}&step={number}")
            server_flow = server.locator("[data-flow]")
            assert text(server_flow.locator("[data-state]")) == seen[number][0], number
            assert text(server_flow.locator(".flow-dispositions tbody")) == seen[number][1], number
            assert server_flow.locator("[data-scrub]").get_attribute("value") == str(number)
        server.goto(f"/diagrams/sqs/?{SQS_QUERY}&step=2")
        expect(server.locator("tr[data-empty]")).to_be_visible()
        expect(server.locator("[data-nojs]")).to_be_visible()  # no JavaScript: the scrubber submits a form
    finally:
        nojs.close()


def test_scrubber_moves_with_the_keyboard(page):
    page.goto(f"/diagrams/sqs/?{SQS_QUERY}")
    flow = page.locator("[data-flow]")
    total = total_steps(flow)
    expect(flow.locator("[data-nojs]")).to_be_hidden()
    scrubber = flow.locator("[data-scrub]")
    scrubber.focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect(flow.locator(".flow-caption")).to_contain_text(f"Step 3 of {total}")
    expect(scrubber).to_have_attribute("aria-valuetext", re.compile(rf"^Step 3 of {total}, \+"))
    expect(flow.locator(".flow-transcript li.is-current")).to_have_attribute("data-index", "2")
    page.keyboard.press("End")
    expect(flow.locator(".flow-caption")).to_contain_text(f"Step {total} of {total}")
    clock = flow.locator("[data-clock]").inner_text()
    assert clock.startswith("+") and clock != "+0 s"
    expect(flow.locator("[data-state-clock]")).to_have_text(f"at {clock}")
    page.keyboard.press("Home")
    expect(flow.locator(".flow-caption")).to_contain_text(f"Step 1 of {total}")
    expect(flow.locator("[data-clock]")).to_have_text("+0 s")
    flow.locator("[data-go=last]").click()  # the buttons move the scrubber too
    expect(scrubber).to_have_value(str(total))


def test_reduced_motion_still_shows_what_changed(page):
    page.emulate_media(reduced_motion="reduce")
    page.goto(f"/diagrams/sqs/?{SQS_QUERY}")
    flow = page.locator("[data-flow]")
    flow.locator("[data-go=next]").click()
    expect(flow.locator("[data-state-said]")).to_contain_text("receive count 1")
    expect(flow.locator(".state-chip.is-changed")).to_have_count(3)
    assert page.evaluate("document.getAnimations().length") == 0


def legible(page, where: str) -> None:
    """Panel and scrubber text at least 12 px, text at 4.5:1 and chip borders and outlines at 3:1."""
    for root in page.locator("[data-flow]").all():
        found = root.evaluate(LEGIBILITY)
        assert found["smallest"] >= 12, (where, found["smallest"])
        for what, fg, bg, needed in found["pairs"]:
            assert contrast(fg, bg) >= needed, (where, what, fg, bg, round(contrast(fg, bg), 2))


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_model_pages_at_a_middle_step(browser, live_server, device, dark):
    """Screenshots of the SQS, async and sync model pages at a middle step (tests/artifacts/state-*.png); the SQS
    model page passes axe there; everything is legible; the panel sits beside the diagram on its own page."""
    size = {"width": 1280, "height": 900} if device == "desktop" else {"width": 390, "height": 844}
    context = browser.new_context(
        base_url=live_server.url,
        viewport=size,
        color_scheme="dark" if dark else "light",
        is_mobile=device == "phone",
        has_touch=device == "phone",
        bypass_csp=True,  # axe-core is injected as a script tag
    )
    page = context.new_page()
    try:
        for model, nth in MODEL_FLOWS.items():
            page.goto(f"/models/{model}/")
            flow = page.locator("[data-flow]").nth(nth)
            scrub_to(page, flow, max(2, (total_steps(flow) + 1) // 2))
            expect(flow.locator(".state-chip").first).to_be_visible()
            stage, state = flow.evaluate(  # both boxes at one moment (the page may still be scrolling)
                "f => [f.querySelector('.flow-stage'), f.querySelector('[data-state]')].map(e => {"
                "const r = e.getBoundingClientRect(); return {x: r.x, y: r.y, width: r.width, height: r.height}; })"
            )
            if device == "desktop":  # beside the diagram (its tall layout, in the left half)
                assert state["x"] >= stage["x"] + stage["width"] - 1 and state["y"] < stage["y"] + stage["height"]
            else:  # below it on a phone
                assert state["y"] >= stage["y"] + stage["height"] - 1, model
            screenshot(flow, f"state-{model}-{device}-{'dark' if dark else 'light'}")
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= size["width"], f"{model} {device}: the page scrolls sideways ({width}px)"
            if model == "poll":  # a Kinesis tape in the third diagram, an SQS queue and bins in the second
                legible(page, model)
                if device == "desktop":
                    assert axe_violations(page) == []
        if device == "desktop":  # the diagram's own page is wide enough for the panel beside the diagram
            page.goto(f"/diagrams/sqs/?{SQS_QUERY}&step=13")
            flow = page.locator("[data-flow]")
            stage, state = flow.locator(".flow-stage").bounding_box(), flow.locator("[data-state]").bounding_box()
            assert state["x"] >= stage["x"] + stage["width"] and state["y"] < stage["y"] + stage["height"]
            legible(page, "diagram page")
            screenshot(flow, f"state-diagram-page-desktop-{'dark' if dark else 'light'}")
    finally:
        context.close()


def test_every_kind_of_place_renders_the_same_with_and_without_javascript(page, browser, live_server):
    """Tapes (Kinesis), the async event queue (S3) and the waiting caller (API Gateway), at a middle step."""
    nojs = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        server = nojs.new_page()
        for model, nth in (("poll", 2), ("async", 1), ("sync", 1)):
            page.goto(f"/models/{model}/")
            flow = page.locator("[data-flow]").nth(nth)
            number = max(2, total_steps(flow) // 2)
            scrub_to(page, flow, number)
            own_page = flow.get_by_role("link", name="Open on its own page").get_attribute("href")
            server.goto(f"{own_page}&step={number}")
            server_flow = server.locator("[data-flow]")
            assert text(server_flow.locator("[data-state]")) == text(flow.locator("[data-state]")), model
            assert text(server_flow.locator(".flow-dispositions tbody")) == text(
                flow.locator(".flow-dispositions tbody")
            ), model
            assert server_flow.locator("[data-clock]").inner_text() == flow.locator("[data-clock]").inner_text()
    finally:
        nojs.close()
