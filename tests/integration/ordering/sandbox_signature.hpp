#pragma once
// The signature the sandbox payment channel expects on its callbacks (x-huicai-signature):
// hex HMAC-SHA256 of the body, keyed with SHA-256 of the secret. Written here independently of
// services/ordering's SandboxChannel::sign, so a change of scheme there fails these tests.
#include <sodium.h>

#include <string>

namespace huicai::test {

// What the sandbox signs with when HUICAI_PAYMENT_SANDBOX_SECRET is not set.
inline const std::string kSandboxDefaultSecret = "huicai-sandbox-channel-secret-change-me";

inline std::string sandbox_signature(const std::string& body,
                                     const std::string& secret = kSandboxDefaultSecret) {
  unsigned char key[crypto_auth_hmacsha256_KEYBYTES];
  crypto_hash_sha256(key, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256(mac, reinterpret_cast<const unsigned char*>(body.data()), body.size(),
                         key);
  char hex[crypto_auth_hmacsha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return hex;
}

}  // namespace huicai::test
