"""Staff at work, for locust: each simulated member of staff logs in (password, then the TOTP
code their authenticator would show), then loops over the office's screens with think time.

- 窓口担当 (counters, most users): search → person page → household panel; 15 % of the loops
  also take in a 基礎年金番号通知書再交付申請 (an entry waiting for the two-person check).
- 確認担当 (one user per 10): the verification queue, an entry, and its approval.
- 進達担当 (one user): the batch preview (entries approved up to today, per 届書種類).

The plan (accounts, search words, person ids) comes from `benchmarks.load.run` through the
file named by KN_LOAD_PLAN; each user counts the entries it submitted, written at the end to
KN_LOAD_PLAN + ".submitted", and notes every entry it was answered with — the entry id from the
redirect, the 受付番号 from the page it leads to (a browser follows it too) — written to
KN_LOAD_PLAN + ".entries" for the one-by-one reconciliation (`benchmarks/load/reconcile.py`).
"""

import json
import os
import random
import re
import threading
import time

from django_otp.oath import TOTP
from locust import HttpUser, between, events, task

PLAN = json.loads(open(os.environ["KN_LOAD_PLAN"], encoding="utf-8").read())  # noqa: SIM115
_accounts = iter(PLAN["accounts"])
_lock = threading.Lock()
SUBMITTED = {"entries": 0, "approved": 0, "conflicts": 0, "refused_at_intake": 0}
ANSWERED: list[dict] = []  # {"pk": entry id, "receipt": 受付番号 or None}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ENTRY_LINK = re.compile(r'href="/entries/(\d+)/"')
VERSION = re.compile(r'name="version" value="([^"]+)"')
CONFIRM = re.compile(r'name="(confirm_token|confirm_data)" value="([^"]+)"')
REFUSED = "この届書は受け付けられません"  # the intake page says so before any typing
ENTRY_PAGE = re.compile(r"/entries/(\d+)/$")
RECEIPT = re.compile(r"受付番号 (\d{12}) で受け付けました|<small>受付番号 (\d{12})")


def receipt_on(html: str) -> str | None:
    """The 受付番号 the entry page shows (its message, else its heading)."""
    found = RECEIPT.search(html)
    return (found.group(1) or found.group(2)) if found else None


def totp(hex_key: str) -> str:
    """The code an authenticator app shows now (the same computation as the tests')."""
    return str(TOTP(bytes.fromhex(hex_key), step=30, t0=0, digits=6).token()).zfill(6)


def next_account() -> dict:
    with _lock:
        return next(_accounts)


class Staff(HttpUser):
    wait_time = between(1, 3)  # think time

    def on_start(self):
        self.account = next_account()
        self.rng = random.Random(self.account["username"])
        page = self.client.get("/accounts/login/", name="login form")
        response = self.client.post(
            "/accounts/login/",
            {
                "username": self.account["username"],
                "password": PLAN["password"],
                "csrfmiddlewaretoken": self._csrf(page.text),
            },
            name="login: password",
            allow_redirects=False,
        )
        if response.status_code != 302:
            raise RuntimeError(f"password step refused for {self.account['username']}")
        page = self.client.get("/accounts/login/otp/", name="login: otp form")
        while True:  # one code per 30 s window per device: wait for a fresh one if used
            response = self.client.post(
                "/accounts/login/otp/",
                {"token": totp(self.account["key"]), "csrfmiddlewaretoken": self._csrf(page.text)},
                name="login: totp",
                allow_redirects=False,
            )
            if response.status_code == 302:
                break
            time.sleep(2)

    def _csrf(self, html: str) -> str:
        found = CSRF.search(html)
        return found.group(1) if found else self.client.cookies.get("csrftoken", "")

    @task
    def work(self):
        role = self.account["role"]
        if role == "counter":
            self.counter_loop()
        elif role == "supervisor":
            self.verifier_loop()
        else:
            self.clerk_loop()

    def counter_loop(self):
        page = self.client.get("/persons/", name="search form")
        self.client.post(
            "/persons/",
            {"q": self.rng.choice(PLAN["terms"]), "csrfmiddlewaretoken": self._csrf(page.text)},
            name="search",
        )
        pk = self.rng.choice(PLAN["persons"])
        self.client.get(f"/persons/{pk}/", name="person page")
        self.client.get(f"/exemptions/persons/{pk}/household/", name="household panel")
        if self.rng.random() < 0.15:
            url = f"/entries/new/qualifications.reissue/{pk}/"
            form = self.client.get(url, name="entry form")
            if REFUSED in form.text:  # e.g. 既に受付中: the clerk reads it and types nothing
                with _lock:
                    SUBMITTED["refused_at_intake"] += 1
                return
            response = self.client.post(
                url,
                {
                    "applied_on": PLAN["today_wareki"],
                    "reason": "紛失のため（負荷試験）",
                    "csrfmiddlewaretoken": self._csrf(form.text),
                },
                name="entry submit",
                allow_redirects=False,
            )
            if response.status_code == 302:
                with _lock:
                    SUBMITTED["entries"] += 1
                self._note_entry(response.headers.get("Location", ""))

    def _note_entry(self, location: str):
        """The entry the server says it took in: its id now, its 受付番号 from its page."""
        found = ENTRY_PAGE.search(location.split("?")[0])
        if found is None:
            return
        answered = {"pk": int(found.group(1)), "receipt": None}
        with _lock:
            ANSWERED.append(answered)
        page = self.client.get(f"/entries/{answered['pk']}/", name="entry page (after submit)")
        if page.status_code == 200:
            answered["receipt"] = receipt_on(page.text)

    def verifier_loop(self):
        queue = self.client.get("/entries/", name="verification queue")
        # the load's own 再交付申請 (their one key field is known: the 申請年月日 typed in)
        ids = [
            found.group(1)
            for row in queue.text.split("<tr")
            if "再交付" in row and (found := ENTRY_LINK.search(row))
        ]
        if not ids:
            return
        pk = self.rng.choice(ids[:20])
        detail = self.client.get(f"/entries/{pk}/", name="entry detail")
        version = VERSION.search(detail.text)
        if version is None:
            return
        url = f"/entries/{pk}/approve/"
        asked = self.client.post(
            url,
            {
                "version": version.group(1),
                "rekey-applied_on": PLAN["today_wareki"],  # the blind re-keying of the key field
                "csrfmiddlewaretoken": self._csrf(detail.text),
            },
            name="entry approve: ask",
            allow_redirects=False,
        )
        sealed = dict(CONFIRM.findall(asked.text))
        if len(sealed) != 2:  # refused before the question (already approved, re-key differs)
            if asked.status_code == 409 and "承認済" in asked.text:
                with _lock:
                    SUBMITTED["conflicts"] += 1
            return
        with self.client.post(
            url,
            {**sealed, "csrfmiddlewaretoken": self._csrf(asked.text)},
            name="entry approve",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 302:
                with _lock:
                    SUBMITTED["approved"] += 1
            elif response.status_code == 409 and "承認済" in response.text:
                response.success()  # another verifier approved it first: the office's answer
                with _lock:
                    SUBMITTED["conflicts"] += 1

    def clerk_loop(self):
        self.client.get(f"/jps/batches/new/?cutoff={PLAN['today_wareki']}", name="batch preview")


@events.quitting.add_listener
def _write_counts(environment, **kwargs):
    with open(os.environ["KN_LOAD_PLAN"] + ".submitted", "w", encoding="utf-8") as out:
        json.dump(SUBMITTED, out)
    with open(os.environ["KN_LOAD_PLAN"] + ".entries", "w", encoding="utf-8") as out:
        json.dump(ANSWERED, out)
