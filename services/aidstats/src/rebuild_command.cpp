// `huicai aidstats-rebuild`: recomputes every aid total from ordering's published views, with
// progress on stderr (a bar redrawn in place on a terminal, one plain line per tenth otherwise,
// so logs and pipes stay readable), and prints the result as JSON.
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <chrono>
#include <cstdio>
#include <huicai/aidstats/rebuild.hpp>
#include <huicai/core/mysql/pool.hpp>
#include <huicai/core/mysql/pool_options_from.hpp>
#include <iostream>

#include "routes.hpp"

namespace huicai::aidstats {
namespace {

struct Progress {
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();
  bool terminal = ::isatty(STDERR_FILENO) == 1;
  int last_tenth = -1;  // plain lines: the last tenth reported

  void draw(std::int64_t done, std::int64_t total) {
    constexpr int kWidth = 30;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    const int percent = total == 0 ? 100 : static_cast<int>(done * 100 / total);
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    if (terminal) {
      const int filled = total == 0 ? kWidth : static_cast<int>(done * kWidth / total);
      std::fprintf(stderr, "\r[%s%s] %3d%% %lld/%lld orders, %.0f orders/s",
                   std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
                   percent, static_cast<long long>(done), static_cast<long long>(total), rate);
      return;
    }
    if (percent / 10 == last_tenth) return;
    last_tenth = percent / 10;
    std::fprintf(stderr, "aidstats-rebuild: %d%% %lld/%lld orders, %.0f orders/s\n", percent,
                 static_cast<long long>(done), static_cast<long long>(total), rate);
  }
};

}  // namespace

int run_command(const Config& config, const std::vector<std::string>& arguments) {
  if (arguments.empty() || arguments[0] != "aidstats-rebuild") return app::kNotThisCommand;
  if (arguments.size() > 1) {
    std::cerr << "usage: huicai aidstats-rebuild\n";
    return 2;
  }
  try {
    boost::asio::io_context io;
    auto options = mysql::pool_options_from(config);
    options.size = 1;
    options.read_timeout = std::chrono::seconds(3600);  // one long transaction
    mysql::Pool pool(io.get_executor(), options);
    Progress progress;
    const auto result = rebuild_totals(
        pool, [&](std::int64_t done, std::int64_t total) { progress.draw(done, total); });
    progress.draw(result.orders, result.orders);
    pool.close();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - progress.started).count();
    if (progress.terminal) std::fprintf(stderr, "\n");
    std::printf("{\"orders\":%lld,\"aid_orders\":%lld,\"total_fen\":%lld,\"seconds\":%.3f}\n",
                static_cast<long long>(result.orders), static_cast<long long>(result.aid_orders),
                static_cast<long long>(result.total_fen), seconds);
    return 0;
  } catch (const std::exception& error) {
    std::cerr << "\naidstats-rebuild: " << error.what() << "\n";
    return 1;
  }
}

}  // namespace huicai::aidstats
