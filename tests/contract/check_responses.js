// The API contract check: every answer the test suite received (JSON lines written by
// tests/support/http_client.cpp, one file per test process) must be declared by
// docs/openapi.yaml. For each exchange: the concrete path is matched to a path template, the
// method must be an operation of it, the status one of its responses, and a JSON body must pass
// the response's schema (ajv, with every object schema closed by additionalProperties: false, so
// an undeclared field fails). Paths no template matches (the suite's own test routes, 404 probes)
// are counted, not failed; operations the suite never called are listed, not failed.
//
// The document itself is checked too: a JSON success response with a bare `type: object` schema
// fails, and so does an object schema with properties that does not say additionalProperties.
// The request side (request_checks.js): path parameters declared; bodies and query parameters
// the server accepted declared and matching their schemas. And the source (handler_query_reads.js):
// every query parameter a handler reads is declared.
//
// Usage: node check_responses.js OPENAPI.yaml LOG_DIR [SERVICES_DIR]
// Exit code 1 on any finding.
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");
const { toJsonSchema, ajvFor, pointer } = require("./openapi_schema");
const { RequestChecks } = require("./request_checks");
const handlerQueryReads = require("./handler_query_reads");

const [documentPath, logDir, servicesDir = path.join(__dirname, "../../services")] = process.argv.slice(2);
if (!documentPath || !logDir) {
  console.error("usage: node check_responses.js OPENAPI.yaml LOG_DIR [SERVICES_DIR]");
  process.exit(2);
}
const document = YAML.parse(fs.readFileSync(documentPath, "utf8"));
const methods = ["get", "put", "post", "delete", "patch", "head", "options"];
const findings = [];

// ---- the document ---------------------------------------------------------------------------
function resolve(node) {
  while (node && node.$ref) {
    const pointer = node.$ref.replace(/^#\//, "").split("/");
    node = pointer.reduce((at, key) => at && at[key.replace(/~1/g, "/").replace(/~0/g, "~")], document);
  }
  return node;
}

// A schema says something about an object's fields: properties, a typed map, a composition.
function isTrivial(schema) {
  schema = resolve(schema);
  if (!schema) return true;
  if (schema.allOf || schema.oneOf || schema.anyOf) return false;
  if (schema.type === "array") return isTrivial(schema.items);
  if (schema.type !== "object") return false;
  const map = schema.additionalProperties;
  return !schema.properties && !(map && typeof map === "object");
}

// Every object schema with properties must say whether others may appear.
function checkClosed(schema, where, seen) {
  if (!schema || typeof schema !== "object" || seen.has(schema)) return;
  seen.add(schema);
  if (schema.$ref) return checkClosed(resolve(schema), schema.$ref, seen);
  if (schema.properties && schema.additionalProperties === undefined) {
    findings.push(`document: ${where}: an object schema with properties lacks additionalProperties`);
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === "properties") {
      for (const [name, property] of Object.entries(value)) checkClosed(property, `${where}.${name}`, seen);
    } else if (typeof value === "object") {
      checkClosed(value, where, seen);
    }
  }
}

const operations = [];
for (const [template, item] of Object.entries(document.paths)) {
  for (const method of methods) {
    const operation = item[method];
    if (!operation) continue;
    operations.push({ template, method, operation });
    for (const [status, declared] of Object.entries(operation.responses || {})) {
      const response = resolve(declared);
      const content = (response && response.content) || {};
      for (const [type, media] of Object.entries(content)) {
        if (!type.includes("json")) continue;
        const where = `${method.toUpperCase()} ${template} ${status} ${type}`;
        if (!media.schema) {
          findings.push(`document: ${where}: no schema`);
          continue;
        }
        if (status.startsWith("2") && isTrivial(media.schema)) {
          findings.push(`document: ${where}: a bare object schema (declare its fields)`);
        }
        checkClosed(media.schema, where, new Set());
      }
    }
  }
}

// ---- the captured answers -------------------------------------------------------------------
const schemaDocument = toJsonSchema(document);
const ajv = ajvFor(schemaDocument);
const documented = new Map(Object.entries(document.paths).map(([t, item]) => [t, methods.filter((m) => item[m])]));
const queryReads = handlerQueryReads.namesByRoute(servicesDir, documented);
const requests = new RequestChecks(document, schemaDocument, resolve, (method, template) => queryReads.get(`${method} ${template}`) || new Set());
requests.checkDocument();
findings.push(
  ...handlerQueryReads.findings(servicesDir, documented, (method, pattern) => {
    const item = document.paths[pattern];
    if (!item || !item[method]) return null;
    return [...requests.parametersOf(pattern, method).keys()].filter((k) => k.startsWith("query ")).map((k) => k.slice(6));
  }),
);

// Literal segments beat parameters: /v1/orders/export before /v1/orders/{order_id}.
const templates = Object.keys(document.paths)
  .map((template) => {
    const segments = template.split("/");
    const pattern = segments
      .map((segment) => segment.replace(/\{[^}/]+\}/g, "[^/]+").replace(/\./g, "\\."))
      .join("/");
    return { template, regex: new RegExp(`^${pattern}$`), literals: segments.filter((s) => !s.includes("{")).length };
  })
  .sort((a, b) => b.literals - a.literals);

function templateOf(target) {
  const concrete = target.split("?")[0];
  const found = templates.find((t) => t.regex.test(concrete));
  return found && found.template;
}

const validators = new Map();
function validatorFor(template, method, status, type) {
  const key = `${template} ${method} ${status} ${type}`;
  if (!validators.has(key)) {
    let declared = document.paths[template][method].responses[status];
    let ref = `openapi#/${pointer("paths", template, method, "responses", status)}`;
    if (declared.$ref) {
      ref = `openapi${declared.$ref}`;
      declared = resolve(declared);
    }
    validators.set(key, ajv.compile({ $ref: `${ref}/${pointer("content", type, "schema")}` }));
  }
  return validators.get(key);
}

const seen = new Set();
const unmatched = new Map();
let exchanges = 0;
let validated = 0;
const files = fs.existsSync(logDir) ? fs.readdirSync(logDir).filter((f) => f.endsWith(".jsonl")) : [];
for (const file of files) {
  const lines = fs.readFileSync(path.join(logDir, file), "utf8").split("\n").filter(Boolean);
  for (const line of lines) {
    const exchange = JSON.parse(line);
    exchanges++;
    const method = exchange.method.toLowerCase();
    const template = templateOf(exchange.target);
    const label = `${exchange.method} ${exchange.target} -> ${exchange.status}`;
    if (!template) {
      const key = `${exchange.method} ${exchange.target.split("?")[0]}`;
      unmatched.set(key, (unmatched.get(key) || 0) + 1);
      continue;
    }
    const operation = document.paths[template][method];
    if (!operation) {
      // The router's answer to a method the path does not have, or a preflight.
      if (exchange.status === 405 || method === "options") continue;
      findings.push(`${label}: ${exchange.method} is not an operation of ${template}`);
      continue;
    }
    seen.add(`${method} ${template}`);
    requests.checkExchange(exchange, template, method, label);
    const status = String(exchange.status);
    const declared = operation.responses[status] || operation.responses.default;
    if (!declared) {
      findings.push(`${label}: status ${status} is not declared for ${exchange.method} ${template}`);
      continue;
    }
    const response = resolve(declared);
    const type = (exchange.content_type || "").split(";")[0].trim();
    const body = exchange.body;
    if (body === undefined || body === "" || method === "head") continue;
    const content = response.content || {};
    if (!content[type]) {
      findings.push(`${label}: a ${type || "body without content type"} body is not declared (declared: ${Object.keys(content).join(", ") || "none"})`);
      continue;
    }
    if (!type.includes("json") || !content[type].schema) continue;
    let parsed;
    try {
      parsed = JSON.parse(body);
    } catch (error) {
      findings.push(`${label}: the body is not JSON: ${error.message}`);
      continue;
    }
    const validate = validatorFor(template, method, status, type);
    validated++;
    if (!validate(parsed)) {
      const errors = validate.errors
        .slice(0, 5)
        .map((e) => `${e.instancePath || "/"} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ""}`)
        .join("; ");
      findings.push(`${label}: body does not match the schema: ${errors}`);
    }
  }
}

// ---- report ---------------------------------------------------------------------------------
findings.push(...requests.findings);
const unique = [...new Set(findings)];
const notSeen = operations.filter((o) => !seen.has(`${o.method} ${o.template}`));
console.log(`${exchanges} exchanges in ${files.length} files; ${validated} bodies validated against their schema, ${requests.validatedBodies} request bodies against their requestBody`);
console.log(`${seen.size} of ${operations.length} operations called by the suite`);
if (notSeen.length) {
  console.log(`operations the suite did not call (${notSeen.length}):`);
  for (const o of notSeen) console.log(`  ${o.method.toUpperCase()} ${o.template}`);
}
if (requests.ignoredQueryNames.size) {
  console.log(`query parameters the suite sent that no handler reads (ignored): ${[...requests.ignoredQueryNames].join(", ")}`);
}
if (unmatched.size) {
  console.log(`paths outside the document (test routes, probes): ${unmatched.size} distinct`);
}
for (const finding of unique.slice(0, 200)) console.log(`FAIL ${finding}`);
if (unique.length > 200) console.log(`... and ${unique.length - 200} more`);
console.log(unique.length ? `${unique.length} findings` : "contract holds");
process.exit(unique.length ? 1 : 0);
