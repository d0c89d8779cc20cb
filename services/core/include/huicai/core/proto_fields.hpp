#pragma once
// Moving the text fields of a protobuf message to and from a plain struct through one table of
// (struct member, message field) pairs. A mapping written once serves both directions, so an
// encoder and its decoder cannot drift apart field by field, and the field-by-field copy is not
// written again in every decoder (audit entries, stream entries). Only string fields: numbers
// and optional values need a decision each (0 as "none", units) and stay written out.
//
//   constexpr std::array<proto::TextField<Entry, v1::AuditRecorded>, 2> kFields{{
//       {&Entry::action, &v1::AuditRecorded::mutable_action},
//       {&Entry::target_id, &v1::AuditRecorded::mutable_target_id}}};
//   proto::read_text_fields(message, entry, kFields);   // message -> entry (moves the strings)
//   proto::write_text_fields(entry, message, kFields);  // entry -> message

#include <array>
#include <cstddef>
#include <string>
#include <utility>

namespace huicai::proto {

template <class Struct, class Message>
struct TextField {
  std::string Struct::*member;
  std::string* (Message::*field)();  // the generated mutable_<name>(): one accessor, both ways
};

// Moves each listed field of `from` into `to` (the message is left with empty strings).
template <class Struct, class Message, std::size_t N>
void read_text_fields(Message& from, Struct& to,
                      const std::array<TextField<Struct, Message>, N>& fields) {
  for (const auto& field : fields) to.*field.member = std::move(*(from.*field.field)());
}

template <class Struct, class Message, std::size_t N>
void write_text_fields(const Struct& from, Message& to,
                       const std::array<TextField<Struct, Message>, N>& fields) {
  for (const auto& field : fields) *(to.*field.field)() = from.*field.member;
}

}  // namespace huicai::proto
