// Drafts what docs/openapi.yaml does not declare yet from what the suite received (the JSON
// lines of contract-log/): for an operation whose answer has no JSON schema or a bare
// `type: object`, a closed schema inferred from every body seen (types, nullable when null was
// seen, int64 for integers, date-time for RFC 3339 strings); for a status the suite received but
// the operation does not list, a Problem response. Edits the document in place, line by line, so
// its layout (and the line shape openapi_test.cpp reads) stays; review the diff, then replace
// drafts with shared components where one fits.
//   node draft_schemas.js OPENAPI.yaml LOG_DIR
"use strict";
const fs = require("fs");
const path = require("path");
const YAML = require("yaml");

const [documentPath, logDir] = process.argv.slice(2);
const text = fs.readFileSync(documentPath, "utf8");
const document = YAML.parse(text);

const templates = Object.keys(document.paths)
  .map((template) => {
    const segments = template.split("/");
    const pattern = segments.map((s) => s.replace(/\{[^}/]+\}/g, "[^/]+").replace(/\./g, "\\.")).join("/");
    return { template, regex: new RegExp(`^${pattern}$`), literals: segments.filter((s) => !s.includes("{")).length };
  })
  .sort((a, b) => b.literals - a.literals);

// ---- inference ------------------------------------------------------------------------------
const rfc3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const date = /^\d{4}-\d{2}-\d{2}$/;
function merge(schema, value) {
  if (value === null) return { ...(schema || {}), nullable: true };
  const kind = Array.isArray(value) ? "array" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;
  schema = schema ? { ...schema } : {};
  if (schema.type && schema.type !== kind) {
    if (schema.type === "integer" && kind === "number") schema.type = "number";
    else if (!(schema.type === "number" && kind === "integer")) return { ...schema, mixed: true };
    return schema;
  }
  schema.type = kind;
  if (kind === "object") {
    schema.properties = { ...(schema.properties || {}) };
    for (const [key, item] of Object.entries(value)) schema.properties[key] = merge(schema.properties[key], item);
  } else if (kind === "array") {
    for (const item of value) schema.items = merge(schema.items, item);
  } else if (kind === "string") {
    const format = rfc3339.test(value) ? "date-time" : date.test(value) ? "date" : "";
    if (schema.format === undefined) schema.format = format;
    else if (schema.format !== format) schema.format = "";
  }
  return schema;
}
function render(schema) {
  if (!schema || !schema.type) return schema && schema.nullable ? "{nullable: true}" : "{}";
  if (schema.mixed) return "{}";
  const nullable = schema.nullable ? ", nullable: true" : "";
  switch (schema.type) {
    case "object": {
      const fields = Object.entries(schema.properties).map(([k, v]) => `${/^[a-z_][a-z0-9_]*$/.test(k) ? k : JSON.stringify(k)}: ${render(v)}`);
      if (!fields.length) return `{type: object, additionalProperties: false${nullable}}`;
      return `{type: object, additionalProperties: false${nullable}, properties: {${fields.join(", ")}}}`;
    }
    case "array":
      return `{type: array${nullable}, items: ${schema.items ? render(schema.items) : "{}"}}`;
    case "integer":
      return `{type: integer, format: int64${nullable}}`;
    case "string":
      return `{type: string${schema.format ? `, format: ${schema.format}` : ""}${nullable}}`;
    default:
      return `{type: ${schema.type}${nullable}}`;
  }
}

// ---- what the suite saw ---------------------------------------------------------------------
const seen = new Map(); // "method template status" -> merged schema, or undefined when no JSON
for (const file of fs.readdirSync(logDir).filter((f) => f.endsWith(".jsonl"))) {
  for (const line of fs.readFileSync(path.join(logDir, file), "utf8").split("\n").filter(Boolean)) {
    const exchange = JSON.parse(line);
    const concrete = exchange.target.split("?")[0];
    const found = templates.find((t) => t.regex.test(concrete));
    const method = exchange.method.toLowerCase();
    if (!found || !document.paths[found.template][method]) continue;
    const key = `${method} ${found.template} ${exchange.status}`;
    const type = (exchange.content_type || "").split(";")[0];
    let schema = seen.get(key);
    if (type === "application/json" && exchange.body) {
      try {
        schema = merge(schema, JSON.parse(exchange.body));
      } catch (error) {
        // not JSON: nothing to infer
      }
    }
    seen.set(key, schema);
  }
}

// ---- edits ----------------------------------------------------------------------------------
const lines = text.split("\n");
function operationRange(template, method) {
  const start = lines.findIndex((l) => l === `  ${template}:`);
  if (start < 0) return null;
  let at = start + 1;
  while (at < lines.length && !lines[at].startsWith(`    ${method}:`) && !/^  \S/.test(lines[at])) at++;
  if (at >= lines.length || /^  \S/.test(lines[at])) return null;
  let end = at + 1;
  while (end < lines.length && !/^ {0,4}\S/.test(lines[end])) end++;
  return [at, end];
}
let drafted = 0;
let statuses = 0;
for (const [key, schema] of seen) {
  const [method, template, status] = key.split(" ");
  const operation = document.paths[template][method];
  const declared = operation.responses && operation.responses[status];
  const range = operationRange(template, method);
  if (!range) continue;
  const [from, to] = range;
  if (!declared) {
    const problem = Number(status) >= 400;
    if (!problem && !schema) continue;
    const entry = problem ? `{$ref: "#/components/responses/Problem"}` : `{description: "drafted", content: {application/json: {schema: ${render(schema)}}}}`;
    for (let i = from; i < to; i++) {
      if (/^      responses:\s*$/.test(lines[i])) {
        lines.splice(i + 1, 0, `        "${status}": ${entry}`);
        statuses++;
        break;
      }
      const flow = lines[i].match(/^(\s*responses: \{)(.*)$/);
      if (flow) {
        lines[i] = `${flow[1]}"${status}": ${entry}, ${flow[2]}`;
        statuses++;
        break;
      }
    }
    continue;
  }
  if (!schema || declared.$ref) continue;
  const media = declared.content && declared.content["application/json"];
  const bare = !media || !media.schema || (media.schema.type === "object" && !media.schema.properties && !media.schema.$ref);
  if (!bare) continue;
  for (let i = from; i < to; i++) {
    if (!lines[i].includes(`"${status}":`)) continue;
    if (lines[i].includes("{schema: {type: object}}")) {
      lines[i] = lines[i].replace("{schema: {type: object}}", `{schema: ${render(schema)}}`);
      drafted++;
    } else if (/\{description: [^{}]*\}\s*$/.test(lines[i])) {
      lines[i] = lines[i].replace(/\}\s*$/, `, content: {application/json: {schema: ${render(schema)}}}}`);
      drafted++;
    }
    break;
  }
}
// Every route that needs a token can answer 401 (no or a bad token) and 403 (the caller's roles
// may not use it): the dispatcher answers them before any handler runs.
for (const [template, item] of Object.entries(document.paths)) {
  for (const method of ["get", "put", "post", "delete", "patch"]) {
    const operation = item[method];
    if (!operation || (operation.security && operation.security.length === 0)) continue;
    for (const status of ["401", "403"]) {
      if (operation.responses && operation.responses[status]) continue;
      if (seen.has(`${method} ${template} ${status}`)) continue;  // added above
      seen.set(`${method} ${template} ${status}`, undefined);
      const range = operationRange(template, method);
      if (!range) continue;
      for (let i = range[0]; i < range[1]; i++) {
        if (/^      responses:\s*$/.test(lines[i])) {
          let at = i + 1;
          while (at < range[1] && /^        "\d{3}"/.test(lines[at]) && lines[at].slice(9, 12) < status) {
            at++;
            while (at < range[1] && /^ {10}/.test(lines[at])) at++;
          }
          lines.splice(at, 0, `        "${status}": {$ref: "#/components/responses/Problem"}`);
          statuses++;
          break;
        }
        const flow = lines[i].match(/^(\s*responses: \{)(.*)$/);
        if (flow) {
          lines[i] = `${flow[1]}${flow[2].replace(/\}\s*$/, "")}, "${status}": {$ref: "#/components/responses/Problem"}}`;
          statuses++;
          break;
        }
      }
    }
  }
}
fs.writeFileSync(documentPath, lines.join("\n"));
console.log(`${drafted} schemas drafted, ${statuses} statuses added`);
