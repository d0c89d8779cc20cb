#pragma once
// Short signed notes the server hands to a client and reads back unchanged: the device token of
// a sign-in and the challenge between the password step and the code step. The text is
// base64url(payload) "." base64url(MAC); the MAC is libsodium crypto_auth (HMAC-SHA-512-256)
// under a key derived from the token secret and a label, so a note made for one purpose is
// never accepted for another and never as an access token.

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace huicai::identity {

class Signer {
 public:
  Signer(const std::string& secret, std::string_view label);
  std::string sign(std::string_view payload) const;
  // The payload when the MAC matches (checked in constant time before anything is parsed).
  std::optional<std::string> open(std::string_view note) const;

 private:
  std::array<unsigned char, 32> key_{};
};

std::string base64url(std::string_view bytes);
std::optional<std::string> from_base64url(std::string_view text);

}  // namespace huicai::identity
