#pragma once
// Settlement bank accounts are shown masked to everyone but finance: only the last four
// characters stay, enough to tell two accounts apart.

#include <string>
#include <string_view>

namespace huicai::catalog {

std::string mask_bank_account(std::string_view account_number);

}  // namespace huicai::catalog
