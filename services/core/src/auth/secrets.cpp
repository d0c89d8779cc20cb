#include <sodium.h>

#include <cstring>
#include <huicai/core/auth/secrets.hpp>
#include <stdexcept>

namespace huicai::auth {

std::string new_secret() {
  if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  unsigned char random[32];
  randombytes_buf(random, sizeof random);
  const int variant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
  std::string out(sodium_base64_encoded_len(sizeof random, variant), '\0');
  sodium_bin2base64(out.data(), out.size(), random, sizeof random, variant);
  out.resize(std::strlen(out.c_str()));
  return out;
}

std::string secret_hash(std::string_view secret) {
  unsigned char digest[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(digest, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
  return std::string(hex);
}

}  // namespace huicai::auth
