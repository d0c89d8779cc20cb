// /v1/categories/{category_id}/attributes: the typed attributes a category declares for its
// SKUs (and its subcategories' SKUs). Everyone signed in reads them; operators add them.
#include <boost/json/serialize.hpp>
#include <huicai/catalog/attribute_rules.hpp>
#include <huicai/catalog/etag.hpp>
#include <huicai/catalog/field_validator.hpp>
#include <set>

#include "attribute_repository.hpp"
#include "catalog_events.hpp"
#include "category_repository.hpp"
#include "http_support.hpp"
#include "repository_support.hpp"
#include "routes.hpp"

namespace huicai::catalog {
namespace {
namespace asio = boost::asio;

constexpr std::size_t kMaxChoices = 50;

// The declaration as sent; the type decides which of unit/min/max/values belong to it.
struct AttributeInput {
  AttributeDefinition definition;
  int position = 0;
};

AttributeInput read_attribute(const boost::json::object& body) {
  FieldValidator fields(body);
  AttributeInput input;
  auto& definition = input.definition;
  auto code = fields.text("code", {true, 1, 32});
  if (code && !is_attribute_code(*code)) {
    fields.fail("code", "must be lower-case letters, digits and '_', starting with a letter");
  }
  auto name = fields.text("name", {true, 1, 16});
  auto type_text = fields.choice("type", true, {"text", "int", "enum"});
  const AttributeType type = type_text
                                 ? attribute_type_from(*type_text).value_or(AttributeType::text)
                                 : AttributeType::text;
  definition.required = fields.boolean("required", false).value_or(false);
  input.position = static_cast<int>(fields.integer("position", {false, 0, 1'000'000}).value_or(0));
  const bool integer = type == AttributeType::integer;
  const bool choice = type == AttributeType::choice;
  auto unit = fields.text("unit", {integer, 1, 8});
  auto min = fields.integer("min", {false, INT64_MIN, INT64_MAX});
  auto max = fields.integer("max", {false, INT64_MIN, INT64_MAX});
  if (type_text && !integer) {
    for (const char* only_integer : {"unit", "min", "max"}) {
      if (fields.present(only_integer)) fields.fail(only_integer, "is for int attributes only");
    }
  }
  if (min && max && *min > *max) fields.fail("max", "must not be below min");
  if (const auto* values = fields.array("values", choice, kMaxChoices)) {
    if (!choice) fields.fail("values", "is for enum attributes only");
    std::set<std::string> seen;
    for (std::size_t i = 0; i < values->size(); ++i) {
      const auto& value = (*values)[i];
      const auto field = "values[" + std::to_string(i) + "]";
      AttributeDefinition text_rule;  // a choice is checked as a text value
      auto checked = check_attribute_value(text_rule, value);
      if (!checked.value) {
        fields.fail(field, checked.error);
      } else if (!seen.insert(*checked.value->text).second) {
        fields.fail(field, "repeats another value");
      } else {
        definition.choices.push_back(*checked.value->text);
      }
    }
    if (choice && values->empty()) fields.fail("values", "must list at least one value");
  }
  fields.throw_if_failed();
  definition.code = *code;
  definition.name = *name;
  definition.type = type;
  if (integer) {
    definition.unit = *unit;
    definition.min = min.value_or(0);
    definition.max = max.value_or(INT64_MAX);
  }
  return input;
}

asio::awaitable<http::Response> list_attributes(StatePtr state, http::Request& request) {
  const auto id = id_param(request, "category_id");
  auto items = co_await state->context.db().run([id](mysql::Session& session) {
    if (!find_category(session, id)) throw not_found("category");
    boost::json::array items;
    for (const auto& definition : category_attributes(session, id))
      items.push_back(attribute_definition_json(definition));
    return items;
  });
  auto text = boost::json::serialize(boost::json::object{{"items", std::move(items)}});
  const auto etag = content_etag(text);
  co_return json_with_etag(request, 200, std::move(text), etag);
}

asio::awaitable<http::Response> add_attribute(StatePtr state, http::Request& request) {
  const auto category_id = id_param(request, "category_id");
  auto input = read_attribute(parse_json_object(request));
  input.definition.category_id = category_id;
  const auto actor = actor_id(request);
  auto created = co_await state->context.db().transaction([&](mysql::Session& session) {
    if (!find_category(session, category_id)) throw not_found("category");
    // Lock the category and its ancestors: two categories on one chain share the upper one,
    // so two operators adding the same code along a chain take turns.
    auto& lock = session.prepare(
        "SELECT c.id FROM catalog_categories mine JOIN catalog_categories c "
        "ON LEFT(mine.path, CHAR_LENGTH(c.path)) = c.path WHERE mine.id = ? FOR UPDATE");
    mysql::query(mysql::bind(lock, category_id));
    if (attribute_code_taken(session, category_id, input.definition.code)) {
      throw conflict("duplicate-attribute", "Attribute exists",
                     "attribute " + input.definition.code +
                         " is declared by this category, one above it or one below it");
    }
    auto definition = input.definition;
    definition.id = insert_attribute(session, definition, input.position, actor);
    const auto json = attribute_definition_json(definition);
    audit_change(session, request,
                 {"category.attribute_added", "category", std::to_string(category_id), "",
                  boost::json::serialize(json)});
    return json;
  });
  co_await state->cache.changed();
  auto text = boost::json::serialize(created);
  const auto etag = content_etag(text);
  auto response = json_with_etag(request, 201, std::move(text), etag);
  response.set_header("location", "/v1/categories/" + std::to_string(category_id) + "/attributes");
  co_return response;
}

}  // namespace

void register_attribute_routes(http::Router& router, const StatePtr& state) {
  using http::Method;
  const auto bind = [state](auto handler) {
    return [state, handler](http::Request& request) { return handler(state, request); };
  };
  const std::string path = "/v1/categories/{category_id}/attributes";
  add_route(router, Method::get, path, access::everyone(), bind(list_attributes));
  add_route(router, Method::post, path, access::operator_only(), bind(add_attribute));
}

}  // namespace huicai::catalog
