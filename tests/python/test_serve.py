"""`herald serve` in a real browser: the open page reloads itself after a change and shows build
errors over the last good build."""
import re
import shutil
import subprocess
import time

from conftest import REPO, chrome, herald_binary


def wait_for(predicate, timeout=20.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_open_page_reloads_and_shows_errors(tmp_path):
    site = tmp_path / "site"
    shutil.copytree(REPO / "content", site / "content")
    server = subprocess.Popen([str(herald_binary()), "--site", str(site), "serve", "--port", "0", "--interval", "100", "--now", "2026-11-22T15:00:00Z"],
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    driver = chrome()
    try:
        port = None
        for line in server.stdout:
            match = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            if match:
                port = match.group(1)
                break
        assert port, "serve printed its address"
        driver.get(f"http://127.0.0.1:{port}/incidents/2026-11-22-webhooks-delayed/index.html")
        assert "Webhook deliveries delayed" in driver.page_source
        folder = site / "content" / "incidents" / "2026-11-22-webhooks-delayed"
        (folder / "20261122T145500Z-monitoring-zz01.md").write_text(
            "---\nstatus: monitoring\nat: 2026-11-22T14:55:00Z\n---\nCapacity added; LIVE-RELOAD-MARKER deliveries are catching up.\n")
        assert wait_for(lambda: "LIVE-RELOAD-MARKER" in driver.page_source), "the page reloaded by itself"
        (folder / "20261122T145800Z-x-zz02.md").write_text("---\nstatus: fixd\nat: 2026-11-22T14:58:00Z\n---\nx\n")
        assert wait_for(lambda: "unknown status 'fixd'" in driver.page_source), "the build error is shown in the page"
        assert "LIVE-RELOAD-MARKER" in driver.page_source, "over the last good build"
        (folder / "20261122T145800Z-x-zz02.md").unlink()
        assert wait_for(lambda: "unknown status 'fixd'" not in driver.page_source), "fixing it clears the error"
        assert not (site / "public").exists(), "serve never writes public/"
    finally:
        driver.quit()
        server.terminate()
        server.wait(timeout=10)
