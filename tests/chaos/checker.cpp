#include "checker.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <huicai/aidstats/service.hpp>
#include <huicai/aidstats/totals.hpp>
#include <huicai/settlement/service.hpp>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "database.hpp"

namespace huicai::chaos {
namespace {

std::string join(const std::vector<std::int64_t>& ids) {
  std::string out;
  for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out.empty() ? "0" : out;
}

std::string quoted(const std::vector<std::string>& values) {
  std::string out;
  for (const auto& value : values) out += (out.empty() ? "'" : ",'") + value + "'";
  return out;
}

// Published events of `types` that `group` has not processed.
std::string unconsumed_sql(const std::vector<std::string>& types, const std::string& table,
                           std::string_view group) {
  return "SELECT COUNT(*) FROM ordering_outbox o WHERE o.published_at IS NOT NULL AND "
         "o.event_type IN (" +
         quoted(types) + ") AND NOT EXISTS (SELECT 1 FROM " + table +
         " p WHERE p.consumer_group = '" + std::string(group) + "' AND p.event_id = o.event_id)";
}

const std::vector<std::string>& ledger_types() {
  static const std::vector<std::string> types = [] {
    return settlement::ledger_consumer_options().event_types;
  }();
  return types;
}

using Sums = std::map<std::int64_t, std::int64_t>;
Sums sums(Database& db, const std::string& sql) {
  Sums out;
  for (const auto& row : db.rows(sql)) out[row[0]] = row[1];
  return out;
}

}  // namespace

Quiet wait_until_quiet(std::chrono::milliseconds deadline) {
  const auto started = Clock::now();
  Quiet quiet;
  while (true) {
    try {
      Database db;
      const struct {
        const char* what;
        std::string sql;
      } checks[] = {
          {"unpublished outbox rows",
           "SELECT COUNT(*) FROM ordering_outbox WHERE published_at IS NULL"},
          {"events the ledger has not consumed",
           unconsumed_sql(ledger_types(), "settlement_processed_events", settlement::kLedgerGroup)},
          {"events the aid totals have not consumed",
           unconsumed_sql(aidstats::kTotalsEventTypes, "aidstats_processed_events",
                          aidstats::kTotalsGroup)},
          {"payment callbacks not delivered",
           "SELECT COUNT(*) FROM ordering_callback_deliveries WHERE status = 'pending'"},
      };
      quiet.waiting_for.clear();
      for (const auto& check : checks) {
        if (const auto n = db.scalar(check.sql); n != 0) {
          quiet.waiting_for = std::to_string(n) + " " + check.what;
          break;
        }
      }
    } catch (const std::exception& error) {
      quiet.waiting_for = std::string("MariaDB: ") + error.what();
    }
    quiet.after = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started);
    if (quiet.waiting_for.empty()) {
      quiet.reached = true;
      return quiet;
    }
    if (quiet.after >= deadline) return quiet;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

std::vector<std::string> check_invariants(const Fixture& fixture, const Workload& workload,
                                          const History& history, const std::string& huicai) {
  std::vector<std::string> violations;
  auto fail = [&](std::string text) { violations.push_back(std::move(text)); };
  Database db;

  // Stock.
  std::vector<std::int64_t> skus = fixture.skus;
  skus.push_back(fixture.hot_sku);
  for (const auto& row :
       db.rows("SELECT s.sku_id, s.available, s.reserved, s.sold, "
               "(SELECT COALESCE(SUM(l.quantity), 0) FROM ordering_order_lines l JOIN "
               "ordering_fulfilments f ON f.id = l.fulfilment_id WHERE l.sku_id = s.sku_id AND "
               "f.status IN ('shipped', 'received', 'accepted')), "
               "(SELECT COALESCE(SUM(l.quantity), 0) FROM ordering_order_lines l JOIN "
               "ordering_fulfilments f ON f.id = l.fulfilment_id WHERE l.sku_id = s.sku_id AND "
               "f.status IN ('awaiting_payment', 'to_ship')) FROM ordering_stock s WHERE s.sku_id "
               "IN (" +
               join(skus) + ")")) {
    const auto sku = row[0], available = row[1], reserved = row[2], sold = row[3];
    const auto shipped = row[4], held = row[5];
    const auto stocked = fixture.stocked.at(sku);
    std::ostringstream where;
    where << "sku " << sku << ": available " << available << ", reserved " << reserved << ", sold "
          << sold << ", stocked " << stocked << ", shipped lines " << shipped << ", held lines "
          << held;
    if (available < 0 || reserved < 0 || sold < 0) fail("stock negative: " + where.str());
    if (available + reserved + sold != stocked) fail("stock not conserved: " + where.str());
    if (sold != shipped) fail("sold differs from what shipped: " + where.str());
    if (reserved != held) fail("reserved differs from what orders hold: " + where.str());
  }

  // Orders: acknowledged exactly once, and nothing else.
  const auto& acknowledged = workload.acknowledged_orders();
  std::vector<std::int64_t> buyers;
  for (const auto& buyer : fixture.buyers) buyers.push_back(buyer.account_id);
  const auto found =
      db.scalar("SELECT COUNT(*) FROM ordering_orders WHERE id IN (" + join(acknowledged) + ")");
  if (found != static_cast<std::int64_t>(acknowledged.size())) {
    // Name them, with the Idempotency-Key they were acknowledged under, to trace in the logs.
    std::set<std::int64_t> present;
    for (const auto& row :
         db.rows("SELECT id FROM ordering_orders WHERE id IN (" + join(acknowledged) + ")")) {
      present.insert(row[0]);
    }
    std::string missing;
    for (const auto id : acknowledged) {
      if (!present.contains(id))
        missing += " " + std::to_string(id) + " (" + workload.key_of(id) + ")";
    }
    fail("acknowledged orders: " + std::to_string(acknowledged.size()) + ", found " +
         std::to_string(found) + "; missing:" + missing);
  }
  const auto all = db.scalar("SELECT COUNT(*) FROM ordering_orders WHERE buyer_account_id IN (" +
                             join(buyers) + ")");
  if (all != static_cast<std::int64_t>(acknowledged.size())) {
    fail("orders of the run's buyers: " + std::to_string(all) + ", acknowledged " +
         std::to_string(acknowledged.size()) + " (an order nobody was told about, or twice)");
  }

  // One Idempotency-Key, one order: a retried unknown and the clients sending one request at
  // once must all be answered with the same order.
  for (const auto& [key, orders] : workload.keys_with_several_orders()) {
    std::vector<std::int64_t> ids(orders.begin(), orders.end());
    fail("idempotency key " + key + " acknowledged " + std::to_string(ids.size()) +
         " different orders: " + join(ids));
  }

  // Unknown outcomes.
  for (const auto& op : history.operations) {
    if (op.first == Outcome::unknown && op.resolution != "done-once" &&
        op.resolution != "not-done") {
      fail("unknown outcome not resolved: cycle " + std::to_string(op.cycle) + " " + op.target);
    }
  }

  // Payments.
  if (const auto twice =
          db.scalar("SELECT COUNT(*) FROM (SELECT order_id FROM ordering_payments WHERE status = "
                    "'succeeded' GROUP BY order_id HAVING COUNT(*) > 1) AS t");
      twice) {
    fail(std::to_string(twice) + " orders with more than one succeeded payment");
  }
  if (const auto twice = db.scalar(
          "SELECT COUNT(*) FROM (SELECT aggregate_id FROM ordering_outbox WHERE event_type = "
          "'ordering.order_paid.v1' GROUP BY aggregate_id HAVING COUNT(*) > 1) AS t");
      twice) {
    fail(std::to_string(twice) + " orders paid twice (two order_paid events)");
  }

  // Money per supplier and county, exact in fen.
  const auto suppliers = join(fixture.suppliers());
  const auto ordering = sums(db,
                             "SELECT supplier_id, SUM(line_total_fen - refunded_fen) FROM "
                             "ordering_settlement_lines WHERE supplier_id IN (" +
                                 suppliers + ") GROUP BY supplier_id");
  const auto ledger =
      sums(db,
           "SELECT e.supplier_id, SUM(IF(e.side = 'C', e.amount_fen, -e.amount_fen)) FROM "
           "settlement_entries e JOIN settlement_postings p ON p.id = e.posting_id JOIN "
           "settlement_accounts a ON a.id = e.account_id WHERE p.kind <> 'payout' AND a.kind IN "
           "('payable_unaccepted', 'payable_due') AND e.supplier_id IN (" +
               suppliers + ") GROUP BY e.supplier_id");
  const auto live = sums(db,
                         "SELECT CAST(item AS SIGNED), amount_fen FROM aidstats_totals WHERE "
                         "dimension = 'supplier' AND period = '' AND item IN (" +
                             quoted([&] {
                               std::vector<std::string> items;
                               for (auto id : fixture.suppliers())
                                 items.push_back(std::to_string(id));
                               return items;
                             }()) +
                             ")");
  auto value = [](const Sums& in, std::int64_t key) {
    const auto it = in.find(key);
    return it == in.end() ? 0 : it->second;
  };
  std::map<std::int64_t, std::int64_t> county_net;
  std::int64_t total_net = 0;
  for (const auto& [supplier, county] : fixture.county_of_supplier) {
    const auto net = value(ordering, supplier);
    county_net[county] += net;
    total_net += net;
    if (value(ledger, supplier) != net || value(live, supplier) != net) {
      fail("supplier " + std::to_string(supplier) + ": orders − refunds " + std::to_string(net) +
           " fen, ledger " + std::to_string(value(ledger, supplier)) + " fen, live aid total " +
           std::to_string(value(live, supplier)) + " fen");
    }
  }
  for (const auto& [county, net] : county_net) {
    const auto aid = db.scalar(
        "SELECT COALESCE(SUM(amount_fen), 0) FROM aidstats_totals WHERE dimension = 'county' AND "
        "period = '' AND item = '" +
        std::to_string(county) + "'");
    const auto county_ledger = db.scalar(
        "SELECT COALESCE(SUM(IF(e.side = 'C', e.amount_fen, -e.amount_fen)), 0) FROM "
        "settlement_entries e JOIN settlement_postings p ON p.id = e.posting_id JOIN "
        "settlement_accounts a ON a.id = e.account_id WHERE p.kind <> 'payout' AND a.kind IN "
        "('payable_unaccepted', 'payable_due') AND e.county_id = " +
        std::to_string(county));
    if (aid != net || county_ledger != net) {
      fail("county " + std::to_string(county) + ": orders − refunds " + std::to_string(net) +
           " fen, ledger " + std::to_string(county_ledger) + " fen, live aid total " +
           std::to_string(aid) + " fen");
    }
  }
  const auto group_total = db.scalar(
      "SELECT COALESCE(SUM(amount_fen), 0) FROM aidstats_totals WHERE dimension = 'total' AND "
      "period = ''");
  if (group_total != total_net) {
    fail("live aid total " + std::to_string(group_total) + " fen, orders − refunds " +
         std::to_string(total_net) + " fen");
  }

  // Events: every published one consumed by each consumer (the processed-events key makes it
  // at most once; the sums above show each effect applied once).
  if (const auto n = db.scalar(unconsumed_sql(ledger_types(), "settlement_processed_events",
                                              settlement::kLedgerGroup))) {
    fail(std::to_string(n) + " events never consumed by the ledger");
  }
  if (const auto n = db.scalar(unconsumed_sql(
          aidstats::kTotalsEventTypes, "aidstats_processed_events", aidstats::kTotalsGroup))) {
    fail(std::to_string(n) + " events never consumed by the aid totals");
  }

  // The reconciliation command.
  const std::string command = "'" + huicai + "' reconcile >/dev/null 2>&1";
  const int status = std::system(command.c_str());
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    fail("huicai reconcile exited " + std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1));
  }
  return violations;
}

}  // namespace huicai::chaos
