#include <huicai/catalog/bank_account_mask.hpp>

namespace huicai::catalog {

std::string mask_bank_account(std::string_view account_number) {
  std::string digits;
  for (char c : account_number) {
    if (c != ' ' && c != '-') digits += c;
  }
  if (digits.size() <= 4) return std::string(digits.size(), '*');
  return "**** **** " + digits.substr(digits.size() - 4);
}

}  // namespace huicai::catalog
