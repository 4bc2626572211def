"""The site as readers meet it: valid HTML, accessible in light and dark, small, no broken links,
working from a sub-path and from file://. Screenshots land in .build/screenshots/ for review."""
import pathlib
import subprocess
import sys

import pytest

from conftest import REPO, chrome, run_axe, serve, vnu

SCREENSHOTS = REPO / ".build" / "screenshots"


def pages(public):
    return sorted(p for p in public.rglob("*.html"))


@pytest.mark.parametrize("site", ["example_public", "outputs_public"])
def test_every_page_passes_the_nu_html_checker(site, request):
    public = request.getfixturevalue(site)
    messages = vnu(pages(public))
    errors = [m for m in messages if m.get("type") == "error" or m.get("subType") == "fatal"]
    assert not errors, "\n".join(f"{m.get('url')}:{m.get('lastLine')}: {m.get('message')}" for m in errors)


def test_css_is_valid(example_public):
    messages = vnu([example_public / "assets" / "style.css"], css=True)
    errors = [m for m in messages if m.get("type") == "error"]
    assert not errors, errors


def test_status_page_is_small_and_self_contained(example_public):
    index = (example_public / "index.html").read_bytes()
    css = (example_public / "assets" / "style.css").read_bytes()
    assert len(index) + len(css) < 30_000, len(index) + len(css)
    for page in pages(example_public):
        html = page.read_text()
        assert "<script" not in html, page
        assert "http://" not in html.replace("http://www.w3.org", ""), page
        for attribute in ('src="http', "url(http", '@import'):
            assert attribute not in html, (page, attribute)


@pytest.fixture(scope="module")
def browsers():
    light = chrome()
    dark = chrome(dark=True)
    yield light, dark
    light.quit()
    dark.quit()


AXE_PAGES = ["index.html", "incidents/2026-11-17-search-unavailable/index.html", "maintenance/2026-11-29-cdn-certificate-rotation/index.html",
             "history/index.html", "history/2026/11/index.html", "postmortems/index.html",
             "postmortems/2026-11-17-search-unavailable/index.html", "404.html"]


@pytest.mark.parametrize("page", AXE_PAGES)
def test_axe_finds_no_serious_violation_in_light_or_dark(example_public, browsers, page):
    with serve(example_public) as base:
        for driver in browsers:
            driver.get(base + page)
            bad = [v for v in run_axe(driver) if v["impact"] in ("serious", "critical")]
            assert not bad, [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in bad]


def test_axe_can_fail(browsers, tmp_path):
    """axe really runs: a low-contrast, unlabelled page is reported."""
    page = tmp_path / "bad.html"
    page.write_text('<!DOCTYPE html><html><head><title>x</title></head><body><p style="color:#ccc;background:#fff">faint</p><img src="x.png"></body></html>')
    light, _ = browsers
    light.get(page.as_uri())
    ids = {v["id"] for v in run_axe(light)}
    assert {"color-contrast", "image-alt"} <= ids, ids


def test_dark_mode_follows_the_reader(example_public, browsers):
    light, dark = browsers
    with serve(example_public) as base:
        colours = []
        for driver in browsers:
            driver.get(base + "index.html")
            colours.append(driver.execute_script("return getComputedStyle(document.body).backgroundColor"))
    assert colours[0] != colours[1], colours


def test_status_is_not_told_by_colour_alone(example_public):
    html = (example_public / "index.html").read_text()
    assert "Webhook deliveries delayed" in html
    assert "Partial outage" in html and "Operational" in html  # words, not only colours
    assert 'class="icon" aria-hidden="true"' in html


def test_works_from_a_sub_path_and_from_file_urls(example_public, browsers):
    light, _ = browsers
    with serve(example_public, prefix="/status") as base:
        light.get(base + "index.html")
        light.find_element("link text", "History").click()
        assert light.current_url == base + "history/index.html"
        assert light.find_element("css selector", "h1").text == "Incident history"
        light.find_element("partial link text", "Search unavailable").click()
        assert "/status/incidents/2026-11-17-search-unavailable/index.html" in light.current_url
        style = light.execute_script("return getComputedStyle(document.querySelector('header.site')).borderBottomStyle")
        assert style == "solid", "the stylesheet loaded"
    light.get((example_public / "index.html").as_uri())
    light.find_element("link text", "Postmortems").click()
    assert light.current_url.endswith("postmortems/index.html")
    assert light.find_element("css selector", "h1").text == "Postmortems"


def test_no_broken_internal_link(example_public):
    with serve(example_public, prefix="/status") as base:
        result = subprocess.run(
            [sys.executable, "-m", "linkcheck", "--no-status", "--no-warnings", "--check-extern", "--ignore-url", "^https?://(?!127\\.0\\.0\\.1)",
             "--ignore-url", "^mailto:", base + "index.html"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_linkchecker_finds_a_broken_link(example_public, tmp_path):
    """The link check can fail: a page with a dead link makes it say so."""
    import shutil
    broken = tmp_path / "broken"
    shutil.copytree(example_public, broken)
    index = broken / "index.html"
    index.write_text(index.read_text().replace("history/index.html", "history/missing.html", 1))
    with serve(broken) as base:
        result = subprocess.run([sys.executable, "-m", "linkcheck", "--no-status", "--ignore-url", "^https?://(?!127\\.0\\.0\\.1)", "--ignore-url", "^mailto:", base + "index.html"],
                                capture_output=True, text=True)
    assert result.returncode != 0
    assert "missing.html" in result.stdout


@pytest.mark.parametrize("name,width,height,dark", [("desktop", 1280, 1400, False), ("mobile", 360, 1400, False), ("dark", 1280, 1400, True), ("narrow", 320, 900, False)])
def test_screenshots(example_public, name, width, height, dark):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    driver = chrome(width, height, dark=dark)
    try:
        with serve(example_public) as base:
            driver.get(base + "index.html")
            overflow = driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"horizontal scrolling at {width}px"
            path = SCREENSHOTS / f"status-{name}.png"
            assert driver.save_screenshot(str(path))
            assert path.stat().st_size > 10_000
    finally:
        driver.quit()


def test_markdown_tables_scroll_sideways_on_a_phone(example_public):
    """The example postmortem's GFM table (covered by the validator and axe above) scrolls inside
    its own box on a 360 px phone; the page itself does not get wider. Task items are disabled
    checkboxes whose label is the item's text."""
    page = "postmortems/2026-11-17-search-unavailable/index.html"
    html = (example_public / page).read_text()
    assert '<div class="table-wrap" role="region" aria-label="Table" tabindex="0">' in html
    assert '<th scope="col" style="text-align: right">Share affected</th>' in html
    driver = chrome(360, 900)
    try:
        with serve(example_public) as base:
            driver.get(base + page)
            wrap = driver.find_element("css selector", ".table-wrap")
            # Make the table wider than a phone, as a real timeline table with long cells is.
            driver.execute_script("arguments[0].querySelector('td').textContent = 'x'.repeat(30) + ' ' + 'y'.repeat(60)", wrap)
            sizes = driver.execute_script(
                "const w = arguments[0]; return [w.scrollWidth, w.clientWidth, getComputedStyle(w).overflowX,"
                " document.documentElement.scrollWidth, document.documentElement.clientWidth]", wrap)
            assert sizes[0] > sizes[1], sizes
            assert sizes[2] == "auto", sizes
            assert sizes[3] <= sizes[4], sizes
            boxes = driver.find_elements("css selector", "label.task input[type=checkbox]")
            assert len(boxes) == 2
            assert all(not box.is_enabled() for box in boxes)
            labels = [driver.execute_script("return arguments[0].labels[0].textContent.trim()", box) for box in boxes]
            assert labels == ["Roll back rollout 4521", "Add the canary stage (see the action items below)"], labels
    finally:
        driver.quit()
