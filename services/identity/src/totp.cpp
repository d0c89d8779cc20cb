#include "totp.hpp"

#include <liboath/oath.h>
#include <qrencode.h>
#include <sodium.h>

#include <cstdlib>
#include <huicai/identity/service.hpp>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace huicai::identity::totp {

namespace {

void ensure_oath() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (oath_init() != OATH_OK) throw std::runtime_error("liboath failed to initialise");
  });
}

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                       c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

}  // namespace

std::string new_secret() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  std::string secret(kSecretBytes, '\0');
  randombytes_buf(secret.data(), secret.size());
  return secret;
}

std::string base32(std::string_view secret) {
  ensure_oath();
  char* out = nullptr;
  std::size_t length = 0;
  if (oath_base32_encode(secret.data(), secret.size(), &out, &length) != OATH_OK) {
    throw std::runtime_error("base32 encoding failed");
  }
  std::unique_ptr<char, decltype(&std::free)> owned(out, &std::free);
  std::string text(out, length);
  while (!text.empty() && text.back() == '=') text.pop_back();
  return text;
}

std::optional<std::string> from_base32(std::string_view text) {
  ensure_oath();
  char* out = nullptr;
  std::size_t length = 0;
  const std::string input(text);
  if (oath_base32_decode(input.data(), input.size(), &out, &length) != OATH_OK) {
    return std::nullopt;
  }
  std::unique_ptr<char, decltype(&std::free)> owned(out, &std::free);
  return std::string(out, length);
}

std::string otpauth_uri(std::string_view login, std::string_view secret) {
  return "otpauth://totp/Huicai:" + percent_encode(login) + "?secret=" + base32(secret) +
         "&issuer=Huicai&algorithm=SHA1&digits=" + std::to_string(kDigits) +
         "&period=" + std::to_string(kStepSeconds);
}

std::string code_at(std::string_view secret, std::time_t now) {
  ensure_oath();
  char code[kDigits + 1] = {};
  if (oath_totp_generate(secret.data(), secret.size(), now, kStepSeconds,
                         OATH_TOTP_DEFAULT_START_TIME, kDigits, code) != OATH_OK) {
    throw std::runtime_error("TOTP generation failed");
  }
  return std::string(code, kDigits);
}

std::optional<std::int64_t> matching_step(std::string_view secret, std::string_view code,
                                          std::time_t now) {
  if (code.size() != kDigits) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  ensure_oath();
  const std::string text(code);
  int position = 0;
  std::uint64_t counter = 0;
  const int result = oath_totp_validate4(secret.data(), secret.size(), now, kStepSeconds,
                                         OATH_TOTP_DEFAULT_START_TIME, kWindowSteps, &position,
                                         &counter, 0, text.c_str());
  if (result < 0) return std::nullopt;
  return static_cast<std::int64_t>(counter);
}

std::int64_t step_of(std::time_t now) {
  return static_cast<std::int64_t>(now) / kStepSeconds;
}

std::string qr_svg(const std::string& text) {
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeString(text.c_str(), 0, QR_ECLEVEL_M, QR_MODE_8, 1), &QRcode_free);
  if (!code) throw std::runtime_error("QR encoding failed");
  constexpr int kQuiet = 4;
  const int width = code->width;
  const int size = width + 2 * kQuiet;
  std::string path;
  for (int y = 0; y < width; ++y) {
    for (int x = 0; x < width; ++x) {
      // Bit 0 of each module byte: 1 = dark (qrencode.h).
      if (code->data[y * width + x] & 1) {
        path += "M" + std::to_string(x + kQuiet) + "," + std::to_string(y + kQuiet) + "h1v1h-1z";
      }
    }
  }
  const std::string dimension = std::to_string(size);
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + dimension + " " + dimension +
         "\" width=\"" + std::to_string(size * 6) + "\" height=\"" + std::to_string(size * 6) +
         "\" shape-rendering=\"crispEdges\"><rect width=\"" + dimension + "\" height=\"" +
         dimension + "\" fill=\"#fff\"/><path fill=\"#000\" d=\"" + path + "\"/></svg>";
}

}  // namespace huicai::identity::totp

namespace huicai::identity {

std::string totp_code(const std::string& base32_secret, std::int64_t unix_time) {
  auto secret = totp::from_base32(base32_secret);
  if (!secret) return {};
  return totp::code_at(*secret, static_cast<std::time_t>(unix_time));
}

}  // namespace huicai::identity
