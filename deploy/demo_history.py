#!/usr/bin/env python3
"""Demo history through the real API: years of consumption-aid purchases of the seven
subsidiaries' units and employees from the nine counties' cooperatives, ending at an exact
live aid total.

Every step is an HTTP call to a running `huicai serve` (HUICAI_ENV=development, sandbox payment
channel on, one HTTP worker): unit canteens and unions order against their yearly budgets
(granted top-down by finance; grants above HUICAI_GRANT_APPROVAL_ABOVE_FEN wait for a second
finance user's approval), employees pay personally through the sandbox, cooperatives ship,
units accept (some partially), employees get some after-sales refunds, and every month finance
generates the statements, the cooperatives confirm them, finance records the invoices, approves
and pays. History is dated by the development-only demo clock (PUT /v1/dev/clock,
docs/adr/0014-demo-clock.md), moved forward event by event. Holiday peaks: 春节, 中秋 and
扶贫日 (17 October).

The amounts are planned from a seed; the last orders fill the remainder, and one partial
refund takes back the overshoot, so the live aid total (GET /v1/aid-totals) ends at exactly the
target: --scale small ¥2,520,000.00 (252,000,000 fen), --scale full ¥252,000,000.00
(25,200,000,000 fen), or --target-fen. Purchases already on record count toward the target;
when the total already reaches it, nothing is added. Then reconciliation must pass.

Usage: deploy/demo_history.py [--scale small|full] [--seed N] [--url http://127.0.0.1:8080]
                              [--target-fen N | --add-fen N]
"""
import argparse
import base64
import collections
import datetime as dt
import hashlib
import heapq
import hmac
import http.client
import json
import random
import struct
import sys
import time
import urllib.parse

PASSWORD = "Huicai-demo-2026"
# The published demo second factors (docs/demo-accounts.md).
TOTP_SECRETS = {
    "demo.operator": "NB2WSY3BNEWWIZLNN4WW64DFOJQXI33S",
    "demo.finance": "NB2WSY3BNEWWIZLNN4WWM2LOMFXGGZJB",
}
SCALES = {
    # target fen, first day, unit orders, employee orders, unit order range (fen), employees of
    # each office who buy for themselves
    "small": dict(target=252_000_000, start="2025-01-01", unit_orders=60,
                  employee_orders=90, unit_range=(1_000_000, 5_000_000), staff_per_office=2),
    "full": dict(target=25_200_000_000, start="2021-01-01", unit_orders=900,
                 employee_orders=3000, unit_range=(5_000_000, 50_000_000), staff_per_office=6),
}
# An account may place 30 orders and make 30 payment requests a minute (ordering's
# HUICAI_ORDER_PLACEMENTS_PER_MINUTE and HUICAI_PAYMENT_REQUESTS_PER_MINUTE; beyond: 429 and
# Retry-After of up to a minute). A personal order takes one order and two payment requests, so
# an employee who placed this many in the last minute hands the order to a colleague instead.
PERSONAL_ORDERS_PER_MINUTE = 14
MAX_QUANTITY = 9999  # per order line (ordering refuses more)
CHINA = dt.timezone(dt.timedelta(hours=8))
SPRING_FESTIVAL = {2021: "02-12", 2022: "02-01", 2023: "01-22", 2024: "02-10", 2025: "01-29",
                   2026: "02-17"}
MID_AUTUMN = {2021: "09-21", 2022: "09-10", 2023: "09-29", 2024: "09-17", 2025: "10-06",
              2026: "09-25"}


class ApiError(RuntimeError):
    pass


class Api:
    """Keep-alive JSON client of one server."""

    def __init__(self, url):
        parsed = urllib.parse.urlparse(url)
        self.host, self.port = parsed.hostname, parsed.port or 80
        self.connection = None
        self.calls = 0

    def call(self, method, path, body=None, token=None, headers=None, expect=(200, 201, 202)):
        all_headers = {"content-type": "application/json"}
        if isinstance(token, Credential):
            token = token.fresh(self)
        if token:
            all_headers["authorization"] = "Bearer " + token
        all_headers.update(headers or {})
        payload = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        for attempt in range(3):
            try:
                if self.connection is None:
                    self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
                self.connection.request(method, path, body=payload, headers=all_headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (ConnectionError, http.client.HTTPException, OSError):
                self.connection = None
                if attempt == 2:
                    raise
                time.sleep(0.2)
        self.calls += 1
        self.last_etag = response.getheader("etag")
        if response.status == 429:  # rate limited: wait as told, then again
            time.sleep(float(response.getheader("retry-after") or 1))
            return self.call(method, path, body, token, headers, expect)
        if response.status not in expect:
            raise ApiError(f"{method} {path} -> {response.status}: {text[:400]}")
        if "json" in response.getheader("content-type", "") and text:
            return response.status, json.loads(text)
        return response.status, text


def totp(secret, at=None):
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    counter = int((at or time.time()) // 30)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    code = (struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class Credential:
    """An account's access token, signed in again before it expires (15 minutes): with the
    authenticator secret, or with the next recovery code."""

    def __init__(self, login, secret=None, recovery_codes=None):
        self.login, self.secret, self.recovery_codes = login, secret, list(recovery_codes or [])
        self.token, self.signed_in = None, 0.0

    def fresh(self, api):
        if self.token is None or time.monotonic() - self.signed_in > 600:
            if self.recovery_codes:
                _, answer = api.call("POST", "/v1/auth/login",
                                     {"login": self.login, "password": PASSWORD})
                _, done = api.call("POST", "/v1/auth/mfa", {"challenge": answer["challenge"],
                                                            "recovery_code": self.recovery_codes.pop()})
                self.token = done["access_token"]
            else:
                self.token = sign_in(api, self.login, secret=self.secret)
            self.signed_in = time.monotonic()
        return self.token


def sign_in(api, login, password=PASSWORD, secret=None):
    _, answer = api.call("POST", "/v1/auth/login", {"login": login, "password": password})
    if answer.get("mfa_required"):
        # Each code works once: a second sign-in in the same 30 s window waits for the next.
        for _ in range(3):
            status, done = api.call("POST", "/v1/auth/mfa",
                                    {"challenge": answer["challenge"], "code": totp(secret)},
                                    expect=(200, 401))
            if status == 200:
                return done["access_token"]
            time.sleep(30 - time.time() % 30 + 0.5)
            _, answer = api.call("POST", "/v1/auth/login", {"login": login, "password": password})
        raise ApiError(f"cannot sign in {login}")
    return answer["access_token"]


def enrolled_finance_reviewer(api, operator, tag):
    """A second finance user (four eyes), enrolled with its own authenticator secret."""
    login = f"demo.finance.reviewer.{tag}"
    _, account = api.call("POST", "/v1/accounts", {"login": login, "display_name": "演示 财务复核",
                                                    "password": PASSWORD}, operator)
    api.call("POST", f"/v1/accounts/{account['id']}/roles", {"role": "finance"}, operator)
    _, answer = api.call("POST", "/v1/auth/login", {"login": login, "password": PASSWORD})
    enrolment = answer["access_token"]
    _, factor = api.call("POST", "/v1/me/mfa/totp", {}, enrolment)
    secret = factor.get("secret") or urllib.parse.parse_qs(
        urllib.parse.urlparse(factor["otpauth_uri"]).query)["secret"][0]
    _, confirmed = api.call("POST", "/v1/me/mfa/totp/confirm", {"code": totp(secret)}, enrolment)
    # The confirming code is spent for this 30 s window: sign in with recovery codes.
    return Credential(login, recovery_codes=confirmed["recovery_codes"])


def account_token(api, operator, login, name, roles, unit_id=None):
    """Signs in a demo account, creating it first (with its roles) when it does not exist."""
    body = {"login": login, "display_name": name, "password": PASSWORD}
    if unit_id:
        body["unit_id"] = unit_id
    status, account = api.call("POST", "/v1/accounts", body, operator, expect=(201, 409))
    if status == 201:
        for role in roles:
            api.call("POST", f"/v1/accounts/{account['id']}/roles", role, operator)
    return Credential(login)


class Progress:
    def __init__(self, total, label):
        self.total, self.label, self.started = max(total, 1), label, time.monotonic()
        self.terminal = sys.stderr.isatty()
        self.last_tenth = -1

    def draw(self, done):
        seconds = time.monotonic() - self.started
        rate = done / seconds if seconds > 0 else 0.0
        percent = min(100, done * 100 // self.total)
        if self.terminal:
            filled = percent * 30 // 100
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {percent:3d}% "
                             f"{done}/{self.total} {self.label}, {rate:.1f} {self.label}/s")
            sys.stderr.flush()
        elif percent // 10 != self.last_tenth:
            self.last_tenth = percent // 10
            print(f"demo-history: {percent}% {done}/{self.total} {self.label}, "
                  f"{rate:.1f} {self.label}/s", file=sys.stderr, flush=True)

    def finish(self, done):
        self.draw(done)
        if self.terminal:
            sys.stderr.write("\n")


def holiday_weight(day):
    """How busy a day is: baseline 1, up to 6 in the two weeks before 春节 and 中秋 and the week
    around 扶贫日 (17 October), weekends lighter."""
    weight = 1.0
    for table in (SPRING_FESTIVAL, MID_AUTUMN):
        if day.year in table:
            holiday = dt.date.fromisoformat(f"{day.year}-{table[day.year]}")
            before = (holiday - day).days
            if 0 <= before <= 14:
                weight += 5.0 * (1 - before / 15)
    poverty_day = dt.date(day.year, 10, 17)
    if abs((poverty_day - day).days) <= 4:
        weight += 5.0
    if day.weekday() >= 5:
        weight *= 0.5
    return weight


def planned_days(rng, start, end, count):
    days = [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    weights = [holiday_weight(day) for day in days]
    return sorted(rng.choices(days, weights=weights, k=count))


class History:
    def __init__(self, api, args):
        self.api, self.args = api, args
        self.scale = SCALES[args.scale]
        self.target = args.target_fen or self.scale["target"]
        self.rng = random.Random(args.seed)
        self.events = []  # heap of (unix seconds, sequence, action, data)
        self.sequence = 0
        self.orders_done = 0
        self.key = f"dh{args.seed}-{int(time.time())}"
        self.keys = 0
        self.clock_offset = None
        self.budget_years = set()

    # ---- plumbing -------------------------------------------------------------------------
    def idem(self):
        self.keys += 1
        return {"idempotency-key": f"{self.key}-{self.keys}"}

    def at(self, moment, action, data=None):
        self.sequence += 1
        heapq.heappush(self.events, (moment.timestamp(), self.sequence, action, data))

    def set_clock(self, unix_seconds):
        offset = min(0, int(unix_seconds - time.time()))
        if offset != self.clock_offset:
            self.api.call("PUT", "/v1/dev/clock", {"offset_seconds": offset}, self.operator)
            self.clock_offset = offset

    def aid_total(self):
        return self.api.call("GET", "/v1/aid-totals", token=self.finance)[1]["total_fen"]

    # ---- the cast -------------------------------------------------------------------------
    def cast(self):
        api = self.api
        self.reviewer = None
        _, units = api.call("GET", "/v1/org/units", token=self.operator)
        units = units["items"] if isinstance(units, dict) else units
        self.units = {u["id"]: u for u in units}
        self.root = next(u for u in units if not u.get("parent_id"))
        self.buying_units = [u for u in units if u.get("kind") in ("canteen", "union")]
        self.unit_buyers, self.employees, self.personal_orders = {}, [], {}
        for unit in self.buying_units:
            code = unit["code"]
            self.unit_buyers[unit["id"]] = account_token(
                api, self.operator, f"demo.history.{code}.buyer", unit["name"] + " 采购员",
                [{"role": "unit_buyer"}], unit["id"])
        for unit in [u for u in units if u.get("kind") == "office"]:
            for n in range(self.scale["staff_per_office"]):
                self.employees.append(account_token(
                    api, self.operator, f"demo.history.{unit['code']}.staff{n}",
                    unit["name"] + f" 职工{n + 1}", [{"role": "employee"}], unit["id"]))
        self.catalog()

    def catalog(self):
        """Certified SKUs of every cooperative, each with plenty of stock set by its staff."""
        api = self.api
        self.skus, self.supplier_staff = [], {}
        per_supplier = {}
        cursor = None
        while True:
            query = "/v1/products?certified_only=true&limit=100" + (
                f"&cursor={urllib.parse.quote(cursor)}" if cursor else "")
            _, page = api.call("GET", query, token=self.finance)
            for item in page["items"]:
                per_supplier[item["supplier"]["id"]] = per_supplier.get(item["supplier"]["id"], 0) + 1
                if per_supplier[item["supplier"]["id"]] > 3:
                    continue  # three products of each cooperative are plenty
                _, product = api.call("GET", f"/v1/products/{item['id']}", token=self.finance)
                supplier_id = product["supplier_id"] if "supplier_id" in product else \
                    product["supplier"]["id"]
                for sku in product.get("skus", []):
                    if sku.get("status", "active") == "active" and sku["price_fen"] > 0:
                        self.skus.append({"sku_id": sku["id"], "price": sku["price_fen"],
                                          "grams": sku.get("net_weight_grams") or 0,
                                          "supplier_id": supplier_id,
                                          "title": product.get("title", "")})
            cursor = page.get("next_cursor")
            if not cursor:
                break
        if not self.skus:
            raise ApiError("no certified product is listed: run `huicai seed` first")
        for supplier_id in sorted({s["supplier_id"] for s in self.skus}):
            self.supplier_staff[supplier_id] = account_token(
                api, self.operator, f"demo.history.supplier{supplier_id}", f"合作社 {supplier_id} 出纳",
                [{"role": "supplier_staff", "supplier_id": supplier_id}])
        for sku in self.skus:
            staff = self.supplier_staff[sku["supplier_id"]]
            path = f"/v1/inventory/{sku['sku_id']}"
            _, stock = api.call("GET", path, token=staff)
            if stock.get("available", 0) < 10_000_000:
                api.call("PUT", path, {"available": 100_000_000}, staff,
                         headers={"if-match": api.last_etag})

    # ---- budgets --------------------------------------------------------------------------
    def grant(self, unit_id, year, more):
        """Raises the unit's budget of the year by `more` (what it holds stays granted)."""
        path = f"/v1/units/{unit_id}/budgets/{year}"
        status, current = self.api.call("GET", path, token=self.finance, expect=(200, 404))
        granted = current.get("granted_fen", 0) if status == 200 else 0
        status, answer = self.api.call("PUT", path, {"granted_fen": granted + more}, self.finance,
                                       expect=(200, 202, 409))
        if status == 409 and answer.get("type", "").endswith("/grant-request-pending"):
            # Left waiting by an interrupted run: approve it, then raise again.
            _, pending = self.api.call("GET", "/v1/grant-requests?status=pending",
                                       token=self.finance)
            for request in pending.get("items", []):
                if request.get("unit_id") == unit_id and request.get("year") == year:
                    self.approve(request["id"])
            return self.grant(unit_id, year, more)
        if status == 409:
            raise ApiError(f"PUT {path} -> 409: {answer}")
        if status == 202:  # above the four-eyes threshold: a second finance user approves
            self.approve(answer["id"])

    def approve(self, request_id):
        if self.reviewer is None:
            self.reviewer = enrolled_finance_reviewer(self.api, self.operator, self.key)
        self.api.call("POST", f"/v1/grant-requests/{request_id}/approve", {}, self.reviewer,
                      headers=self.idem())

    def grant_year(self, year, needs):
        """Budgets top-down: the group, each subsidiary (its units' needs), each unit."""
        by_parent = {}
        for unit_id, need in needs.items():
            parent = self.units[unit_id]["parent_id"]
            by_parent[parent] = by_parent.get(parent, 0) + need
        self.grant(self.root["id"], year, sum(needs.values()))
        for parent, need in sorted(by_parent.items()):
            if parent != self.root["id"]:
                self.grant(parent, year, need)
        for unit_id, need in sorted(needs.items()):
            self.grant(unit_id, year, need)

    # ---- orders ---------------------------------------------------------------------------
    def lines_for(self, amount, few):
        """Order lines worth about `amount`: one to three SKUs of one or two cooperatives."""
        lines = []
        count = 1 if few else self.rng.choice((1, 2, 2, 3))
        left = amount
        for index, sku in enumerate(self.rng.sample(self.skus, len(self.skus))):
            share = left if index + 1 >= count else amount // count
            quantity = max(1, min(MAX_QUANTITY, round(share / sku["price"])))
            lines.append((sku, quantity))
            left -= quantity * sku["price"]
            if index + 1 >= count and left < sku["price"]:
                break  # more lines only while one line's 9999 units fall short
        return lines

    def place(self, moment, buyer, plan, lines):
        self.set_clock(moment.timestamp())
        body = {"lines": [{"sku_id": sku["sku_id"], "quantity": q} for sku, q in lines],
                "fund_plan": plan}
        _, order = self.api.call("POST", "/v1/orders", body, buyer, headers=self.idem())
        if plan == "personal":
            _, intent = self.api.call("POST", f"/v1/orders/{order['id']}/payment-intents", None,
                                      buyer, headers=self.idem())
            self.api.call("POST", f"/v1/payments/sandbox/{intent['intent_id']}/confirm", None,
                          buyer)
            deadline = time.monotonic() + 30
            while order["status"] != "paid":
                if time.monotonic() > deadline:
                    raise ApiError(f"order {order['id']} not paid in 30 s")
                time.sleep(0.02)
                order = self.api.call("GET", f"/v1/orders/{order['id']}", token=buyer)[1]
        elif order["status"] != "paid":
            raise ApiError(f"unit order {order['id']} is {order['status']}, not paid")
        return order

    def available_employee(self, chosen):
        """`chosen`, or the least busy employee when `chosen` would hit the per-minute limits."""
        now = time.monotonic()
        for employee in self.employees:
            recent = self.personal_orders.setdefault(employee.login, collections.deque())
            while recent and now - recent[0] > 60:
                recent.popleft()
        if len(self.personal_orders[chosen.login]) >= PERSONAL_ORDERS_PER_MINUTE:
            chosen = min(self.employees, key=lambda e: len(self.personal_orders[e.login]))
        self.personal_orders[chosen.login].append(now)
        return chosen

    def unit_order(self, moment, data):
        unit_id, lines = data
        buyer = self.unit_buyers[unit_id]
        order = self.place(moment, buyer, "unit_budget", lines)
        for fulfilment in order["fulfilments"]:
            ship_at = moment + dt.timedelta(days=self.rng.randint(1, 3), hours=2)
            self.at(ship_at, "deliver", (buyer, order, fulfilment, True))
        self.orders_done += 1

    def employee_order(self, moment, data):
        buyer, amount = data
        buyer = self.available_employee(buyer)
        order = self.place(moment, buyer, "personal", self.lines_for(amount, True))
        for fulfilment in order["fulfilments"]:
            ship_at = moment + dt.timedelta(days=self.rng.randint(1, 2), hours=5)
            self.at(ship_at, "deliver", (buyer, order, fulfilment, False))
        self.orders_done += 1

    def deliver(self, moment, data):
        buyer, order, fulfilment, unit = data
        self.set_clock(moment.timestamp())
        path = f"/v1/fulfilments/{fulfilment['id']}"
        staff = self.supplier_staff[fulfilment["supplier_id"]]
        self.api.call("POST", path + "/ship", {"carrier": self.rng.choice(("顺丰", "京东物流", "邮政")),
                                               "tracking_number": f"SF{fulfilment['id']:010d}",
                                               "batch_number": f"B-{moment:%Y%m%d}"}, staff)
        self.api.call("POST", path + "/receive", None, buyer)
        if unit:
            accepted = []
            for line in fulfilment["lines"]:
                grams = line.get("net_weight_grams") or 0
                if grams and self.rng.random() < 0.08:  # 验收: a few lines short by weight
                    total = grams * line["quantity"]
                    accepted.append({"line_id": line["id"],
                                     "accepted_weight_grams": total * self.rng.randint(90, 98) // 100,
                                     "reason": "称重不足"})
            self.api.call("POST", path + "/accept", {"lines": accepted}, buyer, headers=self.idem())
        elif self.rng.random() < 0.05:  # an employee's after-sales refund
            line = fulfilment["lines"][0]
            self.refund(buyer, order["id"], fulfilment,
                        max(1, line["line_total_fen"] * self.rng.randint(10, 40) // 100), "破损")

    def refund(self, buyer, order_id, fulfilment, amount, reason):
        """A partial after-sales refund the cooperative accepts."""
        _, request = self.api.call(
            "POST", f"/v1/orders/{order_id}/after-sales",
            {"fulfilment_id": fulfilment["id"], "kind": "partial", "amount_fen": amount,
             "reason": reason, "evidence_urls": ["https://img.huicai.dev/demo/after-sale.jpg"]},
            buyer, headers=self.idem())
        self.api.call("POST", f"/v1/after-sales/{request['id']}/supplier-decision",
                      {"decision": "accept"}, self.supplier_staff[fulfilment["supplier_id"]],
                      headers=self.idem())

    def statements(self, moment, period_start):
        """Finance settles last month: statements generated, confirmed, invoiced, approved, paid."""
        self.set_clock(moment.timestamp())
        self.api.call("POST", "/v1/settlement/statements/generate",
                      {"period_start": period_start}, self.finance)
        drafts, cursor = [], ""
        while True:
            _, page = self.api.call("GET", "/v1/settlement/statements?status=draft&period_start="
                                    + period_start + cursor, token=self.finance)
            drafts += page["items"]
            if not page.get("next_cursor"):
                break
            cursor = "&cursor=" + page["next_cursor"]
        for statement in drafts:
            sid, supplier = statement["id"], statement["supplier_id"]
            amount = statement["amount_fen"]
            if supplier not in self.supplier_staff or amount <= 0:
                continue
            self.api.call("POST", f"/v1/settlement/statements/{sid}/confirm", None,
                          self.supplier_staff[supplier])
            self.api.call("POST", f"/v1/settlement/statements/{sid}/invoices",
                          {"supplier_id": supplier, "invoice_number": f"FP{sid:08d}",
                           "amount_fen": amount, "received_date": f"{moment:%Y-%m-%d}"},
                          self.finance)
            self.api.call("POST", f"/v1/settlement/statements/{sid}/approve", None, self.finance)
            self.api.call("POST", f"/v1/settlement/statements/{sid}/pay",
                          {"payout_reference": f"PAY{sid:08d}", "payout_date": f"{moment:%Y-%m-%d}",
                           "amount_fen": amount}, self.finance, headers=self.idem())

    # ---- the plan -------------------------------------------------------------------------
    def run(self):
        self.operator = Credential("demo.operator", TOTP_SECRETS["demo.operator"])
        self.finance = Credential("demo.finance", TOTP_SECRETS["demo.finance"])
        start_total = self.aid_total()
        if self.args.add_fen:
            self.target = start_total + self.args.add_fen
        remaining = self.target - start_total
        if remaining <= 0:
            print(json.dumps({"target_fen": self.target, "total_fen": start_total,
                              "added": False}))
            return start_total
        self.cast()
        if remaining < self.scale["target"] // 10:
            # Nearly there (an interrupted or smaller earlier run): only the final fill.
            progress = Progress(1, "orders")
            self.fill_at = dt.datetime.now(CHINA) - dt.timedelta(minutes=5)
            self.fill(progress)
            progress.finish(self.orders_done)
            self.api.call("DELETE", "/v1/dev/clock", token=self.operator)
            return self.await_total()
        start = dt.date.fromisoformat(self.scale["start"])
        today = dt.datetime.now(CHINA).date()
        end = today - dt.timedelta(days=10)
        # 96 % of what is missing goes into the planned history, the rest into the final fill.
        unit_count = self.scale["unit_orders"]
        employee_count = self.scale["employee_orders"]
        low, high = self.scale["unit_range"]
        employee_amounts = [self.rng.randint(3_000, 80_000) for _ in range(employee_count)]
        history_budget = remaining * 96 // 100 - sum(employee_amounts)
        raw = [self.rng.uniform(low, high) for _ in range(unit_count)]
        scale = history_budget / sum(raw)
        unit_amounts = [int(x * scale) for x in raw]
        unit_days = planned_days(self.rng, start, end, unit_count)
        employee_days = planned_days(self.rng, start, end, employee_count)
        needs = {}
        for day, amount in zip(unit_days, unit_amounts):
            unit = self.rng.choice(self.buying_units)["id"]
            moment = dt.datetime.combine(day, dt.time(9 + self.rng.randint(0, 7),
                                                      self.rng.randint(0, 59)), CHINA)
            lines = self.lines_for(amount, False)
            self.at(moment, "unit_order", (unit, lines))
            key = (day.year, unit)
            needs[key] = needs.get(key, 0) + sum(sku["price"] * q for sku, q in lines)
        for day, amount in zip(employee_days, employee_amounts):
            moment = dt.datetime.combine(day, dt.time(12 + self.rng.randint(0, 9),
                                                      self.rng.randint(0, 59)), CHINA)
            self.at(moment, "employee_order", (self.rng.choice(self.employees), amount))
        # Budgets as each year begins; statements on the 5th of each month.
        for year in sorted({y for y, _ in needs}):
            self.at(dt.datetime(year, 1, 1, 0, 0, 1, tzinfo=CHINA), "budgets",
                    (year, {u: n for (y, u), n in needs.items() if y == year}))
        month = dt.date(start.year, start.month, 1)
        while month <= end:
            following = (month + dt.timedelta(days=32)).replace(day=1)
            self.at(dt.datetime.combine(following + dt.timedelta(days=4), dt.time(10, 0), CHINA),
                    "statements", f"{month:%Y-%m-%d}")
            month = following
        total_orders = unit_count + employee_count
        progress = Progress(total_orders, "orders")
        self.last_moment = 0.0
        self.loop(progress)
        # After every delivery (partial acceptances and refunds lower the total) and statement.
        self.fill_at = min(dt.datetime.fromtimestamp(self.last_moment, CHINA) + dt.timedelta(hours=1),
                           dt.datetime.now(CHINA) - dt.timedelta(minutes=5))
        self.fill(progress)
        progress.finish(self.orders_done)
        self.api.call("DELETE", "/v1/dev/clock", token=self.operator)
        return self.await_total()

    def loop(self, progress, until=None):
        while self.events and (until is None or self.events[0][0] < until):
            when, _, action, data = heapq.heappop(self.events)
            self.last_moment = when
            moment = dt.datetime.fromtimestamp(when, CHINA)
            if action == "budgets":
                self.grant_year(*data)
            elif action == "unit_order":
                self.unit_order(moment, data)
            elif action == "employee_order":
                self.employee_order(moment, data)
            elif action == "deliver":
                self.deliver(moment, data)
            elif action == "statements":
                self.statements(moment, data)
            progress.draw(self.orders_done)

    def settled_total(self):
        """The live aid total once every event so far is counted: the same reading twice, a
        second apart, after the server's outboxes drained (bounded wait)."""
        deadline = time.monotonic() + 120
        previous = None
        while time.monotonic() < deadline:
            total = self.aid_total()
            if total == previous:
                return total
            previous = total
            time.sleep(1.0)
        raise ApiError("the aid total did not settle in 120 s")

    def fill(self, progress):
        """The last orders: what is missing, as unit orders of one certified SKU, then a partial
        refund of exactly the overshoot."""
        self.set_clock(self.fill_at.timestamp())
        missing = self.target - self.settled_total()
        if missing <= 0:
            raise ApiError(f"the planned history overshot the target by {-missing} fen")
        unit = self.buying_units[0]["id"]
        buyer = self.unit_buyers[unit]
        sku = max(self.skus, key=lambda s: s["price"])
        year = self.fill_at.year
        chunk = min(self.scale["unit_range"][1], MAX_QUANTITY * sku["price"])
        self.grant_year(year, {unit: missing + sku["price"] + chunk})
        last = None
        while missing > 0:
            quantity = -(-min(missing, chunk) // sku["price"])  # ceiling
            order = self.place(self.fill_at, buyer, "unit_budget", [(sku, quantity)])
            missing -= sku["price"] * quantity
            last = order
            self.orders_done += 1
            progress.draw(self.orders_done)
        fulfilment = last["fulfilments"][0]
        path = f"/v1/fulfilments/{fulfilment['id']}"
        staff = self.supplier_staff[fulfilment["supplier_id"]]
        self.api.call("POST", path + "/ship", {"carrier": "顺丰", "tracking_number": "SF-FILL",
                                               "batch_number": "B-FILL"}, staff)
        self.api.call("POST", path + "/receive", None, buyer)
        self.api.call("POST", path + "/accept", {"lines": []}, buyer, headers=self.idem())
        if missing < 0:
            self.refund(buyer, last["id"], fulfilment, -missing, "差额退款")

    def await_total(self):
        total = self.settled_total()
        _, check = self.api.call("GET", "/v1/settlement/reconciliation", token=self.finance)
        ok = check.get("ok", check.get("result") == "ok")
        print(json.dumps({"target_fen": self.target, "total_fen": total, "added": True,
                          "orders": self.orders_done, "api_calls": self.api.calls,
                          "reconciliation_ok": ok}, ensure_ascii=False))
        if total != self.target:
            raise ApiError(f"the aid total is {total} fen, not the target {self.target}")
        if not ok:
            raise ApiError("reconciliation found a mismatch")
        return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=sorted(SCALES), default="small")
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--url", default="http://127.0.0.1:8080")
    parser.add_argument("--target-fen", type=int, default=0,
                        help="end at this live aid total instead of the scale's")
    parser.add_argument("--add-fen", type=int, default=0,
                        help="add exactly this much to the live aid total instead")
    args = parser.parse_args()
    api = Api(args.url)
    history = History(api, args)
    started = time.monotonic()
    try:
        history.run()
    except Exception:
        try:
            api.call("DELETE", "/v1/dev/clock", token=getattr(history, "operator", None))
        except Exception:
            pass
        raise
    print(f"demo-history: done in {time.monotonic() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
