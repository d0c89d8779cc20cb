// `huicai aidstats-rebuild`: recomputes every aid total from ordering's published views, with a
// progress bar on stderr, and prints the result as JSON.
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

void draw_progress(std::int64_t done, std::int64_t total,
                   std::chrono::steady_clock::time_point started) {
  constexpr int kWidth = 30;
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  const int filled = total == 0 ? kWidth : static_cast<int>(done * kWidth / total);
  std::fprintf(stderr, "\r[%s%s] %3d%% %lld/%lld orders, %.0f orders/s",
               std::string(filled, '#').c_str(), std::string(kWidth - filled, '.').c_str(),
               total == 0 ? 100 : static_cast<int>(done * 100 / total),
               static_cast<long long>(done), static_cast<long long>(total),
               seconds > 0 ? static_cast<double>(done) / seconds : 0.0);
}

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
    const auto started = std::chrono::steady_clock::now();
    const auto result = rebuild_totals(
        pool, [&](std::int64_t done, std::int64_t total) { draw_progress(done, total, started); });
    draw_progress(result.orders, result.orders, started);
    pool.close();
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::fprintf(stderr, "\n");
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
