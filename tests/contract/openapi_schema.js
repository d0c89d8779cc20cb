// OpenAPI 3.0 schema objects -> JSON Schema (draft-07, what ajv validates): `nullable: true`
// becomes a "null" alternative. Everything else (formats, enums, $ref into #/components) is
// already JSON Schema. Returns a converted deep copy of the whole document, so $refs still point
// into it.
"use strict";

function toJsonSchema(node) {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!node || typeof node !== "object") return node;
  const copy = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "nullable") continue;
    // Example values and descriptions are prose for readers, not constraints.
    copy[key] = key === "example" ? value : toJsonSchema(value);
  }
  if (node.nullable !== true) return copy;
  if (typeof copy.type === "string" && !copy.$ref && !copy.allOf && !copy.anyOf && !copy.oneOf) {
    copy.type = [copy.type, "null"];
    if (copy.enum) copy.enum = [...copy.enum, null];
    return copy;
  }
  return { anyOf: [copy, { type: "null" }] };
}

module.exports = { toJsonSchema };
