#pragma once
// The longest free text each ordering input may carry, in characters: the size of the VARCHAR
// column it is stored in (db/migrations/03xx). A longer value is a 422 naming the field, never
// a failed INSERT (which used to surface as a 500).

#include <cstddef>

namespace huicai::ordering {

inline constexpr std::size_t kMaxNoteCharacters = 500;       // ordering_orders.note
inline constexpr std::size_t kMaxReasonCharacters = 500;     // *_reason, order history reason
inline constexpr std::size_t kMaxShippingCharacters = 64;    // carrier, tracking, batch number
inline constexpr std::size_t kMaxBatchTextCharacters = 128;  // origin village, inspection ref
inline constexpr std::size_t kMaxEvidenceUrlBytes = 500;     // one after-sales evidence URL
inline constexpr std::size_t kMaxEvidenceUrls = 10;

}  // namespace huicai::ordering
