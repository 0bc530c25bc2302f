"""The diagram stage is legible everywhere: text never under 12 px (a vertical layout on narrow stages), arrows,
borders and arrowheads at ≥ 3:1 and text at ≥ 4.5:1 in light and dark mode, the what-if bar leaves the diagram in
the first screen, and the model pages look right (screenshots under tests/artifacts/)."""

from __future__ import annotations

import contextlib
import re

import pytest
from playwright.sync_api import expect

from .conftest import axe_violations, screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
DIAGRAMS = [
    "/diagrams/sqs/",
    "/diagrams/s3/?preset=function-error",
    "/diagrams/api-gateway-http/?preset=function-error",
]
MODELS = ["/models/sync/", "/models/async/", "/models/poll/"]

# The rendered size of every non-empty text in the shown layout: computed font size × the SVG's scale.
TEXT_SIZES = """root => [...root.querySelectorAll('.flow-svg')].filter(svg => svg.getClientRects().length).flatMap(svg => {
  const scale = svg.getScreenCTM().a;
  return [...svg.querySelectorAll('text')].filter(t => t.textContent.trim()).map(t => ({
    text: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale, layout: svg.dataset.layout}));
})"""

# Colour pairs to check: (what, foreground, background) as computed CSS colours.
COLOURS = """root => {
  const svg = [...root.querySelectorAll('.flow-svg')].find(s => s.getClientRects().length);
  const css = (sel, prop) => { const el = svg.querySelector(sel); return el ? getComputedStyle(el)[prop] : null; };
  const stage = getComputedStyle(root.querySelector('.flow-stage')).backgroundColor;
  const box = css('.flow-actor rect', 'fill');
  return {
    nontext: [
      ['idle arrow', css('.flow-arrow:not(.is-current) .flow-line', 'stroke'), stage],
      ['idle arrowhead', css('.flow-arrow:not(.is-current) .flow-head', 'fill'), stage],
      ['current arrow', css('.flow-arrow.is-current .flow-line', 'stroke'), stage],
      ['box border', css('.flow-actor:not(.is-active) rect', 'stroke'), stage],
      ['active box border', css('.flow-actor.is-active rect', 'stroke'), stage],
      ['icon', css('.flow-actor:not(.is-active) .flow-icon', 'color'), box],
    ],
    text: [
      ['idle arrow label', css('.flow-label:not(.is-current) text', 'fill'), css('.flow-label:not(.is-current) rect', 'fill')],
      ['idle arrow label on the stage', css('.flow-label:not(.is-current) text', 'fill'), stage],
      ['current arrow label', css('.flow-label.is-current text', 'fill'), css('.flow-label.is-current rect', 'fill')],
      ['actor name', css('.flow-name', 'fill'), box],
      ['status line', css('.flow-actor.is-active .flow-status', 'fill'), css('.flow-actor.is-active rect', 'fill')],
    ],
  };
}"""


def _rgb(css: str) -> tuple[float, float, float, float]:
    parts = [float(p) for p in re.findall(r"[\d.]+", css)]
    return (parts[0], parts[1], parts[2], parts[3] if len(parts) > 3 else 1.0)


def contrast(fg: str, bg: str) -> float:
    """WCAG 2 contrast ratio of two computed CSS colours (a translucent foreground is composited first)."""
    (fr, fg_, fb, fa), (br, bg_, bb, _) = _rgb(fg), _rgb(bg)
    fr, fg_, fb = (fa * f + (1 - fa) * b for f, b in ((fr, br), (fg_, bg_), (fb, bb)))

    def luminance(r, g, b):
        def channel(c):
            c /= 255
            return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)

    high, low = sorted((luminance(fr, fg_, fb), luminance(br, bg_, bb)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.fixture
def open_page(browser, live_server):
    contexts = []

    def open_(device: dict, dark: bool = False):
        context = browser.new_context(
            base_url=live_server.url, color_scheme="dark" if dark else "light", bypass_csp=True, **device
        )
        contexts.append(context)
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.errors = errors
        return page

    yield open_
    for context in contexts:
        with contextlib.suppress(Exception):  # already closed by the test
            context.close()


def step_to(flow, number: int):
    """Click Next until the caption says step `number`."""
    for _ in range(number - 1):
        flow.locator("[data-go=next]").click()
    expect(flow.locator(".flow-caption")).to_contain_text(f"Step {number} of")


def test_no_diagram_text_under_12px_on_a_phone(open_page):
    page = open_page(PHONE)
    for url in DIAGRAMS:  # SQS, S3 and API Gateway HTTP
        page.goto(url)
        flow = page.locator("[data-flow]").first
        expect(flow.locator(".flow-svg-tall")).to_be_visible()  # the vertical layout, not the wide one scaled down
        expect(flow.locator(".flow-svg-wide")).to_be_hidden()
        step_to(flow, 3)
        sizes = flow.evaluate(TEXT_SIZES)
        assert sizes and {s["layout"] for s in sizes} == {"tall"}
        smallest = min(sizes, key=lambda s: s["px"])
        assert smallest["px"] >= 12, (url, smallest)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing sticks out sideways
    assert page.errors == []


def test_no_diagram_text_under_12px_on_a_desktop_or_a_narrow_window(open_page):
    page = open_page(DESKTOP)
    for width in (1280, 700):  # 700 px: the stage is just wide enough for the wide layout, at its smallest scale
        page.set_viewport_size({"width": width, "height": 800})
        for url in DIAGRAMS:
            page.goto(url)
            sizes = page.locator("[data-flow]").first.evaluate(TEXT_SIZES)
            assert sizes, url
            smallest = min(sizes, key=lambda s: s["px"])
            assert smallest["px"] >= 12, (width, url, smallest)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_arrows_borders_and_labels_have_enough_contrast(open_page, dark, device):
    page = open_page(device, dark)
    page.goto("/diagrams/s3/?preset=function-error&step=4")  # an error arrow is current, the others are idle
    expect(page.locator("html")).to_have_attribute("data-bs-theme", "dark" if dark else "light")
    flow = page.locator("[data-flow]").first
    colours = flow.evaluate(COLOURS)
    for what, fg, bg in colours["nontext"]:
        assert fg and bg, what
        assert contrast(fg, bg) >= 3, (what, fg, bg, round(contrast(fg, bg), 2))
    for what, fg, bg in colours["text"]:
        assert fg and bg, what
        assert contrast(fg, bg) >= 4.5, (what, fg, bg, round(contrast(fg, bg), 2))
    if device is PHONE:
        return
    # every tone the current arrow can take keeps its label readable
    for url in ("/diagrams/sqs/?preset=poison&redrive_policy=true&step=", "/diagrams/sqs/?preset=success&step="):
        for step in range(2, 6):
            page.goto(f"{url}{step}")
            label = page.locator("[data-flow] .flow-svg:visible .flow-label.is-current")
            if label.count():
                fg, bg = label.evaluate(
                    "g => [getComputedStyle(g.querySelector('text')).fill, getComputedStyle(g.querySelector('rect')).fill]"
                )
                assert contrast(fg, bg) >= 4.5, (url, step, fg, bg)


def test_the_current_arrow_is_labelled_and_labels_follow_the_steps(open_page):
    page = open_page(DESKTOP)
    page.goto("/diagrams/sqs/?preset=success")
    flow = page.locator("[data-flow]").first
    wide = flow.locator(".flow-svg-wide")
    label = wide.locator('.flow-label[data-arrow="poller--queue"] text')
    expect(label).to_have_text("ReceiveMessage")
    step_to(flow, 2)
    expect(wide.locator('.flow-label.is-current[data-arrow="poller--queue"]')).to_have_count(1)
    flow.locator("[data-go=last]").click()  # the poller deletes the batch: the same arrow now says so
    expect(label).to_have_text("DeleteMessageBatch")
    expect(wide.locator('.flow-label.is-current[data-arrow="poller--queue"]')).to_have_count(1)
    pill = wide.locator('.flow-label[data-arrow="poller--queue"]')
    text_w, rect_w = pill.evaluate(
        "g => [g.querySelector('text').getComputedTextLength(), Number(g.querySelector('rect').getAttribute('width'))]"
    )
    assert rect_w >= text_w + 8  # the pill was resized to the longer label
    flow.locator("[data-go=first]").click()
    expect(label).to_have_text("ReceiveMessage")
    # a step at one actor shows on that actor's status line
    expect(wide.locator('.flow-actor[data-actor="queue"] .flow-status')).to_have_text("3 messages waiting")
    # and the server renders the same for ?step=N without JavaScript
    html = page.request.get("/diagrams/sqs/?preset=success&step=9").text()
    assert ">DeleteMessageBatch</text>" in html


def test_labels_and_names_stay_inside_their_boxes_and_pills(open_page):
    page = open_page(DESKTOP)
    for url in [*DIAGRAMS, "/diagrams/mq/?preset=function-error", "/diagrams/s3-batch/"]:
        page.goto(url)
        for width in (1280, 390):
            page.set_viewport_size({"width": width, "height": 800})
            overflow = page.locator("[data-flow]").first.evaluate(
                """root => {
                  const svg = [...root.querySelectorAll('.flow-svg')].find(s => s.getClientRects().length);
                  const bad = [];
                  svg.querySelectorAll('.flow-actor').forEach(g => {
                    const r = g.querySelector('rect').getBBox();
                    g.querySelectorAll('text').forEach(t => {
                      if (!t.textContent.trim()) return;
                      const b = t.getBBox();
                      if (b.x < r.x + 2 || b.x + b.width > r.x + r.width - 2 || b.y < r.y || b.y + b.height > r.y + r.height)
                        bad.push(g.dataset.actor + ': ' + t.textContent.trim());
                    });
                  });
                  svg.querySelectorAll('.flow-label').forEach(g => {
                    const r = g.querySelector('rect').getBBox(), b = g.querySelector('text').getBBox();
                    if (b.x < r.x || b.x + b.width > r.x + r.width) bad.push('label ' + g.dataset.arrow);
                    if (r.x < 0 || r.x + r.width > svg.viewBox.baseVal.width) bad.push('label off the stage ' + g.dataset.arrow);
                  });
                  return bad;
                }"""
            )
            assert overflow == [], (url, width)


@pytest.mark.parametrize("device", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_diagram_starts_in_the_first_screen(open_page, device):
    page = open_page(device)
    height = device["viewport"]["height"]
    page.goto("/diagrams/kinesis/")
    stage = page.locator("[data-flow] .flow-stage").first
    assert stage.bounding_box()["y"] < height * 0.75
    # (the model pages' diagrams are checked in test_model_pages_are_accessible_and_look_right)
    # opening the settings gives every select its full text
    page.goto("/models/poll/")
    flow = page.locator("[data-flow]").nth(1)
    flow.locator(".whatif-settings summary").click()
    clipped = flow.evaluate(
        """root => [...root.querySelectorAll('.whatif select')].filter(s => {
             const c = document.createElement('canvas').getContext('2d');
             c.font = getComputedStyle(s).font;
             const text = s.options[s.selectedIndex].text;
             const room = s.clientWidth - parseFloat(getComputedStyle(s).paddingLeft) - parseFloat(getComputedStyle(s).paddingRight);
             return c.measureText(text).width > room + 1;
           }).map(s => s.name)"""
    )
    assert clipped == []


@pytest.mark.parametrize("url", MODELS)
def test_model_pages_are_accessible_and_look_right(open_page, url):
    """axe on the desktop page (and the poll page on a phone); one screenshot per page, device and theme of the second diagram at step 4, and of
    the first and third in light mode (tests/artifacts/diagram-<model>-<n>-<device>-<theme>.png)."""
    name = url.strip("/").split("/")[-1]
    for device, tag in ((DESKTOP, "desktop"), (PHONE, "phone")):
        for dark in (False, True):
            page = open_page(device, dark)
            page.goto(url)
            flows = page.locator("[data-flow]")
            expect(flows.first).to_be_visible()
            if not dark and (tag == "desktop" or name == "poll"):  # the phone's tall layout once
                assert axe_violations(page) == [], (url, tag)
            if not dark:  # each diagram starts in the first screen: the what-if bar is compact, settings collapsed
                for flow in flows.all():
                    flow.evaluate("el => el.scrollIntoView({block: 'start', behavior: 'instant'})")
                    top = flow.locator(".flow-stage").bounding_box()["y"]
                    assert top < device["viewport"]["height"] * 0.5, (url, tag, top)
                    expect(flow.locator(".whatif-settings")).not_to_have_attribute("open", "")
            step_to(flows.nth(1), 4)
            theme = "dark" if dark else "light"
            screenshot(flows.nth(1), f"diagram-{name}-2-{tag}-{theme}")
            if not dark:
                flows.nth(2).locator("[data-go=last]").click()
                screenshot(flows.first.locator(".flow-stage"), f"diagram-{name}-1-{tag}-{theme}")
                screenshot(flows.nth(2).locator(".flow-stage"), f"diagram-{name}-3-{tag}-{theme}")
            assert page.errors == []
            page.context.close()


def test_reduced_motion_still_shows_every_state_change(open_page):
    page = open_page(PHONE)
    page.emulate_media(reduced_motion="reduce")
    page.goto("/sources/sqs/#flow")
    flow = page.locator("#flow-lesson")
    tall = flow.locator(".flow-svg-tall")
    expect(tall).to_be_visible()
    flow.locator(".flow-stage").focus()
    for number in range(2, 5):
        page.keyboard.press("ArrowRight")
        expect(flow.locator(".flow-caption")).to_contain_text(f"Step {number} of")
        current = tall.locator(".flow-arrow.is-current, .flow-actor[class*=tone-]")
        expect(current.first).to_be_visible()  # the current arrow (or the actor acting alone) is marked
    assert page.evaluate("document.getAnimations().length") == 0
    token = tall.locator(".flow-token")
    assert token.evaluate("t => getComputedStyle(t).transform") != "none"  # it jumped to the arrow's end
    flow.scroll_into_view_if_needed()
    screenshot(flow, "diagram-lesson-sqs-phone-reduced-motion")
    assert page.errors == []
