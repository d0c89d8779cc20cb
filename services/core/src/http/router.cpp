// Patterns are split into segments once, at add(); a match splits the path once onto the stack
// and compares segment lists, so only the result (captured params, or a 405's Allow list)
// allocates. When several patterns match a path, the one with a literal segment earlier wins
// ("/v1/orders/mine" beats "/v1/orders/{order_id}").
#include <algorithm>
#include <array>
#include <cstdint>
#include <huicai/core/http/router.hpp>
#include <span>
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
  std::size_t count = 0;
  while (cursor.next(segment)) {
    if (++count > Router::kMaxSegments) {
      throw std::logic_error("route pattern has more than " + std::to_string(Router::kMaxSegments) +
                             " segments: " + std::string(pattern));
    }
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

// Ranks competing matches: bit (63 - i) is set when segment i is a literal, so comparing two
// keys as integers compares their literal/parameter sequences from the left. Every candidate
// has as many segments as the path, so the keys are always comparable.
using Specificity = std::uint64_t;

// Whether the pattern's segments match the path's; fills the specificity key on success.
template <typename Segment>
bool segments_match(const std::vector<Segment>& pattern, std::span<const std::string_view> path,
                    Specificity& specificity) {
  if (pattern.size() != path.size()) return false;
  specificity = 0;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i].parameter) {
      if (path[i].empty()) return false;
    } else {
      if (pattern[i].text != path[i]) return false;
      specificity |= Specificity{1} << (63 - i);
    }
  }
  return true;
}

constexpr std::uint32_t method_bit(Method method) {
  return std::uint32_t{1} << static_cast<unsigned>(method);
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
  std::vector<Segment> segments;
  SegmentCursor cursor(route.pattern == "/" ? std::string_view{} : std::string_view(route.pattern));
  std::string_view segment;
  while (cursor.next(segment)) {
    if (is_parameter(segment)) {
      segments.push_back({std::string(segment.substr(1, segment.size() - 2)), true});
    } else {
      segments.push_back({std::string(segment), false});
    }
  }
  segments_.push_back(std::move(segments));
  routes_.push_back(std::move(route));
}

RouteMatch Router::match(Method method, std::string_view path) const {
  RouteMatch result;
  std::array<std::string_view, kMaxSegments> path_segments;
  std::size_t path_size = 0;
  SegmentCursor cursor(path == "/" ? std::string_view{} : path);
  std::string_view segment;
  while (cursor.next(segment)) {
    if (path_size == kMaxSegments) return result;  // longer than any pattern: 404
    path_segments[path_size++] = segment;
  }
  const std::span<const std::string_view> segments(path_segments.data(), path_size);

  const std::size_t none = routes_.size();
  std::size_t best = none;
  Specificity best_specificity = 0;
  std::size_t best_get = none;  // HEAD falls back to the GET route
  Specificity best_get_specificity = 0;
  std::uint32_t methods_matched = 0;
  for (std::size_t i = 0; i < routes_.size(); ++i) {
    Specificity specificity = 0;
    if (!segments_match(segments_[i], segments, specificity)) continue;
    const auto route_method = routes_[i].method;
    methods_matched |= method_bit(route_method);
    if (route_method == method && (best == none || specificity > best_specificity)) {
      best = i;
      best_specificity = specificity;
    }
    if (route_method == Method::get && (best_get == none || specificity > best_get_specificity)) {
      best_get = i;
      best_get_specificity = specificity;
    }
  }
  if (methods_matched == 0) return result;

  // A GET route answers HEAD too (RFC 9110 9.3.2).
  if (best_get != none) methods_matched |= method_bit(Method::head);
  if (best == none && method == Method::head) best = best_get;
  if (best == none) {
    // Bits in enum order: the Allow list comes out sorted.
    for (unsigned bit = 0; bit < 32; ++bit) {
      if (methods_matched & (std::uint32_t{1} << bit)) {
        result.allowed.push_back(static_cast<Method>(bit));
      }
    }
    return result;
  }

  const auto& pattern = segments_[best];
  result.params.reserve(static_cast<std::size_t>(
      std::count_if(pattern.begin(), pattern.end(), [](const Segment& s) { return s.parameter; })));
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i].parameter) result.params.emplace_back(pattern[i].text, segments[i]);
  }
  result.route = &routes_[best];
  return result;
}

}  // namespace huicai::http
