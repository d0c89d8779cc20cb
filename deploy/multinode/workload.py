#!/usr/bin/env python3
"""The order workload of deploy/multinode.sh: employees' personal orders through the gateway.

Each thread places orders of 1 unit of a random SKU of each of two different suppliers, every
order with its own Idempotency-Key. An answer that leaves the outcome open (connection refused
or reset, 502/503/504, 409 idempotency-key-in-progress) is retried with the SAME key until it is
decided or --retry-seconds pass: that is what a client of an idempotent API does, and what makes
"no acknowledged order lost or duplicated" checkable. Every 201 is recorded with its key, order
id and the time it arrived. With --pay-every N, every Nth acknowledged order is paid through the
sandbox channel (payment intent with its own key, then confirm), also retried.

Prints one JSON object (and writes it to --out): counts, the acknowledged orders, the keys given
up on, the time of every acknowledgement (seconds since start) and, for each --event-file line
"<unix time> <name>", the longest stretch without an acknowledgement after that event.
"""
import argparse
import http.client
import json
import random
import threading
import time


def parse_args():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gateway", required=True, help="host:port of the gateway")
    parser.add_argument("--token", required=True, help="access token of the buying employee")
    parser.add_argument("--skus", required=True, help='file of "<supplier_id> <sku_id>" lines')
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--key-prefix", required=True)
    parser.add_argument("--pay-every", type=int, default=0)
    parser.add_argument("--retry-seconds", type=float, default=30.0)
    parser.add_argument("--event-file", default="")
    parser.add_argument("--out", required=True)
    return parser.parse_args()


class Client:
    """One keep-alive connection to the gateway; reconnects after any transport error."""

    def __init__(self, gateway, token):
        self.host, port = gateway.rsplit(":", 1)
        self.port = int(port)
        self.token = token
        self.connection = None

    def post(self, path, body, key):
        headers = {"Authorization": "Bearer " + self.token, "Content-Type": "application/json"}
        if key:
            headers["Idempotency-Key"] = key
        try:
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=20)
            self.connection.request("POST", path, body=body, headers=headers)
            response = self.connection.getresponse()
            data = response.read()
            if response.getheader("Connection", "").lower() == "close":
                self.connection.close()
                self.connection = None
            try:
                document = json.loads(data) if data else {}
            except ValueError:
                document = {}
            return response.status, document
        except (OSError, http.client.HTTPException):
            if self.connection is not None:
                self.connection.close()
            self.connection = None
            return 0, {}  # transport failure: outcome open


def outcome_open(status, document):
    if status in (0, 502, 503, 504):
        return True
    return status == 409 and "in-progress" in str(document.get("type", ""))


def until_decided(client, path, body, key, retry_seconds, stats, lock):
    """POSTs until the answer is not open; (status, document), or (None, {}) after the deadline."""
    deadline = time.monotonic() + retry_seconds
    attempt = 0
    while True:
        status, document = client.post(path, body, key)
        if not outcome_open(status, document):
            return status, document
        with lock:
            stats["retries"] += 1
            stats["open_answers"][str(status)] = stats["open_answers"].get(str(status), 0) + 1
        attempt += 1
        if time.monotonic() >= deadline:
            return None, {}
        time.sleep(min(0.05 * 2 ** min(attempt, 4), 0.5) * random.uniform(0.5, 1.0))


def main():
    args = parse_args()
    suppliers = {}
    with open(args.skus) as lines:
        for line in lines:
            supplier, sku = line.split()
            suppliers.setdefault(int(supplier), []).append(int(sku))
    supplier_ids = sorted(suppliers)
    lock = threading.Lock()
    stats = {"retries": 0, "open_answers": {}, "refused": {}, "paid": 0, "pay_failed": 0,
             "pay_refused": {}}
    acknowledged = []  # (seconds since start, key, order id)
    given_up = []
    paid = []
    started_wall = time.time()
    started = time.monotonic()
    stop_at = started + args.seconds

    def worker(index):
        client = Client(args.gateway, args.token)
        rng = random.Random(index * 7919 + int(started_wall))
        counter = 0
        while time.monotonic() < stop_at:
            counter += 1
            first, second = rng.sample(supplier_ids, 2)
            lines = [{"sku_id": rng.choice(suppliers[first]), "quantity": 1},
                     {"sku_id": rng.choice(suppliers[second]), "quantity": 1}]
            body = json.dumps({"fund_plan": "personal", "lines": lines})
            key = "%s-%d-%d" % (args.key_prefix, index, counter)
            status, document = until_decided(client, "/v1/orders", body, key, args.retry_seconds,
                                              stats, lock)
            if status is None:
                with lock:
                    given_up.append(key)
                continue
            if status != 201:
                with lock:
                    kind = "%d %s" % (status, str(document.get("type", "")).rsplit("/", 1)[-1])
                    stats["refused"][kind] = stats["refused"].get(kind, 0) + 1
                continue
            order_id = int(document.get("id") or document.get("order_id") or 0)
            with lock:
                acknowledged.append((time.monotonic() - started, key, order_id))
                should_pay = args.pay_every and len(acknowledged) % args.pay_every == 0
            if should_pay:
                pay(client, order_id, key)

    def pay(client, order_id, key):
        status, intent = until_decided(client, "/v1/orders/%d/payment-intents" % order_id, "{}",
                                       key + "-pay", args.retry_seconds, stats, lock)
        intent_id = intent.get("intent_id") if status == 201 else None
        answer = intent
        if intent_id:
            status, answer = until_decided(client, "/v1/payments/sandbox/%s/confirm" % intent_id, "{}",
                                      "", args.retry_seconds, stats, lock)
        with lock:
            if intent_id and status == 202:
                stats["paid"] += 1
                paid.append(order_id)
            else:
                stats["pay_failed"] += 1
                step = "confirm" if intent_id else "intent"
                kind = "%s %s %s" % (step, status, str(answer.get("type", "")).rsplit("/", 1)[-1])
                stats["pay_refused"][kind] = stats["pay_refused"].get(kind, 0) + 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(args.threads)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started

    times = sorted(t for t, _, _ in acknowledged)
    # The longest stretch without an acknowledgement that ends after each event (within 60 s).
    stalls = {}
    if args.event_file:
        try:
            with open(args.event_file) as events:
                for line in events:
                    when, name = line.split(None, 1)
                    at = float(when) - started_wall
                    longest, previous = 0.0, at
                    for t in times:
                        if t <= at:
                            previous = t
                            continue
                        if t > at + 60:
                            break
                        longest = max(longest, t - previous)
                        previous = t
                    stalls[name.strip()] = {"at_second": round(at, 2),
                                            "longest_gap_seconds": round(longest, 3)}
        except FileNotFoundError:
            pass
    gaps = [b - a for a, b in zip(times, times[1:])]
    result = {
        "seconds": round(elapsed, 2),
        "threads": args.threads,
        "acknowledged": len(acknowledged),
        "orders_per_second": round(len(acknowledged) / elapsed, 1) if elapsed else 0,
        "retries": stats["retries"],
        "open_answers": stats["open_answers"],
        "refused": stats["refused"],
        "given_up": given_up,
        "paid": stats["paid"],
        "pay_failed": stats["pay_failed"],
        "pay_refused": stats["pay_refused"],
        "paid_order_ids": paid,
        "median_gap_seconds": round(sorted(gaps)[len(gaps) // 2], 4) if gaps else None,
        "stalls": stalls,
        "orders": [{"key": k, "id": i} for _, k, i in acknowledged],
    }
    with open(args.out, "w") as out:
        json.dump(result, out)
    brief = {k: v for k, v in result.items() if k not in ("orders", "paid_order_ids")}
    print(json.dumps(brief))


if __name__ == "__main__":
    main()
