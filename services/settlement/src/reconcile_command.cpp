// `huicai reconcile [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--county ID] [--supplier ID]
// [--connections N]`:
// prints one line per supplier (county, supplier, the five sums in fen) and every mismatch with
// the orders involved; exits 1 on any mismatch, 2 on bad arguments or a failure.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <cstdio>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <huicai/settlement/reconcile.hpp>
#include <iostream>

#include "parallel_jobs.hpp"
#include "routes.hpp"

namespace huicai::settlement {
namespace {

// The reconciliation's sides are separate scans of separate tables: on their own connections
// MariaDB runs them side by side (the endpoint does the same), so the wall time is about the
// longest side, not their sum. `--connections 1` runs them one after another.
constexpr std::size_t kMaxConnections = 8;

std::optional<ReconcileFilter> parse(const std::vector<std::string>& arguments,
                                     std::size_t& connections) {
  ReconcileFilter filter;
  for (std::size_t i = 1; i < arguments.size(); ++i) {
    const std::string& name = arguments[i];
    if (i + 1 >= arguments.size()) return std::nullopt;
    const std::string& value = arguments[++i];
    try {
      if (name == "--from") {
        filter.from = value;
      } else if (name == "--to") {
        filter.to = value;
      } else if (name == "--county") {
        filter.county_id = std::stoll(value);
      } else if (name == "--supplier") {
        filter.supplier_id = std::stoll(value);
      } else if (name == "--connections") {
        connections = std::stoul(value);
        if (connections < 1 || connections > kMaxConnections) return std::nullopt;
      } else {
        return std::nullopt;
      }
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  return filter;
}

void progress_bar(int done, int steps) {
  constexpr int kWidth = 30;
  const int filled = done * kWidth / steps;
  std::fprintf(stderr, "\rreconciling [%s%s] %d/%d", std::string(filled, '#').c_str(),
               std::string(kWidth - filled, ' ').c_str(), done, steps);
  if (done == steps) std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace

int run_command(const Config& config, const std::vector<std::string>& arguments) {
  if (arguments.empty() || arguments[0] != "reconcile") return app::kNotThisCommand;
  std::size_t connections = kReconcileConnections;
  auto filter = parse(arguments, connections);
  if (!filter) {
    std::cerr << "usage: huicai reconcile [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--county ID] "
                 "[--supplier ID] [--connections 1-8]\n";
    return 2;
  }
  try {
    boost::asio::io_context io;  // the pool wants an executor; blocking calls never use it
    auto options = mysql::pool_options_from(config, mysql::PoolRole::app);
    options.size = connections;
    options.read_timeout = std::chrono::hours(1);  // a full run over years of orders
    mysql::Pool pool(io.get_executor(), options);
    const bool terminal = isatty(STDERR_FILENO) == 1;
    const auto result =
        reconcile([&](const SessionJobs& jobs) { run_at_once(pool, connections, jobs); }, *filter,
                  terminal ? std::function<void(int, int)>(&progress_bar) : nullptr);
    std::cout << "county\tsupplier\tordering_net_fen\tledger_aid_fen\tstatements_fen\t"
                 "accepted_unsettled_fen\tpaid_unaccepted_fen\tresult\n";
    for (const auto& row : result.suppliers) {
      std::cout << row.county_id << '\t' << row.supplier_id << '\t' << row.ordering_net_fen << '\t'
                << row.ledger_aid_fen << '\t' << row.statements_fen << '\t'
                << row.accepted_unsettled_fen << '\t' << row.paid_unaccepted_fen << '\t'
                << (row.matches() ? "ok" : "MISMATCH") << '\n';
    }
    for (const auto& row : result.suppliers) {
      if (row.matches()) continue;
      std::cout << "mismatch: county " << row.county_id << " supplier " << row.supplier_id
                << ": ordering " << row.ordering_net_fen << " fen, ledger " << row.ledger_aid_fen
                << " fen, statements + unsettled + unaccepted "
                << row.statements_fen + row.accepted_unsettled_fen + row.paid_unaccepted_fen
                << " fen; orders:";
      for (auto id : row.order_ids) std::cout << ' ' << id;
      std::cout << '\n';
    }
    if (result.fund_sources_net_fen != result.orders_aid_fen) {
      std::cout << "mismatch: fund sources net " << result.fund_sources_net_fen
                << " fen, aid postings of the same orders " << result.orders_aid_fen << " fen\n";
    }
    std::cout << (result.ok() ? "reconciled: " : "NOT reconciled: ") << result.suppliers.size()
              << " suppliers, " << result.mismatches << " mismatches, ledger aid "
              << result.ledger_aid_fen << " fen\n";
    return result.ok() ? 0 : 1;
  } catch (const std::exception& error) {
    std::cerr << "reconcile failed: " << error.what() << '\n';
    return 2;
  }
}

}  // namespace huicai::settlement
