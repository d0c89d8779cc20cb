// The request side of the contract: what a client sends must be declared as precisely as what it
// gets back, or a generated client cannot send it.
//
// The document: every {name} in a path template is a declared, required path parameter.
// The recorded exchanges (tests/support/http_client.cpp logs the request body and its type):
//   - a body with content (not `{}`, which many clients send to any POST) sent to an operation that
//     declares no requestBody fails when the server took it (a success, or a 422 naming its
//     fields): the handler reads a body the document does not describe, or the client sends one
//     the server ignores;
//   - a success answered to a request with a JSON body: the body passes the requestBody schema
//     (closed objects, so a field the document does not declare fails);
//   - a success answered to a request without a body, where the requestBody is required, fails;
//   - a success: every query parameter sent that the handlers read (handler_query_reads.js; a
//     name no handler reads is ignored by the server and only counted) is declared, and its value
//     and the path's values pass their parameter schemas (enums, integers), coerced from text as a
//     server reads them.
"use strict";
const { ajvFor, pointer } = require("./openapi_schema");

class RequestChecks {
  // `resolve` follows $refs inside `document`; `schemaDocument` is the document as JSON Schema;
  // `queryNamesRead(method, template)`, when given, the query names the route's handlers read.
  constructor(document, schemaDocument, resolve, queryNamesRead = null) {
    this.document = document;
    this.resolve = resolve;
    this.queryNamesRead = queryNamesRead;
    this.findings = [];
    this.validatedBodies = 0;
    this.ignoredQueryNames = new Set();
    this.bodies = ajvFor(schemaDocument);
    // Query and path values arrive as text: coerce as the handlers parse them.
    this.values = ajvFor(schemaDocument, { coerceTypes: true });
    this.compiled = new Map();
  }

  // Parameters of an operation (path-level ones first, operation-level ones override), each with
  // the JSON pointer of its schema in the document.
  parametersOf(template, method) {
    const item = this.document.paths[template];
    const byKey = new Map();
    for (const [level, list] of [[["paths", template], item.parameters], [["paths", template, method], item[method].parameters]]) {
      (list || []).forEach((declared, index) => {
        let where = [...level, "parameters", index];
        let parameter = declared;
        if (declared.$ref) {
          where = declared.$ref.replace(/^#\//, "").split("/").map((k) => k.replace(/~1/g, "/").replace(/~0/g, "~"));
          parameter = this.resolve(declared);
        }
        byKey.set(`${parameter.in} ${parameter.name}`, { parameter, schemaRef: `openapi#/${pointer(...where, "schema")}` });
      });
    }
    return byKey;
  }

  checkDocument() {
    for (const [template, item] of Object.entries(this.document.paths)) {
      for (const method of ["get", "put", "post", "delete", "patch"]) {
        if (!item[method]) continue;
        const parameters = this.parametersOf(template, method);
        for (const match of template.matchAll(/\{([^}/]+)\}/g)) {
          const declared = parameters.get(`path ${match[1]}`);
          if (!declared) this.findings.push(`document: ${method.toUpperCase()} ${template}: path parameter ${match[1]} is not declared`);
          else if (declared.parameter.required !== true) this.findings.push(`document: ${method.toUpperCase()} ${template}: path parameter ${match[1]} must be required`);
        }
        for (const [key] of parameters) {
          if (key.startsWith("path ") && !template.includes(`{${key.slice(5)}}`)) {
            this.findings.push(`document: ${method.toUpperCase()} ${template}: declares path parameter ${key.slice(5)} the path does not have`);
          }
        }
      }
    }
  }

  validator(ajv, ref) {
    const key = `${ajv === this.values ? "v" : "b"} ${ref}`;
    if (!this.compiled.has(key)) {
      const schema = ajv === this.values ? { type: "object", properties: { value: { $ref: ref } } } : { $ref: ref };
      this.compiled.set(key, ajv.compile(schema));
    }
    return this.compiled.get(key);
  }

  static describe(errors) {
    return errors
      .slice(0, 5)
      .map((e) => `${e.instancePath || "/"} ${e.message}${e.params && e.params.additionalProperty ? ` (${e.params.additionalProperty})` : ""}${e.params && e.params.allowedValues ? ` ${JSON.stringify(e.params.allowedValues)}` : ""}`)
      .join("; ");
  }

  checkExchange(exchange, template, method, label) {
    const operation = this.document.paths[template][method];
    const success = exchange.status >= 200 && exchange.status < 300;
    const sent = exchange.request_body !== undefined && exchange.request_body !== "";
    const substantial = sent && exchange.request_body.trim() !== "{}";
    const requestBody = operation.requestBody && this.resolve(operation.requestBody);
    const requestBodyRef = operation.requestBody && operation.requestBody.$ref
      ? `openapi${operation.requestBody.$ref}`
      : `openapi#/${pointer("paths", template, method, "requestBody")}`;

    if (substantial && !requestBody && (success || exchange.status === 422)) {
      this.findings.push(`${label}: the server took a request body, but ${method.toUpperCase()} ${template} declares no requestBody`);
    }
    if (!success) return;
    if (!sent && requestBody && requestBody.required) {
      this.findings.push(`${label}: succeeded without a body, but the requestBody is declared required`);
    }
    if (sent && requestBody) {
      const type = (exchange.request_content_type || "").split(";")[0].trim();
      const media = (requestBody.content || {})[type];
      if (!media) {
        this.findings.push(`${label}: a ${type || "untyped"} request body is not declared (declared: ${Object.keys(requestBody.content || {}).join(", ")})`);
      } else if (type.includes("json") && media.schema) {
        let parsed;
        try {
          parsed = JSON.parse(exchange.request_body);
        } catch {
          parsed = undefined;  // a deliberately broken body the server accepted is its own bug
        }
        if (parsed !== undefined) {
          const validate = this.validator(this.bodies, `${requestBodyRef}/${pointer("content", type, "schema")}`);
          this.validatedBodies++;
          if (!validate(parsed)) this.findings.push(`${label}: the accepted request body does not match the requestBody schema: ${RequestChecks.describe(validate.errors)}`);
        }
      }
    }

    const parameters = this.parametersOf(template, method);
    const values = [];
    const query = exchange.target.includes("?") ? exchange.target.slice(exchange.target.indexOf("?") + 1) : "";
    for (const [name, value] of new URLSearchParams(query)) {
      const declared = parameters.get(`query ${name}`);
      const read = this.queryNamesRead && this.queryNamesRead(method, template);
      if (!declared && read && !read.has(name)) {
        this.ignoredQueryNames.add(`${method.toUpperCase()} ${template} ?${name}`);
        continue;
      }
      if (!declared) this.findings.push(`${label}: query parameter ${name} is not declared for ${method.toUpperCase()} ${template}`);
      else values.push([name, value, declared]);
    }
    const concrete = exchange.target.split("?")[0].split("/");
    template.split("/").forEach((segment, index) => {
      const match = /^\{([^}/]+)\}$/.exec(segment);
      const declared = match && parameters.get(`path ${match[1]}`);
      if (!declared) return;
      let value = concrete[index];
      try {
        value = decodeURIComponent(value);
      } catch {
        // Not percent-encoded UTF-8: checked as sent.
      }
      values.push([match[1], value, declared]);
    });
    for (const [name, value, declared] of values) {
      const validate = this.validator(this.values, declared.schemaRef);
      if (!validate({ value })) this.findings.push(`${label}: ${declared.parameter.in} parameter ${name}=${value} does not match its schema: ${RequestChecks.describe(validate.errors)}`);
    }
  }
}

module.exports = { RequestChecks };
