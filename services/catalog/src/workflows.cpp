#include <algorithm>
#include <huicai/catalog/workflows.hpp>

namespace huicai::catalog {

const std::vector<Transition>& product_transitions() {
  static const std::vector<Transition> table = {
      {"submit", {"draft", "rejected", "delisted"}, "submitted", false},
      {"approve", {"submitted"}, "approved", false},
      {"reject", {"submitted"}, "rejected", true},
      {"list", {"approved"}, "listed", false},
      {"delist", {"listed"}, "delisted", true},
  };
  return table;
}

const std::vector<Transition>& supplier_transitions() {
  static const std::vector<Transition> table = {
      {"recommend", {"applied"}, "recommended", false},
      {"approve", {"recommended"}, "active", false},
      {"reject", {"applied", "recommended"}, "rejected", true},
      {"suspend", {"active"}, "suspended", true},
      {"reinstate", {"suspended"}, "active", false},
  };
  return table;
}

const Transition* find_transition(const std::vector<Transition>& table, std::string_view action) {
  for (const Transition& transition : table) {
    if (transition.action == action) return &transition;
  }
  return nullptr;
}

bool is_product_status(std::string_view status) {
  return std::find(std::begin(kProductStatuses), std::end(kProductStatuses), status) !=
         std::end(kProductStatuses);
}

bool is_supplier_status(std::string_view status) {
  return std::find(std::begin(kSupplierStatuses), std::end(kSupplierStatuses), status) !=
         std::end(kSupplierStatuses);
}

bool product_content_editable(std::string_view status) {
  return status == "draft" || status == "rejected" || status == "delisted";
}

}  // namespace huicai::catalog
