#!/usr/bin/env python3
"""End-to-end tests of `crm ui` in a real browser (Debian's chromium, driven by Playwright).

Two workstations sync through a real crm-server: the head office's (an executive) and a
counsellor's (a manager). Each runs `crm ui`; the tests use the pages as office staff would.
Run by scripts/ui-tests.sh, which builds the binaries and passes their folder.
"""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

from playwright.sync_api import expect, sync_playwright

BIN = sys.argv[1] if len(sys.argv) > 1 else ".build/debug"
SHOTS = os.environ.get("CRM_UI_SCREENSHOTS", "")
WORK = tempfile.mkdtemp(prefix="crm-ui-")
PROCESSES = []


def run(*args, **kwargs):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kwargs).stdout


def admin(*args):
    return json.loads(run(f"{BIN}/crm-server", "admin", *args, "--db", f"{WORK}/org.sqlite", "--json"))


def start(*args):
    """Starts a program and returns it with the first line it prints."""
    process = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    PROCESSES.append(process)
    return process, process.stdout.readline().strip()


def start_server(port=0):
    process, line = start(f"{BIN}/crm-server", "serve", "--db", f"{WORK}/org.sqlite", "--port", str(port))
    return process, line.replace("listening on ", "")


def workstation(name, role, branch, url):
    user = admin("add-user", "--name", name, "--role", role, "--branch", branch)["id"]
    token = admin("issue-token", "--user", user, "--device", f"{name}-pc")["token"]
    replica = f"{WORK}/{name}.crm"
    run(f"{BIN}/crm", "init", "--replica", replica, "--server", url, "--token", token)
    return user, replica


def crm(replica, *args):
    return run(f"{BIN}/crm", *args, "--replica", replica)


def ui(replica):
    process, line = start(f"{BIN}/crm", "ui", "--replica", replica, "--port", "0")
    login = line.replace("ui on ", "")
    return process, login, login.split("/login")[0]


def shot(page, name):
    if SHOTS:
        os.makedirs(SHOTS, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def main():
    branch = admin("add-branch", "--name", "강남 상담센터")["id"]
    server, url = start_server()
    port = url.rsplit(":", 1)[1]
    kim, head = workstation("김지현", "executive", branch, url)
    park, counsellor = workstation("Пак Ольга", "manager", branch, url)
    crm(head, "sync")
    first = json.loads(crm(head, "client", "add", "--name", "김민지", "--phone", "+82 10-1234-5678", "--json"))["id"]
    crm(head, "client", "add", "--name", "Иванова Анна", "--phone", "+7 912 345 67 89", "--email", "anna@example.ru")
    crm(head, "client", "add", "--name", "Lee Jun", "--email", "lee.jun@example.com")
    crm(head, "memo", "add", first, "--text", "첫 상담: 아버지가 결제")
    crm(head, "sync")
    crm(counsellor, "sync")
    _, head_login, head_base = ui(head)
    _, counsellor_login, counsellor_base = ui(counsellor)
    passed = []

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        office = browser.new_page(locale="en-GB")
        office.goto(head_login)
        expect(office.locator("table.clients tbody tr")).to_have_count(3)

        # Search narrows the list as you type: a name, a phone in another written form, an e-mail.
        search = office.get_by_role("searchbox")
        search.fill("민지")
        expect(office.locator("table.clients tbody tr")).to_have_count(1)
        search.fill("912 345")
        expect(office.locator("table.clients tbody tr")).to_have_count(1)
        expect(office.locator("table.clients")).to_contain_text("Иванова Анна")
        search.fill("LEE.JUN")
        expect(office.locator("table.clients")).to_contain_text("Lee Jun")
        passed.append("search narrows the list as you type")

        # Open a card; add and edit a memo; the counter counts as the server does.
        search.fill("")
        office.goto(head_base + "/clients")
        office.get_by_role("link", name="김민지").click()
        expect(office.get_by_role("heading", level=1)).to_have_text("김민지")
        memo = office.locator("form.memo-form textarea")
        memo.fill("두 번째 상담 👨‍👩‍👧")
        # A family emoji is one character to people and to the server (five code points).
        expect(office.locator("form.memo-form output")).to_have_text("9 / 1000 characters")
        office.locator("form.memo-form").get_by_role("button").click()
        expect(office.locator(".memos")).to_contain_text("두 번째 상담 👨‍👩‍👧")
        office.locator(".memos li").first.locator("summary").click()
        office.locator(".memos li").first.locator("textarea").fill("두 번째 상담 (수정)")
        office.locator(".memos li").first.get_by_role("button", name="Save").click()
        expect(office.locator(".memos")).to_contain_text("두 번째 상담 (수정)")
        passed.append("open a card, add and edit a memo")
        shot(office, "en-card")

        # Book a schedule and complete it: the status follows.
        office.locator("form.book input[name=start]").fill("2026-12-01T10:00")
        office.locator("form.book input[name=end]").fill("2026-12-01T11:00")
        office.locator("form.book button").click()
        expect(office.locator(".card-head .status")).to_have_text("In progress")
        office.get_by_role("button", name="Mark done").click()
        expect(office.locator(".card-head .status")).to_have_text("Completed")
        office.locator("details.journal-form summary").first.click()
        office.locator("details.journal-form textarea").first.fill("읽기 연습, 다음 시간에 받아쓰기")
        office.get_by_role("button", name="Save the journal").first.click()
        expect(office.locator("blockquote.journal").first).to_contain_text("읽기 연습, 다음 시간에 받아쓰기")
        passed.append("book and complete a schedule; the status changes; write its journal")

        # Change the assignee through the warning.
        office.locator("details.assign summary").click()
        expect(office.locator("details.assign .warning")).to_be_visible()
        office.locator("details.assign select").select_option(label="Пак Ольга")
        office.locator("details.assign button").click()
        expect(office.locator(".profile")).to_contain_text("Пак Ольга")
        passed.append("change the assignee through the warning")

        # A conflict made by two workstations, resolved with one click. Both rename the card
        # while the server is away, so neither saw the other's name.
        server.send_signal(signal.SIGTERM)
        server.wait()
        crm(head, "client", "edit", first, "--name", "김민지 (본점)")
        crm(counsellor, "client", "edit", first, "--name", "Kim Minji")
        server, _ = start_server(port)
        deadline = time.time() + 30
        while time.time() < deadline:
            office.goto(head_base + "/conflicts")
            if office.locator("section.conflict").count() == 1:
                break
            time.sleep(0.5)
        expect(office.locator("section.conflict")).to_have_count(1)
        shot(office, "en-conflicts")
        office.locator("section.conflict").get_by_role("button", name="Leave it as it is").click()
        expect(office.locator("section.conflict")).to_have_count(0)
        passed.append("resolve a conflict made by two workstations")

        # Offline: the server stops, the office keeps working; back online, the change
        # reaches the other workstation, whose open page updates without a reload.
        other = browser.new_page(locale="en-GB")
        other.goto(counsellor_login)
        other.goto(counsellor_base + f"/clients/{first}")
        server.send_signal(signal.SIGTERM)
        server.wait()
        office.goto(head_base + f"/clients/{first}")
        office.locator("form.memo-form textarea").fill("서버가 꺼진 동안 작성")
        office.locator("form.memo-form").get_by_role("button").click()
        expect(office.locator(".memos")).to_contain_text("서버가 꺼진 동안 작성")
        expect(office.locator("#sync")).to_contain_text("Offline", timeout=15000)
        server, _ = start_server(port)
        expect(other.locator(".memos")).to_contain_text("서버가 꺼진 동안 작성", timeout=30000)
        expect(office.locator("#sync")).to_contain_text("Online", timeout=30000)
        passed.append("offline, then back: the other workstation's open page updates by itself")

        # Korean and Russian pages.
        office.goto(head_base + "/clients?lang=ko")
        expect(office.get_by_role("heading", level=1)).to_have_text("고객")
        expect(office.get_by_role("searchbox")).to_have_attribute("name", "q")
        shot(office, "ko-list")
        office.goto(head_base + f"/clients/{first}")
        expect(office.locator(".memos h2")).to_have_text("메모")
        shot(office, "ko-card")
        office.goto(head_base + "/clients?lang=ru")
        expect(office.get_by_role("heading", level=1)).to_have_text("Клиенты")
        shot(office, "ru-list")
        office.goto(head_base + f"/clients/{first}")
        shot(office, "ru-card")
        office.goto(head_base + "/clients?lang=en")
        shot(office, "en-list")
        passed.append("Korean and Russian pages")

        # The local web server's rules, as a browser meets them.
        stranger = browser.new_page()
        response = stranger.goto(head_base + "/clients")
        assert response.status == 401, response.status
        status = office.evaluate("""async () => (await fetch('/clients', {method: 'POST', body: new URLSearchParams({name: 'Forged'})})).status""")
        assert status == 403, status
        # A script smuggled into the page (say, through a name) does not run.
        outcome = office.evaluate("""async () => {
            let violated = false;
            document.addEventListener('securitypolicyviolation', () => { violated = true; });
            const script = document.createElement('script');
            script.textContent = 'window.pwned = 1';
            document.body.appendChild(script);
            document.body.insertAdjacentHTML('beforeend', '<img src="x:" onerror="window.pwned = 2">');
            await new Promise(resolve => setTimeout(resolve, 300));
            return { violated, pwned: window.pwned || 0 };
        }""")
        assert outcome["violated"] and outcome["pwned"] == 0, outcome
        request = urllib.request.Request(head_base + "/clients", headers={"Host": "attacker.example"})
        try:
            urllib.request.urlopen(request)
            raise AssertionError("a foreign Host header was served")
        except urllib.error.HTTPError as error:
            assert error.code == 421, error.code
        passed.append("login key, CSRF token, Host header and CSP hold")
        browser.close()

    for line in passed:
        print("ok  " + line)
    print(f"ui tests passed: {len(passed)}")


if __name__ == "__main__":
    try:
        main()
    finally:
        for process in PROCESSES:
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(5)
                except subprocess.TimeoutExpired:
                    process.kill()
        shutil.rmtree(WORK, ignore_errors=True)
