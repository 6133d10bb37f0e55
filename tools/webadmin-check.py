#!/usr/bin/python3
"""Drives the web admin in headless Chromium (Debian chromium + chromium-driver + python3-selenium):
signs in, reads the live status and load graph, creates/edits/deletes a space, changes a live
leg's layout and hangs it up. Screenshots go to --screenshots. Exit status 0 only if every
step was seen to work. Used by the Swift test AdminWebTests; loopback only."""
import argparse, base64, json, ssl, sys, time, urllib.request

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

parser = argparse.ArgumentParser()
parser.add_argument("--url", required=True)
parser.add_argument("--user", required=True)
parser.add_argument("--password", required=True)
parser.add_argument("--screenshots", required=True)
args = parser.parse_args()
assert args.url.startswith("https://127.0.0.1:"), "loopback only"

def api(path):
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    request = urllib.request.Request(args.url + "/api/v1/" + path, headers={
        "Accept": "application/json",
        "Authorization": "Basic " + base64.b64encode(f"{args.user}:{args.password}".encode()).decode()})
    with urllib.request.urlopen(request, context=context, timeout=10) as response:
        return json.loads(response.read() or b"null")

options = webdriver.ChromeOptions()
options.binary_location = "/usr/bin/chromium"
for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--ignore-certificate-errors", "--window-size=1280,900",
             "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions"]:
    options.add_argument(flag)
driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
driver.set_page_load_timeout(30)
wait = WebDriverWait(driver, 20)
step = "start"

def shot(name):
    driver.save_screenshot(f"{args.screenshots}/{name}.png")

def until(what, condition, seconds=20):
    global step
    step = what

    def holds(_):
        # The page re-renders lists on its own timers: an element can go stale mid-check.
        try:
            return condition()
        except (StaleElementReferenceException, NoSuchElementException):
            return False
    WebDriverWait(driver, seconds).until(holds)

try:
    driver.get(args.url + "/")
    until("sign-in form shown", lambda: driver.find_element(By.ID, "signin-view").is_displayed())
    shot("01-signin")
    driver.find_element(By.ID, "username").send_keys(args.user)
    driver.find_element(By.ID, "password").send_keys("wrong-password")
    driver.find_element(By.ID, "signin").click()
    until("a wrong password is refused", lambda: "Wrong" in driver.find_element(By.ID, "signin-error").text)
    driver.find_element(By.ID, "password").clear()
    driver.find_element(By.ID, "password").send_keys(args.password)
    driver.find_element(By.ID, "signin").click()
    until("status page after sign-in", lambda: driver.find_element(By.ID, "status-view").is_displayed())
    until("the live call shows on the status page",
          lambda: driver.find_element(By.ID, "status-callLegsActive").text == "1")
    until("the load graph has a few seconds of samples", lambda: driver.execute_script("return loadHistory.length") >= 4)
    blue = driver.execute_script("""
        const c = document.getElementById('load-graph'), d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        let n = 0; for (let i = 0; i < d.length; i += 4) if (d[i + 2] > 200 && d[i] < 100) n++; return n;""")
    if blue < 20:
        raise AssertionError(f"the load graph draws no line ({blue} line pixels)")
    if not driver.find_elements(By.CSS_SELECTOR, "#status-calls li"):
        raise AssertionError("no active call listed on the status page")
    shot("02-status")

    driver.find_element(By.ID, "nav-spaces").click()
    until("spaces page", lambda: driver.find_element(By.ID, "spaces-view").is_displayed())
    driver.find_element(By.ID, "space-name").send_keys("Browser Room")
    driver.find_element(By.ID, "space-uri").send_keys("browser")
    driver.find_element(By.ID, "space-callid").send_keys("8080")
    Select(driver.find_element(By.ID, "space-layout")).select_by_value("speakerOnly")
    driver.find_element(By.ID, "space-save").click()
    until("the new space is listed", lambda: any("browser" in r.text for r in driver.find_elements(By.CSS_SELECTOR, ".space-row")))
    created = [s for s in api("coSpaces")["coSpaces"]["coSpace"] if s.get("uri") == "browser"]
    if len(created) != 1 or created[0].get("defaultLayout") != "speakerOnly" or created[0].get("callId") != "8080":
        raise AssertionError(f"the API does not show the space as created: {created}")
    row = [r for r in driver.find_elements(By.CSS_SELECTOR, ".space-row") if "browser" in r.text][0]
    row.find_element(By.CSS_SELECTOR, ".space-edit").click()
    name = driver.find_element(By.ID, "space-name")
    name.clear()
    name.send_keys("Browser Room Renamed")
    driver.find_element(By.ID, "space-save").click()
    until("the edited name is listed", lambda: any("Browser Room Renamed" in r.text for r in driver.find_elements(By.CSS_SELECTOR, ".space-row")))
    driver.find_element(By.ID, "space-uri").send_keys("1000")
    driver.find_element(By.ID, "space-save").click()
    until("a duplicate URI is refused with a reason", lambda: "already" in driver.find_element(By.ID, "space-error").text)
    shot("03-spaces")

    driver.find_element(By.ID, "nav-calls").click()
    until("the live leg is listed", lambda: len(driver.find_elements(By.CSS_SELECTOR, ".leg-row")) == 1)
    leg_id = driver.find_element(By.CSS_SELECTOR, ".leg-row").get_attribute("data-id")
    Select(driver.find_element(By.CSS_SELECTOR, ".leg-layout")).select_by_value("stacked")
    until("the layout change reaches the leg",
          lambda: api(f"callLegs/{leg_id}")["callLeg"]["configuration"]["chosenLayout"] == "stacked")
    shot("04-calls")
    driver.find_element(By.CSS_SELECTOR, ".leg-hangup").click()
    until("the hung-up leg is gone", lambda: driver.find_elements(By.ID, "no-calls"), seconds=15)
    if api("callLegs")["callLegs"]["total"] != 0:
        raise AssertionError("the API still lists the leg")

    driver.find_element(By.ID, "nav-spaces").click()
    until("spaces page again", lambda: any("browser" in r.text for r in driver.find_elements(By.CSS_SELECTOR, ".space-row")))
    row = [r for r in driver.find_elements(By.CSS_SELECTOR, ".space-row") if "browser" in r.text][0]
    row.find_element(By.CSS_SELECTOR, ".space-delete").click()
    until("the deleted space is gone", lambda: not any("browser" in r.text for r in driver.find_elements(By.CSS_SELECTOR, ".space-row")))
    if any(s.get("uri") == "browser" for s in api("coSpaces")["coSpaces"]["coSpace"]):
        raise AssertionError("the API still lists the deleted space")
    shot("05-done")
    print("web admin check passed")
except Exception as error:
    shot("failure")
    print(f"web admin check failed at '{step}': {error!r}", file=sys.stderr)
    sys.exit(1)
finally:
    driver.quit()
