// Access tokens: base64url(JSON claims) "." base64url(HMAC-SHA256(claims part)).
//
// Why not JWT: we need exactly one algorithm, one key and our own claims; a fixed format leaves
// no "alg" header to downgrade. The MAC is checked (in constant time) before the claims are
// parsed, so unauthenticated input never reaches the JSON parser beyond base64 decoding.
//
// Revocation: verify() looks the token id and the account's "revoked before" mark up in the
// in-memory RevocationList (no I/O per request). The identity service records each revocation
// in MySQL (identity_token_revocations) in the transaction that causes it and applies it here at
// once; every other process's RevocationFeed copies it from MySQL within one poll interval.
// Redis plays no part, so an authenticated request works with Redis down. When the list cannot
// be kept fresh (MySQL unreadable for longer than revocation_max_staleness) verify() fails
// closed with ServiceUnavailable (503): accepting tokens we cannot check would let a logged-out
// or stolen token through exactly then. docs/adr/0001-revocation-list.md has the alternatives.
#include <sodium.h>

#include <array>
#include <boost/json.hpp>
#include <huicai/core/auth/revocation_feed.hpp>
#include <huicai/core/auth/revocation_list.hpp>
#include <huicai/core/auth/tokens.hpp>
#include <huicai/core/errors.hpp>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

namespace huicai::auth {

namespace {

class TokenCategory : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "huicai.token"; }
  std::string message(int value) const override {
    switch (static_cast<TokenError>(value)) {
      case TokenError::malformed:
        return "malformed token";
      case TokenError::bad_signature:
        return "bad token signature";
      case TokenError::expired:
        return "token expired";
      case TokenError::revoked:
        return "token revoked";
      case TokenError::unavailable:
        return "revocation list unavailable";
    }
    return "unknown token error";
  }
};

using MacKey = std::array<unsigned char, crypto_auth_hmacsha256_KEYBYTES>;
static_assert(std::tuple_size_v<MacKey> == 32, "TokenService::mac_key_ has 32 bytes");

// The MAC key is derived from the configured secret with a domain label, so the same secret
// used elsewhere (e.g. refresh token hashing) never yields the same key.
MacKey derive_key(const std::string& secret) {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  static constexpr std::string_view kLabel = "huicai.access-token.v1";
  MacKey key{};
  crypto_generichash(key.data(), key.size(), reinterpret_cast<const unsigned char*>(secret.data()),
                     secret.size(), reinterpret_cast<const unsigned char*>(kLabel.data()),
                     kLabel.size());
  return key;
}

std::string base64url(const unsigned char* data, std::size_t size) {
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(size, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), data, size, variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::optional<std::string> from_base64url(std::string_view text) {
  std::string out(text.size(), '\0');
  std::size_t length = 0;
  const char* end = nullptr;
  if (sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(),
                        text.size(), nullptr, &length, &end,
                        sodium_base64_VARIANT_URLSAFE_NO_PADDING) != 0 ||
      end != text.data() + text.size()) {
    return std::nullopt;
  }
  out.resize(length);
  return out;
}

std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac_of(const MacKey& key,
                                                               std::string_view text) {
  std::array<unsigned char, crypto_auth_hmacsha256_BYTES> mac{};
  crypto_auth_hmacsha256(mac.data(), reinterpret_cast<const unsigned char*>(text.data()),
                         text.size(), key.data());
  return mac;
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

struct Claims {
  Principal principal;
  std::int64_t issued_at_ms = 0;
  std::int64_t expires_at_ms = 0;
};

std::optional<std::uint64_t> optional_uint(const boost::json::object& object, const char* key) {
  const boost::json::value* value = object.if_contains(key);
  if (value == nullptr || value->is_null()) return std::nullopt;
  if (value->is_uint64()) return value->as_uint64();
  if (value->is_int64() && value->as_int64() >= 0) {
    return static_cast<std::uint64_t>(value->as_int64());
  }
  throw std::invalid_argument(key);
}

// Throws on any shape mismatch; the caller maps that to `malformed`. Only reached for tokens
// whose MAC verified, i.e. that we issued ourselves.
Claims parse_claims(std::string_view json) {
  boost::json::object object = boost::json::parse(json).as_object();
  Claims claims;
  Principal& principal = claims.principal;
  principal.account_id = optional_uint(object, "sub").value();
  principal.login = boost::json::value_to<std::string>(object.at("login"));
  for (const boost::json::value& role : object.at("roles").as_array()) {
    auto parsed = role_from_string(role.as_string());
    if (parsed) principal.roles.push_back(*parsed);  // a role this build does not know: ignore
  }
  principal.unit_id = optional_uint(object, "unit_id");
  principal.unit_path = boost::json::value_to<std::string>(object.at("unit_path"));
  principal.supplier_id = optional_uint(object, "supplier_id");
  principal.county_id = optional_uint(object, "county_id");
  principal.token_id = boost::json::value_to<std::string>(object.at("jti"));
  if (const boost::json::value* enrol = object.if_contains("mfa_enrol")) {
    principal.mfa_enrolment_only = enrol->as_bool();
  }
  claims.issued_at_ms = object.at("iat_ms").to_number<std::int64_t>();
  claims.expires_at_ms = object.at("exp_ms").to_number<std::int64_t>();
  return claims;
}

boost::json::value optional_json(const std::optional<std::uint64_t>& value) {
  if (value) return *value;
  return nullptr;
}

}  // namespace

const boost::system::error_category& token_category() noexcept {
  static const TokenCategory category;
  return category;
}

boost::system::error_code make_error_code(TokenError error) noexcept {
  return {static_cast<int>(error), token_category()};
}

TokenService::TokenService(const Config& config)
    : config_(config),
      revocations_(std::make_unique<RevocationList>()),
      verified_(std::make_unique<VerifiedTokens>()) {
  if (config_.token_secret.size() < 32) {
    throw std::invalid_argument("HUICAI_TOKEN_SECRET must be at least 32 characters");
  }
  mac_key_ = derive_key(config_.token_secret);
}

TokenService::~TokenService() = default;

void TokenService::attach_feed(RevocationFeed& feed) {
  feed_ = &feed;
  revocations_->require_sync();
}

IssuedToken TokenService::issue_access(const Principal& principal) const {
  std::array<unsigned char, 16> random{};
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  randombytes_buf(random.data(), random.size());
  IssuedToken issued;
  issued.token_id =
      std::to_string(principal.account_id) + "." + base64url(random.data(), random.size());

  const std::int64_t issued_at = now_ms();
  const std::int64_t expires_at =
      issued_at +
      std::chrono::duration_cast<std::chrono::milliseconds>(config_.access_token_ttl).count();
  issued.expires_at = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::system_clock::duration>(
          std::chrono::milliseconds(expires_at)));

  boost::json::array roles;
  for (Role role : principal.roles) roles.emplace_back(to_string(role));
  boost::json::object claims{
      {"sub", principal.account_id},
      {"login", principal.login},
      {"roles", std::move(roles)},
      {"unit_id", optional_json(principal.unit_id)},
      {"unit_path", principal.unit_path},
      {"supplier_id", optional_json(principal.supplier_id)},
      {"county_id", optional_json(principal.county_id)},
      {"jti", issued.token_id},
      {"iat_ms", issued_at},
      {"exp_ms", expires_at},
  };
  // Only on enrolment-only tokens: every other token keeps its old shape.
  if (principal.mfa_enrolment_only) claims["mfa_enrol"] = true;
  const std::string json = boost::json::serialize(claims);
  const std::string body =
      base64url(reinterpret_cast<const unsigned char*>(json.data()), json.size());
  const auto mac = mac_of(mac_key_, body);
  issued.token = body + "." + base64url(mac.data(), mac.size());
  return issued;
}

namespace {

// Everything that needs no I/O, kept out of the coroutine (GCC 12 miscompiles std::array locals
// in coroutine frames: "array used as initializer").
boost::system::result<Claims> decode_verified(std::string_view token, const MacKey& key) {
  const auto dot = token.find('.');
  if (dot == std::string_view::npos || token.size() > 4096) return TokenError::malformed;
  const std::string_view body = token.substr(0, dot);
  auto mac = from_base64url(token.substr(dot + 1));
  if (!mac || mac->size() != crypto_auth_hmacsha256_BYTES) return TokenError::malformed;
  const auto expected = mac_of(key, body);
  if (crypto_verify_32(expected.data(), reinterpret_cast<const unsigned char*>(mac->data())) != 0) {
    return TokenError::bad_signature;
  }
  Claims claims;
  try {
    auto json = from_base64url(body);
    if (!json) return TokenError::malformed;
    claims = parse_claims(*json);
  } catch (const std::exception&) {
    return TokenError::malformed;
  }
  if (claims.expires_at_ms <= now_ms()) return TokenError::expired;
  return claims;
}

}  // namespace

// Keyed by the whole token text: only a token whose MAC verified is ever stored, so a forged or
// altered token cannot hit. Entries keep their expiry and are checked against it and against the
// revocation list on every hit. Bounded: when full it starts over (a buyer's next request then
// pays one HMAC again).
struct TokenService::VerifiedTokens {
  static constexpr std::size_t kMostEntries = 20'000;
  struct TextHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };

  std::optional<Claims> find(std::string_view token) {
    std::lock_guard lock(mutex);
    auto found = entries.find(token);
    if (found == entries.end()) return std::nullopt;
    return found->second;
  }
  void store(std::string_view token, const Claims& claims) {
    std::lock_guard lock(mutex);
    if (entries.size() >= kMostEntries) entries.clear();
    entries.try_emplace(std::string(token), claims);
  }

  std::mutex mutex;
  std::unordered_map<std::string, Claims, TextHash, std::equal_to<>> entries;
};

boost::asio::awaitable<boost::system::result<Principal>> TokenService::verify(
    std::string_view bearer_token) {
  Claims claims;
  if (auto cached = verified_->find(bearer_token); cached && cached->expires_at_ms > now_ms()) {
    claims = std::move(*cached);
  } else {
    auto decoded = decode_verified(bearer_token, mac_key_);
    if (!decoded) co_return decoded.error();
    claims = std::move(*decoded);
    verified_->store(bearer_token, claims);
  }

  if (feed_ != nullptr &&
      !revocations_->fresh(std::chrono::steady_clock::now(), config_.revocation_max_staleness)) {
    co_await feed_->sync();  // MySQL unreadable -> ServiceUnavailable -> 503
  }
  if (revocations_->is_revoked(claims.principal.account_id, claims.principal.token_id,
                               claims.issued_at_ms)) {
    co_return make_error_code(TokenError::revoked);
  }
  co_return std::move(claims.principal);
}

void TokenService::apply(const Revocation& revocation) {
  revocations_->apply(revocation);
}

}  // namespace huicai::auth
