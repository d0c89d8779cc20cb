#pragma once
// Bearer secrets handed to a client once (refresh tokens, a supplier applicant's account set-up
// secret) and stored only as their SHA-256: 32 random bytes, URL-safe base64 without padding.

#include <string>
#include <string_view>

namespace huicai::auth {

// 43 characters of URL-safe base64 (32 bytes from libsodium's CSPRNG).
std::string new_secret();
// Lower-case hex SHA-256 of `secret` (64 characters): what is stored and compared.
std::string secret_hash(std::string_view secret);

}  // namespace huicai::auth
