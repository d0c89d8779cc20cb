// `huicai aidstats-rebuild`, the real binary: it recomputes every total from the source and
// the result equals the live totals; its progress is plain lines when stderr is a pipe or a
// log, and a bar redrawn in place on a terminal (run under script(1), which gives it a pty).
#include <sys/wait.h>

#include <catch2/catch.hpp>
#include <cstdio>

#include "aidstats_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::aidstats;

namespace {

struct CommandResult {
  int exit_code = -1;
  std::string output;
};

// Runs `command` in a shell with the test's environment (it names the test database).
CommandResult run_shell(const std::string& command) {
  CommandResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) result.output += buffer;
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

const std::string kBinary = std::string(HUICAI_BINARY_DIR) + "/services/all_in_one/huicai";

}  // namespace

TEST_CASE("the aidstats-rebuild command restores the live totals, with progress",
          "[aidstats][rebuild][command]") {
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_aidstats_app();
  const auto subsidiary = world.make_unit();
  auto buyer = buyer_of(*app, world, subsidiary, 200000);
  auto first = place_order_of(world, buyer, catalog, 4, 2);
  const auto fulfilment = first.fulfilment_of_supplier.at(catalog.supplier_a);
  deliver(*app, world, buyer, catalog.supplier_a, fulfilment,
          R"([{"line_id":)" + std::to_string(first.line_of_sku.at(catalog.sku_a)) +
              R"(,"accepted_weight_grams":17500}])");  // 3.5 of 4 bags
  auto employee_client = client_for(*app, employee());
  const auto second = place_paid_personal_order(world, *employee_client, catalog, 2, 0);
  REQUIRE(totals_caught_up(world, {first.order_id, second}));

  const std::string mine = "((dimension = 'county' AND item = '" +
                           std::to_string(catalog.county_id) + "') OR (dimension = 'unit' AND " +
                           "item = '" + std::to_string(subsidiary.id) + "'))";
  const std::string live = totals_picture(world, mine);
  REQUIRE(total(world, "county", "", std::to_string(catalog.county_id)) ==
          4 * 2999 - 1500 + 2 * 2999);
  auto damage = [&] {
    world.execute(
        "UPDATE aidstats_totals SET amount_fen = amount_fen + 777 WHERE dimension = "
        "'county' AND item = '" +
        std::to_string(catalog.county_id) + "'");
    world.execute("DELETE FROM aidstats_totals WHERE dimension = 'unit' AND item = '" +
                  std::to_string(subsidiary.id) + "'");
    REQUIRE(totals_picture(world, mine) != live);
  };

  SECTION("stderr to a pipe: plain progress lines, the result as JSON") {
    damage();
    const auto result = run_shell(kBinary + " aidstats-rebuild 2>&1");
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("aidstats-rebuild: 100% ") != std::string::npos);
    CHECK(result.output.find("orders/s\n") != std::string::npos);
    CHECK(result.output.find('\r') == std::string::npos);
    CHECK(result.output.find("\"total_fen\":") != std::string::npos);
    CHECK(totals_picture(world, mine) == live);
  }
  SECTION("on a terminal: a bar redrawn in place") {
    damage();
    const auto result =
        run_shell("script -qefc '" + kBinary + " aidstats-rebuild' /dev/null </dev/null");
    INFO(result.output);
    CHECK(result.exit_code == 0);
    CHECK(result.output.find("\r[##############################] 100% ") != std::string::npos);
    CHECK(result.output.find("aidstats-rebuild: ") == std::string::npos);
    CHECK(totals_picture(world, mine) == live);
  }
  SECTION("a wrong argument is refused and changes nothing") {
    damage();
    const auto damaged = totals_picture(world, mine);
    const auto result = run_shell(kBinary + " aidstats-rebuild --everything 2>&1");
    CHECK(result.exit_code == 2);
    CHECK(result.output.find("usage: huicai aidstats-rebuild") != std::string::npos);
    CHECK(totals_picture(world, mine) == damaged);
  }
}
