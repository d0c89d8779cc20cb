#pragma once
// The two state machines of the catalog, as data: product listing review and supplier
// onboarding. Routes look up an action here and run one compare-and-set UPDATE
// (... WHERE status IN (from) AND version = ?), so two concurrent moves never both win.

#include <optional>
#include <string_view>
#include <vector>

namespace huicai::catalog {

// draft -> submitted -> approved | rejected(reason) -> listed -> delisted(reason);
// rejected and delisted products may be edited and submitted again.
struct Transition {
  std::string_view action;
  std::vector<std::string_view> from;
  std::string_view to;
  bool needs_reason = false;
};

const std::vector<Transition>& product_transitions();
const std::vector<Transition>& supplier_transitions();
const Transition* find_transition(const std::vector<Transition>& table, std::string_view action);

inline constexpr std::string_view kProductStatuses[] = {"draft",    "submitted", "approved",
                                                        "rejected", "listed",    "delisted"};
inline constexpr std::string_view kSupplierStatuses[] = {"applied", "recommended", "active",
                                                         "rejected", "suspended"};
bool is_product_status(std::string_view status);
bool is_supplier_status(std::string_view status);
// Title, description, category and images may change only before review or after rejection
// or delisting; prices and SKUs may change at any time (each price change is recorded).
bool product_content_editable(std::string_view status);

}  // namespace huicai::catalog
