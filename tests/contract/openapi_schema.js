// OpenAPI 3.0 schema objects -> JSON Schema (draft-07, what ajv validates): `nullable: true`
// becomes a "null" alternative. Everything else (formats, enums, $ref into #/components) is
// already JSON Schema. Returns a converted deep copy of the whole document, so $refs still point
// into it. Also the one ajv set-up the checks share, and JSON pointers into the document.
"use strict";
const Ajv = require("ajv");
const addFormats = require("ajv-formats");

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

// An ajv with the converted document registered as "openapi" (refs: openapi#/paths/...), the
// standard formats and OpenAPI's int32/int64.
function ajvFor(schemaDocument, options = {}) {
  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, ...options });
  addFormats(ajv);
  ajv.addFormat("int64", { type: "number", validate: Number.isInteger });
  ajv.addFormat("int32", { type: "number", validate: (n) => Number.isInteger(n) && Math.abs(n) < 2 ** 31 });
  ajv.addSchema(schemaDocument, "openapi");
  return ajv;
}

// A JSON pointer (RFC 6901) from keys: pointer("paths", "/v1/orders", "get") = paths/~1v1~1orders/get.
const pointer = (...keys) => keys.map((k) => String(k).replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

module.exports = { toJsonSchema, ajvFor, pointer };
