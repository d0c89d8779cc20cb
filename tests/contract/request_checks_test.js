// The request-side contract checks find what they are meant to find: a small document, recorded
// exchanges and a handler source written here, each with one mistake.
//   node --test tests/contract/request_checks_test.js
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const fs = require("fs");
const os = require("os");
const path = require("path");
const { RequestChecks } = require("./request_checks");
const handlerQueryReads = require("./handler_query_reads");
const { toJsonSchema } = require("./openapi_schema");

const document = {
  openapi: "3.0.3",
  paths: {
    "/v1/things": {
      get: {
        parameters: [{ name: "status", in: "query", schema: { $ref: "#/components/schemas/Status" } }],
        responses: { 200: { description: "ok" } },
      },
      post: {
        requestBody: {
          required: true,
          content: {
            "application/json": {
              schema: { type: "object", additionalProperties: false, required: ["name"], properties: { name: { type: "string" } } },
            },
          },
        },
        responses: { 201: { description: "created" } },
      },
    },
    "/v1/things/{thing_id}": {
      get: {
        parameters: [{ name: "thing_id", in: "path", required: true, schema: { type: "integer", format: "int64" } }],
        responses: { 200: { description: "ok" } },
      },
    },
    "/v1/things/{thing_id}/close": {
      post: { responses: { 200: { description: "ok" } } },
    },
  },
  components: { schemas: { Status: { type: "string", enum: ["open", "closed"] } } },
};

function resolve(node) {
  while (node && node.$ref) {
    node = node.$ref.replace(/^#\//, "").split("/").reduce((at, key) => at && at[key], document);
  }
  return node;
}

function findingsFor(exchanges, queryNamesRead = null) {
  const checks = new RequestChecks(document, toJsonSchema(document), resolve, queryNamesRead);
  checks.checkDocument();
  for (const [method, template, exchange] of exchanges) {
    checks.checkExchange(exchange, template, method, `${method} ${exchange.target} -> ${exchange.status}`);
  }
  return checks.findings;
}

test("the document: a path parameter nobody declared", () => {
  const findings = findingsFor([]);
  assert.deepStrictEqual(findings, ["document: POST /v1/things/{thing_id}/close: path parameter thing_id is not declared"]);
});

test("declared requests pass", () => {
  const findings = findingsFor([
    ["get", "/v1/things", { target: "/v1/things?status=open", status: 200 }],
    ["post", "/v1/things", { target: "/v1/things", status: 201, request_content_type: "application/json", request_body: '{"name":"a"}' }],
    ["get", "/v1/things/{thing_id}", { target: "/v1/things/42", status: 200 }],
  ]).filter((f) => !f.startsWith("document:"));
  assert.deepStrictEqual(findings, []);
});

test("an undeclared query parameter, a value outside its enum, a path value of the wrong type", () => {
  const findings = findingsFor([
    ["get", "/v1/things", { target: "/v1/things?status=open&sort=new", status: 200 }],
    ["get", "/v1/things", { target: "/v1/things?status=lost", status: 200 }],
    ["get", "/v1/things/{thing_id}", { target: "/v1/things/abc", status: 200 }],
    // A refusal proves nothing about the declaration: not checked.
    ["get", "/v1/things", { target: "/v1/things?nonsense=1", status: 422 }],
  ]).filter((f) => !f.startsWith("document:"));
  assert.strictEqual(findings.length, 3, findings.join("\n"));
  assert.match(findings[0], /query parameter sort is not declared/);
  assert.match(findings[1], /query parameter status=lost does not match/);
  assert.match(findings[2], /path parameter thing_id=abc does not match/);
});

test("a query parameter no handler reads is ignored (the server ignores it too); one it reads is not", () => {
  const read = () => new Set(["status", "sort"]);
  const findings = findingsFor([["get", "/v1/things", { target: "/v1/things?status=open&sort=new&utm=x", status: 200 }]], read)
    .filter((f) => !f.startsWith("document:"));
  assert.strictEqual(findings.length, 1, findings.join("\n"));
  assert.match(findings[0], /query parameter sort is not declared/);
});

test("request bodies: undeclared, a field the schema does not have, required but absent", () => {
  const findings = findingsFor([
    ["post", "/v1/things/{thing_id}/close", { target: "/v1/things/1/close", status: 200, request_content_type: "application/json", request_body: '{"reason":"x"}' }],
    ["post", "/v1/things/{thing_id}/close", { target: "/v1/things/1/close", status: 422, request_content_type: "application/json", request_body: '{"reason":""}' }],
    ["post", "/v1/things", { target: "/v1/things", status: 201, request_content_type: "application/json", request_body: '{"name":"a","colour":"red"}' }],
    ["post", "/v1/things", { target: "/v1/things", status: 201 }],
    // An empty object is what many clients send with any POST: not a body the server took.
    ["post", "/v1/things/{thing_id}/close", { target: "/v1/things/1/close", status: 200, request_content_type: "application/json", request_body: "{}" }],
  ]).filter((f) => !f.startsWith("document:"));
  assert.strictEqual(findings.length, 4, findings.join("\n"));
  assert.match(findings[0], /took a request body, but POST \/v1\/things\/\{thing_id\}\/close declares no requestBody/);
  assert.match(findings[1], /-> 422: the server took a request body/);
  assert.match(findings[2], /does not match the requestBody schema: .*colour/);
  assert.match(findings[3], /succeeded without a body, but the requestBody is declared required/);
});

test("the source scan: a query parameter read directly, through a helper, or in a shared file", () => {
  const services = fs.mkdtempSync(path.join(os.tmpdir(), "handler-reads-"));
  const write = (file, text) => {
    fs.mkdirSync(path.dirname(path.join(services, file)), { recursive: true });
    fs.writeFileSync(path.join(services, file), text);
  };
  write("things/src/routes_things.cpp", `
std::optional<std::int64_t> positive_query(const http::Request& request, const char* name) {
  auto text = request.query_param(name);
  return parse(text);
}
void register_routes(http::Router& router) {
  add_route(router, http::Method::get, "/v1/things", rule, [](http::Request& request) {
    auto status = request.query_param("status");
    auto after = positive_query(request, "after");
    auto fields = FieldValidator(body).integer("not_a_query", {});
  });
}`);
  write("things/src/paging.cpp", `std::size_t page_limit(const http::Request& request) { return read(request.query_param("limit")); }`);
  const documented = new Map([["/v1/things", ["get", "post"]]]);
  const findings = handlerQueryReads.findings(services, documented, (method, pattern) =>
    method === "get" && pattern === "/v1/things" ? ["status"] : []);
  fs.rmSync(services, { recursive: true });
  assert.strictEqual(findings.length, 2, findings.join("\n"));
  assert.match(findings[0], /things\/src\/paging.cpp reads query parameter "limit"/);
  assert.match(findings[1], /routes_things.cpp reads query parameter "after"/);
});
