// The dashboard in a real browser: headless Chromium (Debian's `chromium`) opens
// /dashboard/index.html#token=... (the fragment never reaches the server), the page reads the
// totals over the API and the feed, and its DOM shows the running total to the fen; a screenshot is
// saved under the build folder (tests/aidstats_dashboard.png) for people to look at. And an
// auditor signs in through the page's own form (password, then the authenticator's code), driven
// over the DevTools protocol (chromium_page.hpp), and sees the total.
#include <catch2/catch.hpp>
#include <chromium_page.hpp>
#include <cstdio>
#include <filesystem>
#include <thread>

#include "../identity/identity_world.hpp"
#include "aidstats_world.hpp"

using namespace huicai;
using namespace huicai::test;
using namespace huicai::test::aidstats;

namespace {

// "¥1,234,567.89" from fen, as the page writes it.
std::string exact_yuan(std::int64_t fen) {
  const std::string digits = std::to_string(fen / 100);
  std::string grouped;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) grouped += ',';
    grouped += digits[i];
  }
  const auto cents = fen % 100;
  return "¥" + grouped + "." + (cents < 10 ? "0" : "") + std::to_string(cents);
}

// Runs a shell command and returns what it printed.
std::string run(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (!pipe) return output;
  char buffer[4096];
  std::size_t count = 0;
  while ((count = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) output.append(buffer, count);
  ::pclose(pipe);
  return output;
}

std::string chromium(const std::string& arguments, const std::string& url) {
  return run(
      "timeout 90 chromium --headless=new --no-sandbox --disable-gpu --hide-scrollbars "
      "--no-first-run --disable-extensions --user-data-dir=$(mktemp -d) "
      "--window-size=1600,900 --virtual-time-budget=10000 " +
      arguments + " '" + url + "' 2>/dev/null");
}

}  // namespace

TEST_CASE("the dashboard shows the running total in headless Chromium", "[aidstats][dashboard]") {
  if (run("command -v chromium").empty()) FAIL("chromium is not installed (deploy/install.sh)");
  World world;
  auto catalog = world.make_catalog(50, 50);
  auto app = start_aidstats_app();
  auto employee_client = client_for(*app, employee());
  const auto order_id = place_paid_personal_order(world, *employee_client, catalog, 1, 0);
  REQUIRE(totals_caught_up(world, {order_id}));

  const auto url = "http://" + app->host() + ":" + std::to_string(app->port()) +
                   "/dashboard/index.html#token=" + token_for(*app, with_role(auth::Role::auditor));
  // The feed opens over a real socket, which headless Chromium's virtual time does not wait
  // for: on a loaded machine the page was once dumped before it opened ("未连接"). Load it
  // again, at most 3 times, before concluding.
  const std::string feed_live = "class=\"status live\"";
  std::int64_t before = 0;
  std::int64_t after = 0;
  std::string dom;
  for (int attempt = 0; attempt < 3; ++attempt) {
    before = total(world, "total", "", "");
    dom = chromium("--dump-dom", url);
    after = total(world, "total", "", "");
    if (dom.find(feed_live) != std::string::npos) break;
  }
  INFO(dom.substr(0, 2000));
  CHECK(dom.find("id=\"total-exact\"") != std::string::npos);
  // Orders of tests running beside this one may move the total while the page loads.
  const bool shows_total = dom.find(exact_yuan(before)) != std::string::npos ||
                           dom.find(exact_yuan(after)) != std::string::npos;
  CHECK(shows_total);
  // The figure people read: 亿元 / 万元, or yuan below 1万元.
  const std::string big = "id=\"total-chinese\" class=\"big\">";
  const auto start = dom.find(big);
  REQUIRE(start != std::string::npos);
  const auto figure = dom.substr(start + big.size(), dom.find('<', start) - start - big.size());
  CHECK(figure.ends_with("元"));
  // The subsidiary table is filled from aidstats' own routes (the group's roll-up), not left
  // "unavailable"; the feed is connected.
  CHECK(dom.find("unavailable") == std::string::npos);
  CHECK(dom.find("合计 ¥") != std::string::npos);
  CHECK(dom.find(feed_live) != std::string::npos);

  const std::filesystem::path screenshot =
      std::filesystem::path(HUICAI_BINARY_DIR) / "tests" / "aidstats_dashboard.png";
  std::filesystem::remove(screenshot);
  chromium("--screenshot=" + screenshot.string(), url);
  REQUIRE(std::filesystem::exists(screenshot));
  CHECK(std::filesystem::file_size(screenshot) > 10'000);
}

TEST_CASE("an auditor signs in through the dashboard's form with a code and sees the total",
          "[aidstats][dashboard]") {
  if (!ChromiumPage::installed()) FAIL("chromium is not installed (deploy/install.sh)");
  namespace iw = huicai::test::identity_world;
  World world;
  auto catalog = world.make_catalog(50, 50);
  ::setenv("HUICAI_ORDER_SWEEP_INTERVAL_MS", "0", 1);
  TestApp app(std::vector<huicai::app::ServiceEntry>{huicai::identity::service_entry(),
                                                     huicai::ordering::service_entry(),
                                                     huicai::aidstats::service_entry()});
  auto employee_client = client_for(app, employee());
  const auto order_id = place_paid_personal_order(world, *employee_client, catalog, 1, 0);
  REQUIRE(totals_caught_up(world, {order_id}));

  // An auditor with a password and an authenticator (enrolled with the previous step's code,
  // so the current one is still unused for the sign-in below).
  HttpClient client{app.host(), app.port()};
  const auto operator_token = iw::mint(app, iw::platform_principal(auth::Role::operator_));
  const auto auditor =
      iw::create_account(client, operator_token, "aud." + iw::unique_suffix(), std::nullopt);
  iw::grant_role(client, operator_token, auditor.id, "auditor");
  const auto enrolment_step = iw::login(client, auditor.login, auditor.password);
  REQUIRE(enrolment_step.enrolment_only);
  const auto secret = iw::enrol_totp(client, enrolment_step.access_token).secret;

  ChromiumPage page;
  page.navigate("http://" + app.host() + ":" + std::to_string(app.port()) +
                "/dashboard/index.html");
  // Shown: on the page and laid out (neither it nor a section around it hidden).
  const auto visible = [](const std::string& id) {
    return "(() => { const e = document.getElementById('" + id +
           "'); return e !== null && e.offsetParent !== null; })()";
  };
  REQUIRE(page.wait_for(visible("login-form"), std::chrono::seconds(20)));
  const auto fill_and_submit = [&](const std::string& form,
                                   std::vector<std::pair<std::string, std::string>> fields) {
    std::string script = "(() => {";
    for (const auto& [id, value] : fields) {
      script += "document.getElementById('" + id + "').value = " + js_string(value) + ";";
    }
    script += "document.getElementById('" + form + "').requestSubmit(); return true; })()";
    page.evaluate(script);
  };

  // A wrong password is refused on the form; the right one asks for the code.
  fill_and_submit("login-form", {{"login-input", auditor.login}, {"password-input", "Wrong-1"}});
  REQUIRE(page.wait_for("document.getElementById('sign-in-error').textContent !== ''",
                        std::chrono::seconds(20)));
  CHECK(page.evaluate("document.getElementById('board').hidden").as_bool());
  fill_and_submit("login-form",
                  {{"login-input", auditor.login}, {"password-input", auditor.password}});
  REQUIRE(page.wait_for(visible("code-form"), std::chrono::seconds(20)));
  fill_and_submit("code-form", {{"code-input", iw::totp_now(secret)}});
  REQUIRE(page.wait_for(visible("board"), std::chrono::seconds(20)));
  INFO("sign-in error: " << page.evaluate("document.getElementById('sign-in-error').textContent")
                         << ", sign-in hidden: "
                         << page.evaluate("document.getElementById('sign-in').hidden")
                         << ", stored: "
                         << page.evaluate("JSON.stringify(Object.keys(sessionStorage))"));
  CHECK(page.wait_for("!" + visible("sign-in"), std::chrono::seconds(5)));
  // The page keeps the access token of this sign-in.
  CHECK(page.evaluate("sessionStorage.getItem('huicai.token') !== null").as_bool());

  // The running total to the fen; orders of tests beside this one may move it meanwhile, and the
  // feed brings the page along.
  std::string shown;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  bool matches = false;
  while (!matches && std::chrono::steady_clock::now() < deadline) {
    shown = std::string(
        page.evaluate("document.getElementById('total-exact').textContent").as_string());
    matches = shown == exact_yuan(total(world, "total", "", ""));
    if (!matches) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  INFO("shown " << shown << ", totals " << exact_yuan(total(world, "total", "", "")));
  CHECK(matches);

  // After the sign-in the board goes live on the feed and fills the subsidiary table, as it does
  // with a token in the address (the screenshot then shows what a signed-in viewer sees).
  CHECK(page.wait_for("document.getElementById('feed-status').classList.contains('live')",
                      std::chrono::seconds(20)));
  CHECK(page.wait_for("document.getElementById('subsidiary-note').textContent.includes('合计')",
                      std::chrono::seconds(20)));
  // The screenshot shows the charts drawn, not halfway through their animation.
  CHECK(page.wait_for("document.querySelectorAll('.chart[data-drawn=yes]').length === 3",
                      std::chrono::seconds(20)));

  const std::filesystem::path screenshot =
      std::filesystem::path(HUICAI_BINARY_DIR) / "tests" / "aidstats_dashboard_signed_in.png";
  std::filesystem::remove(screenshot);
  page.screenshot(screenshot);
  REQUIRE(std::filesystem::exists(screenshot));
  CHECK(std::filesystem::file_size(screenshot) > 10'000);
}
