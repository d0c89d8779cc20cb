#pragma once
// TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps, what every authenticator app reads)
// through liboath, and the enrolment's QR image through libqrencode. No hand-written HMAC.

#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::identity::totp {

inline constexpr unsigned kDigits = 6;
inline constexpr unsigned kStepSeconds = 30;
inline constexpr std::size_t kSecretBytes = 20;  // 160 bits, RFC 4226's recommendation
// Codes of the step before and after are accepted too (clock drift of a phone).
inline constexpr std::size_t kWindowSteps = 1;

// kSecretBytes from libsodium's randombytes.
std::string new_secret();
std::string base32(std::string_view secret);  // RFC 4648, no padding (what apps expect)
std::optional<std::string> from_base32(std::string_view text);
// otpauth://totp/Huicai:LOGIN?secret=...&issuer=Huicai&algorithm=SHA1&digits=6&period=30
std::string otpauth_uri(std::string_view login, std::string_view secret);
// The code for the step containing `now`.
std::string code_at(std::string_view secret, std::time_t now);
// The time step (unix time / 30) whose code `code` is, within the window around `now`; empty
// when it matches none (or is not six digits).
std::optional<std::int64_t> matching_step(std::string_view secret, std::string_view code,
                                          std::time_t now);
std::int64_t step_of(std::time_t now);

// The QR code of `text` as a standalone SVG document (dark modules as one path, 4-module quiet
// zone), written from libqrencode's matrix: no image library needed.
std::string qr_svg(const std::string& text);

}  // namespace huicai::identity::totp
