"""Drives a page in a headless browser and reports what happened, for the
explorer tests (tests/cli/explorer.rs): Chromium through chromedriver
(WebDriver, with selenium), or Firefox through its own Marionette protocol
(with Mozilla's marionette_driver; geckodriver, Firefox's WebDriver server,
is not packaged by Debian).

    python drive.py PLAN.json

PLAN holds `page` (a file path), optional `browser` ("chromium", the
default, or "firefox"), `fragment`, `width`, `height`, and `steps`, each
one of:

    {"do": "js", "name": N, "script": S}      run S (a function body); its return value is result N
    {"do": "wait", "script": S}                run S until it returns something true (10 s at most)
    {"do": "click", "css": C}                  click the first element matching C
    {"do": "type", "css": C, "text": T, "enter": bool}   clear the field C, type T, maybe press Enter
    {"do": "keys", "css": C, "keys": [K...]}   send named keys (ENTER, TAB, ESCAPE, ARROW_DOWN...) to C
    {"do": "press", "keys": [K...], "name": N, "script": S}   send each key in turn to whatever
                                               has the focus; result N lists what S returns after each
    {"do": "screenshot", "path": P}            save a PNG of the window
    {"do": "download", "css": C, "file": F, "path": P}   click C, wait for the browser to save
                                               F in its download folder, move it to P

It prints one JSON object: `results` (by name), `console` (every browser log
entry of level WARNING or SEVERE; for Firefox, the JavaScript errors and
warnings it logs for the page), `requests` (every URL the page asked the
network for; the page itself, `blob:` and `data:` URLs left out), `alerts` (the text of any dialog
that opened; each is dismissed) and `error` (a step that failed, or null).
"""

import json
import os
import shutil
import sys
import tempfile
import time


class Chromium:
    """Headless Chromium through chromedriver."""

    def __init__(self, plan, downloads):
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service

        self.profile = tempfile.mkdtemp(prefix="seccoop-chromium-")
        options = webdriver.ChromeOptions()
        options.binary_location = shutil.which("chromium") or "chromium"
        for arg in [
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--user-data-dir=" + self.profile,
            "--window-size=%d,%d" % (plan.get("width", 1600), plan.get("height", 1000)),
        ]:
            options.add_argument(arg)
        options.add_experimental_option(
            "prefs",
            {"download.default_directory": downloads, "download.prompt_for_download": False},
        )
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
        service = Service(executable_path=shutil.which("chromedriver") or "chromedriver")
        self.driver = webdriver.Chrome(options=options, service=service)
        # Headless Chromium saves downloads only when told where.
        self.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": downloads}
        )
        # What the browser loaded before the page (its own start-up pages)
        # is drained here and not counted.
        self.driver.get_log("performance")
        self.driver.get_log("browser")

    def navigate(self, url):
        self.driver.get(url)

    def script(self, body):
        return self.driver.execute_script(body)

    def find(self, css):
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def key(self, name):
        from selenium.webdriver.common.keys import Keys

        return getattr(Keys, name)

    def active(self):
        return self.driver.switch_to.active_element

    def screenshot(self, path):
        self.driver.save_screenshot(path)

    def take_alert(self):
        from selenium.common.exceptions import NoAlertPresentException

        try:
            alert = self.driver.switch_to.alert
        except NoAlertPresentException:
            return None
        text = alert.text
        alert.dismiss()
        return text

    def logs(self, url):
        console = [
            {"level": e["level"], "message": e["message"]}
            for e in self.driver.get_log("browser")
            if e["level"] in ("WARNING", "SEVERE")
        ]
        requests = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                params = message["params"]
                asked = params["request"]["url"]
                # Requests the page made (not the browser's own start-up pages).
                mine = params.get("documentURL", "").split("#")[0] == url.split("#")[0]
                if mine and asked.split("#")[0] != url.split("#")[0] and not local(asked):
                    requests.append(asked)
        return console, requests

    def quit(self):
        self.driver.quit()
        shutil.rmtree(self.profile, ignore_errors=True)


class Firefox:
    """Headless Firefox (Debian's firefox-esr) through Marionette.

    Marionette gives no console log; Firefox writes the page's JavaScript
    errors and warnings, and its console messages, to its own output when
    `devtools.console.stdout.content` is set, and that output goes to a
    file read here. The page's requests are its resource timing entries.
    """

    def __init__(self, plan, downloads):
        from marionette_driver.marionette import Marionette

        binary = shutil.which("firefox-esr") or shutil.which("firefox")
        if binary is None:
            raise RuntimeError("no firefox-esr or firefox on PATH")
        self.log = tempfile.NamedTemporaryFile(prefix="seccoop-firefox-", suffix=".log", delete=False)
        self.log.close()
        self.client = Marionette(
            bin=binary,
            headless=True,
            port=free_port(),
            gecko_log=self.log.name,
            prefs={
                "devtools.console.stdout.content": True,
                "browser.download.dir": downloads,
                "browser.download.folderList": 2,
                "browser.download.useDownloadDir": True,
                "browser.download.always_ask_before_handling_new_types": False,
                "browser.download.start_downloads_in_tmp_dir": False,
            },
        )
        self.client.start_session()
        self.client.set_window_rect(
            width=plan.get("width", 1600), height=plan.get("height", 1000)
        )
        self.start = os.path.getsize(self.log.name)

    def navigate(self, url):
        self.url = url
        self.client.navigate(url)

    def script(self, body):
        # Without a sandbox, as the page's own scripts run.
        return self.client.execute_script(body, sandbox=None)

    def find(self, css):
        from marionette_driver.by import By

        return self.client.find_element(By.CSS_SELECTOR, css)

    def key(self, name):
        from marionette_driver.keys import Keys

        return getattr(Keys, name)

    def active(self):
        return self.client.get_active_element()

    def screenshot(self, path):
        with open(path, "wb") as f:
            f.write(self.client.screenshot(format="binary"))

    def take_alert(self):
        from marionette_driver.errors import NoAlertPresentException
        from marionette_driver.marionette import Alert

        try:
            alert = Alert(self.client)
            text = alert.text
        except NoAlertPresentException:
            return None
        alert.dismiss()
        return text

    def logs(self, url):
        page = url.split("#")[0]
        with open(self.log.name, encoding="utf-8", errors="replace") as f:
            f.seek(self.start)
            lines = f.read().splitlines()
        console = []
        for i, line in enumerate(lines):
            # `JavaScript error: FILE, line N: ...` names the page; a
            # console message from the page's own script starts with
            # `console.error:` or `console.warn:` and has no origin, so
            # only the page's script can have written it (Firefox's own
            # name a component first, as in `console.error: Loader:`).
            if line.startswith(("JavaScript error: " + page, "JavaScript warning: " + page)):
                console.append({"level": "SEVERE", "message": line})
            elif line.startswith(("console.error: \"", "console.warn: \"")):
                console.append({"level": "WARNING", "message": line})
        requests = [
            r
            for r in self.script(
                "return performance.getEntriesByType('resource').map(function (e) { return e.name; })"
            )
            if r.split("#")[0] != page and not local(r)
        ]
        return console, requests

    def quit(self):
        try:
            self.client.delete_session()
        finally:
            self.client.cleanup()
            os.unlink(self.log.name)


def local(url):
    """Whether `url` names memory, not the network: `blob:` (the page's own
    Save PNG draws its SVG through one) and `data:`."""
    return url.startswith(("blob:", "data:"))


def free_port():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    # The report is the only thing on standard output: the drivers' own
    # chatter (mozversion's, say) goes to standard error.
    report_to = sys.stdout
    sys.stdout = sys.stderr
    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    downloads = tempfile.mkdtemp(prefix="seccoop-downloads-")
    kind = plan.get("browser", "chromium")
    browser = {"chromium": Chromium, "firefox": Firefox}[kind](plan, downloads)
    results, alerts, error, console, requests = {}, [], None, [], []

    def check_alert():
        text = browser.take_alert()
        if text is not None:
            alerts.append(text)

    url = "file://" + plan["page"] + plan.get("fragment", "")
    try:
        started = time.monotonic()
        browser.navigate(url)
        results["load_seconds"] = time.monotonic() - started
        check_alert()
        for step in plan.get("steps", []):
            kind = step["do"]
            try:
                if kind == "js":
                    results[step["name"]] = browser.script(step["script"])
                elif kind == "wait":
                    deadline = time.monotonic() + step.get("seconds", 10)
                    while not browser.script(step["script"]):
                        if time.monotonic() > deadline:
                            raise TimeoutError("waited in vain for: " + step["script"])
                        time.sleep(0.02)
                elif kind == "click":
                    browser.find(step["css"]).click()
                elif kind == "type":
                    field = browser.find(step["css"])
                    field.clear()
                    field.send_keys(step["text"])
                    if step.get("enter"):
                        field.send_keys(browser.key("ENTER"))
                elif kind == "keys":
                    field = browser.find(step["css"])
                    field.send_keys(*[browser.key(k) for k in step["keys"]])
                elif kind == "press":
                    seen = []
                    for k in step["keys"]:
                        browser.active().send_keys(browser.key(k))
                        if "name" in step:
                            seen.append(browser.script(step["script"]))
                    if "name" in step:
                        results[step["name"]] = seen
                elif kind == "screenshot":
                    browser.screenshot(step["path"])
                elif kind == "download":
                    saved = os.path.join(downloads, step["file"])
                    if os.path.exists(saved):
                        os.unlink(saved)
                    browser.find(step["css"]).click()
                    deadline = time.monotonic() + step.get("seconds", 10)
                    # Chromium writes NAME.crdownload, Firefox NAME.part,
                    # and renames it when done.
                    while not os.path.exists(saved) or any(
                        n.endswith((".crdownload", ".part")) for n in os.listdir(downloads)
                    ):
                        if time.monotonic() > deadline:
                            raise TimeoutError(
                                "no %s downloaded; the folder holds %s"
                                % (step["file"], os.listdir(downloads))
                            )
                        time.sleep(0.05)
                    shutil.move(saved, step["path"])
                else:
                    raise ValueError("unknown step " + kind)
            except Exception as e:  # reported, not raised: the logs still count
                error = "%s failed: %s: %s" % (json.dumps(step)[:300], type(e).__name__, e)
                break
            check_alert()
        console, requests = browser.logs(url)
    finally:
        browser.quit()
        shutil.rmtree(downloads, ignore_errors=True)
    json.dump(
        {"results": results, "console": console, "requests": requests, "alerts": alerts, "error": error},
        report_to,
    )


if __name__ == "__main__":
    main()
