// Matching walks patterns and paths segment by segment over string_views: no allocation for
// routes that do not match. When several patterns match a path, the one with a literal segment
// earlier wins ("/v1/orders/mine" beats "/v1/orders/{order_id}").
#include <algorithm>
#include <huicai/core/http/router.hpp>
#include <stdexcept>

namespace huicai::http {
namespace {

// Splits "/a/b/c" into its segments one at a time.
class SegmentCursor {
 public:
  explicit SegmentCursor(std::string_view path) : rest_(path) {}
  // False at the end. The root path "/" has no segments.
  bool next(std::string_view& segment) {
    if (rest_.empty()) return false;
    rest_.remove_prefix(1);  // the '/'
    const auto slash = rest_.find('/');
    segment = rest_.substr(0, slash);
    rest_ = slash == std::string_view::npos ? std::string_view{} : rest_.substr(slash);
    return true;
  }

 private:
  std::string_view rest_;
};

bool is_parameter(std::string_view segment) {
  return segment.size() >= 2 && segment.front() == '{' && segment.back() == '}';
}

// The pattern with parameter names blanked, so "/a/{x}" and "/a/{y}" count as duplicates.
std::string shape_of(std::string_view pattern) {
  std::string shape;
  SegmentCursor cursor(pattern);
  std::string_view segment;
  while (cursor.next(segment)) {
    shape += '/';
    shape += is_parameter(segment) ? std::string_view("{}") : segment;
  }
  return shape.empty() ? "/" : shape;
}

void validate_pattern(std::string_view pattern) {
  if (pattern.empty() || pattern.front() != '/') {
    throw std::logic_error("route pattern must start with '/': " + std::string(pattern));
  }
  if (pattern == "/") return;
  std::vector<std::string_view> names;
  SegmentCursor cursor(pattern);
  std::string_view segment;
  while (cursor.next(segment)) {
    if (segment.empty()) {
      throw std::logic_error("route pattern has an empty segment: " + std::string(pattern));
    }
    const bool has_brace = segment.find_first_of("{}") != std::string_view::npos;
    if (is_parameter(segment)) {
      const auto name = segment.substr(1, segment.size() - 2);
      if (name.empty() || name.find_first_of("{}") != std::string_view::npos) {
        throw std::logic_error("route pattern has a malformed parameter: " + std::string(pattern));
      }
      if (std::find(names.begin(), names.end(), name) != names.end()) {
        throw std::logic_error("route pattern repeats a parameter: " + std::string(pattern));
      }
      names.push_back(name);
    } else if (has_brace) {
      throw std::logic_error("route pattern has a stray brace: " + std::string(pattern));
    }
  }
}

// Matches path against pattern; on success fills params (when given) and a specificity key
// (one bit per segment, 1 = literal) that ranks competing matches.
bool match_pattern(std::string_view pattern, std::string_view path,
                   std::vector<std::pair<std::string, std::string>>* params,
                   std::vector<bool>& specificity) {
  specificity.clear();
  SegmentCursor pattern_cursor(pattern == "/" ? std::string_view{} : pattern);
  SegmentCursor path_cursor(path == "/" ? std::string_view{} : path);
  std::string_view pattern_segment;
  std::string_view path_segment;
  while (true) {
    const bool has_pattern = pattern_cursor.next(pattern_segment);
    const bool has_path = path_cursor.next(path_segment);
    if (has_pattern != has_path) return false;
    if (!has_pattern) return true;
    if (is_parameter(pattern_segment)) {
      if (path_segment.empty()) return false;
      specificity.push_back(false);
      if (params) {
        params->emplace_back(std::string(pattern_segment.substr(1, pattern_segment.size() - 2)),
                             std::string(path_segment));
      }
    } else {
      if (pattern_segment != path_segment) return false;
      specificity.push_back(true);
    }
  }
}

}  // namespace

void Router::add(Route route) {
  validate_pattern(route.pattern);
  if (!route.handler) {
    throw std::logic_error("route has no handler: " + route.pattern);
  }
  const auto shape = shape_of(route.pattern);
  for (const auto& existing : routes_) {
    if (existing.method == route.method && shape_of(existing.pattern) == shape) {
      throw std::logic_error("duplicate route: " + std::string(to_string(route.method)) + " " +
                             route.pattern + " (already registered as " + existing.pattern + ")");
    }
  }
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(Method method, std::string_view path) const {
  RouteMatch result;
  const Route* best = nullptr;
  std::vector<bool> best_specificity;
  std::vector<bool> specificity;
  const Route* best_get = nullptr;  // HEAD falls back to the GET route
  std::vector<bool> best_get_specificity;
  bool path_matched = false;

  for (const auto& route : routes_) {
    if (!match_pattern(route.pattern, path, nullptr, specificity)) continue;
    path_matched = true;
    if (std::find(result.allowed.begin(), result.allowed.end(), route.method) ==
        result.allowed.end()) {
      result.allowed.push_back(route.method);
    }
    if (route.method == method && (!best || specificity > best_specificity)) {
      best = &route;
      best_specificity = specificity;
    }
    if (route.method == Method::get && (!best_get || specificity > best_get_specificity)) {
      best_get = &route;
      best_get_specificity = specificity;
    }
  }
  if (!path_matched) return result;

  // A GET route answers HEAD too (RFC 9110 9.3.2).
  const bool has_get = best_get != nullptr;
  if (has_get && std::find(result.allowed.begin(), result.allowed.end(), Method::head) ==
                     result.allowed.end()) {
    result.allowed.push_back(Method::head);
  }
  if (!best && method == Method::head) best = best_get;
  if (best) {
    match_pattern(best->pattern, path, &result.params, specificity);
    result.route = best;
    result.allowed.clear();
  } else {
    std::sort(result.allowed.begin(), result.allowed.end());
  }
  return result;
}

}  // namespace huicai::http
