"""Drives a page in headless Chromium through chromedriver (WebDriver) and
reports what happened, for the explorer tests (tests/cli/explorer.rs).

    python drive.py PLAN.json

PLAN holds `page` (a file path), optional `fragment`, `width`, `height`,
and `steps`, each one of:

    {"do": "js", "name": N, "script": S}      run S (a function body); its return value is result N
    {"do": "wait", "script": S}                run S until it returns something true (10 s at most)
    {"do": "click", "css": C}                  click the first element matching C
    {"do": "type", "css": C, "text": T, "enter": bool}   clear the field C, type T, maybe press Enter
    {"do": "keys", "css": C, "keys": [K...]}   send named keys (ENTER, TAB, ESCAPE, ARROW_DOWN...) to C
    {"do": "screenshot", "path": P}            save a PNG of the window

It prints one JSON object: `results` (by name), `console` (every browser log
entry of level WARNING or SEVERE), `requests` (every URL the page asked the
network for, the page itself left out), `alerts` (the text of any dialog
that opened; each is dismissed) and `error` (a step that failed, or null).
"""

import json
import shutil
import sys
import tempfile
import time

from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    profile = tempfile.mkdtemp(prefix="seccoop-chromium-")
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
        "--user-data-dir=" + profile,
        "--window-size=%d,%d" % (plan.get("width", 1600), plan.get("height", 1000)),
    ]:
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    service = Service(executable_path=shutil.which("chromedriver") or "chromedriver")
    driver = webdriver.Chrome(options=options, service=service)
    results, alerts, error, console, requests = {}, [], None, [], []

    def check_alert():
        try:
            alert = driver.switch_to.alert
            alerts.append(alert.text)
            alert.dismiss()
        except NoAlertPresentException:
            pass

    try:
        url = "file://" + plan["page"] + plan.get("fragment", "")
        # What the browser loaded before the page (its own start-up pages)
        # is drained here and not counted.
        driver.get_log("performance")
        driver.get_log("browser")
        started = time.monotonic()
        driver.get(url)
        results["load_seconds"] = time.monotonic() - started
        check_alert()
        for step in plan.get("steps", []):
            kind = step["do"]
            try:
                if kind == "js":
                    results[step["name"]] = driver.execute_script(step["script"])
                elif kind == "wait":
                    deadline = time.monotonic() + step.get("seconds", 10)
                    while not driver.execute_script(step["script"]):
                        if time.monotonic() > deadline:
                            raise TimeoutError("waited in vain for: " + step["script"])
                        time.sleep(0.02)
                elif kind == "click":
                    driver.find_element(By.CSS_SELECTOR, step["css"]).click()
                elif kind == "type":
                    field = driver.find_element(By.CSS_SELECTOR, step["css"])
                    field.clear()
                    field.send_keys(step["text"])
                    if step.get("enter"):
                        field.send_keys(Keys.ENTER)
                elif kind == "keys":
                    field = driver.find_element(By.CSS_SELECTOR, step["css"])
                    field.send_keys(*[getattr(Keys, k) for k in step["keys"]])
                elif kind == "screenshot":
                    driver.save_screenshot(step["path"])
                else:
                    raise ValueError("unknown step " + kind)
            except Exception as e:  # reported, not raised: the logs still count
                error = "%s failed: %s: %s" % (json.dumps(step)[:300], type(e).__name__, e)
                break
            check_alert()
        console = [
            {"level": e["level"], "message": e["message"]}
            for e in driver.get_log("browser")
            if e["level"] in ("WARNING", "SEVERE")
        ]
        requests = []
        for entry in driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message.get("method") == "Network.requestWillBeSent":
                params = message["params"]
                asked = params["request"]["url"]
                # Requests the page made (not the browser's own start-up pages).
                mine = params.get("documentURL", "").split("#")[0] == url.split("#")[0]
                if mine and asked.split("#")[0] != url.split("#")[0]:
                    requests.append(asked)
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    json.dump(
        {"results": results, "console": console, "requests": requests, "alerts": alerts, "error": error},
        sys.stdout,
    )


if __name__ == "__main__":
    main()
