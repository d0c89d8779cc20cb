// The dashboard (大屏): static files served by aidstats, read once at start from the dashboard
// folder (HUICAI_DASHBOARD_DIR, default the checkout's services/aidstats/dashboard) and ECharts
// from its npm install there (node_modules, pinned by package-lock.json): no CDN, works with no
// internet. The page holds no data; everything it shows comes from the token-guarded API.
#include <filesystem>
#include <fstream>
#include <huicai/core/app/context.hpp>
#include <huicai/core/http/problem.hpp>
#include <huicai/core/http/router.hpp>
#include <huicai/core/log.hpp>
#include <map>
#include <sstream>

#include "routes.hpp"

namespace huicai::aidstats {
namespace {

using Awaited = boost::asio::awaitable<http::Response>;

// Scripts and styles from this origin only; the feed's WebSocket to this origin; no framing.
constexpr const char* kContentSecurityPolicy =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

struct DashboardFile {
  std::string relative_path;  // under the dashboard folder
  std::string content_type;
};

// The files the page is made of, by the name it is served under (/dashboard/<name>).
const std::map<std::string, DashboardFile>& dashboard_files() {
  static const std::map<std::string, DashboardFile> files = {
      {"index.html", {"index.html", "text/html; charset=utf-8"}},
      {"dashboard.js", {"dashboard.js", "text/javascript; charset=utf-8"}},
      {"dashboard.css", {"dashboard.css", "text/css; charset=utf-8"}},
      {"money.js", {"money.js", "text/javascript; charset=utf-8"}},
      {"sign_in.js", {"sign_in.js", "text/javascript; charset=utf-8"}},
      {"echarts.min.js",
       {"node_modules/echarts/dist/echarts.min.js", "text/javascript; charset=utf-8"}},
  };
  return files;
}

std::filesystem::path dashboard_folder(const Config& config) {
  if (!config.dashboard_dir.empty()) return config.dashboard_dir;
  return HUICAI_AIDSTATS_DASHBOARD_DIR;
}

using LoadedFiles = std::map<std::string, std::shared_ptr<const std::string>>;

// Every file, or none of them missing silently: a missing one is logged and answers 503.
std::shared_ptr<const LoadedFiles> load_dashboard(const Config& config) {
  auto loaded = std::make_shared<LoadedFiles>();
  const auto folder = dashboard_folder(config);
  for (const auto& [name, file] : dashboard_files()) {
    std::ifstream in(folder / file.relative_path, std::ios::binary);
    if (!in) {
      log::warn("dashboard file missing (run deploy/install.sh for ECharts)",
                {{"file", (folder / file.relative_path).string()}});
      continue;
    }
    std::ostringstream text;
    text << in.rdbuf();
    (*loaded)[name] = std::make_shared<const std::string>(text.str());
  }
  return loaded;
}

Awaited get_dashboard_file(std::shared_ptr<const LoadedFiles> files, http::Request& request) {
  const std::string name(request.path_param("file"));
  const auto known = dashboard_files().find(name);
  if (known == dashboard_files().end()) {
    throw http::Problem(404, "not-found", "Not found", "the dashboard has no file " + name);
  }
  const auto loaded = files->find(name);
  if (loaded == files->end()) {
    throw http::Problem(503, "dashboard-not-installed", "Dashboard not installed",
                        "the server is missing " + known->second.relative_path);
  }
  http::Response response;
  response.shared_body = loaded->second;
  response.set_header("content-type", known->second.content_type);
  response.set_header("content-security-policy", kContentSecurityPolicy);
  response.set_header("x-content-type-options", "nosniff");
  response.set_header("referrer-policy", "no-referrer");
  response.set_header("cache-control", name == "index.html" ? "no-cache" : "public, max-age=300");
  co_return response;
}

Awaited redirect_to_dashboard(std::shared_ptr<const LoadedFiles>, http::Request&) {
  auto response = http::Response::empty(308);
  response.set_header("location", "/dashboard/index.html");
  co_return response;
}

http::Handler bound(Awaited (*handler)(std::shared_ptr<const LoadedFiles>, http::Request&),
                    std::shared_ptr<const LoadedFiles> files) {
  return [handler, files](http::Request& request) { return handler(files, request); };
}

}  // namespace

void add_dashboard_routes(http::Router& router, app::Context& context) {
  const auto files = load_dashboard(context.config());
  const auto anyone = auth::AccessRule::public_route();
  const std::string s = "aidstats";
  router.add({http::Method::get, "/dashboard", s, anyone, bound(redirect_to_dashboard, files), {}});
  router.add(
      {http::Method::get, "/dashboard/{file}", s, anyone, bound(get_dashboard_file, files), {}});
}

}  // namespace huicai::aidstats
