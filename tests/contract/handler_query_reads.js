// Which query parameters the handlers read, found in the source, so a parameter the suite never
// sends is still held to the document. A static scan of services/*/src: the names passed as
// literals to Request::query_param, and to every helper that hands its `name` argument on to
// query_param (positive_query(request, "supplier_id", ...), id_query_param(...), lambdas like
// integer("limit", 1)). Each name is attributed to the routes registered in the same file
// (add_route / router.add with http::Method::x, "/pattern"; a file registering through a helper
// of its own, add("/pattern", handler), by the literals naming a documented path); names read in
// a file that registers no route (shared helpers such as aidstats' period.cpp) to every route of
// its service.
//
// A finding: a name none of its routes' operations declares as an `in: query` parameter.
"use strict";
const fs = require("fs");
const path = require("path");

const routePattern = /Method::(get|head|post|put|patch|delete_)\s*,\s*"([^"]+)"/g;
const directRead = /query_param\(\s*"([A-Za-z0-9_.-]+)"/g;
// A helper that takes a name and reads it: `T helper(const http::Request& request, const char*
// name` or `const auto helper = [&](const char* name`, followed (before the next helper) by
// query_param(name).
const helperDefinition = /(?:\b(\w+)\s*\(\s*const\s+http::Request&\s+\w+\s*,\s*(?:const\s+char\s*\*|std::string_view|const\s+std::string&)\s*(\w+)|\b(\w+)\s*=\s*\[[^\]]*\]\s*\(\s*(?:const\s+char\s*\*|std::string_view)\s*(\w+))/g;

function sourceFiles(servicesDir) {
  const files = [];
  for (const service of fs.readdirSync(servicesDir)) {
    const src = path.join(servicesDir, service, "src");
    if (!fs.existsSync(src)) continue;
    const walk = (dir) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else if (/\.(cpp|hpp)$/.test(entry.name)) files.push({ service, file: full, text: fs.readFileSync(full, "utf8") });
      }
    };
    walk(src);
  }
  return files;
}

// Helpers whose body passes its name parameter to query_param: free functions taking the request
// (callable from any file of the service: `helper(request, "name"`) and lambdas (only in their
// own file: `helper("name"`). Other calls with a literal (FieldValidator's fields.integer("x"))
// are body fields, not query parameters.
function readingHelpers(text) {
  const free = new Set();
  const local = new Set();
  const definitions = [...text.matchAll(helperDefinition)].map((m) => ({ index: m.index, name: m[1] || m[3], argument: m[2] || m[4], lambda: !m[1] }));
  definitions.forEach((definition, i) => {
    const end = i + 1 < definitions.length ? definitions[i + 1].index : text.length;
    const body = text.slice(definition.index, end);
    if (definition.name === "query_param") return;
    if (new RegExp(`query_param\\(\\s*${definition.argument}\\s*\\)`).test(body)) (definition.lambda ? local : free).add(definition.name);
  });
  return { free, local };
}

const callsOf = (names, withRequest) =>
  names.size
    ? new RegExp(`(?<![.\\w])(?:${[...names].join("|")})\\(\\s*${withRequest ? "\\w+\\s*,\\s*" : ""}"([A-Za-z0-9_.-]+)"`, "g")
    : null;

// `documented`: path template -> its methods in the document.
function scan(servicesDir, documented) {
  const files = sourceFiles(servicesDir);
  const free = new Set();
  for (const { text } of files) for (const name of readingHelpers(text).free) free.add(name);
  const freeCall = callsOf(free, true);
  const byService = new Map();
  const reads = [];
  for (const { service, file, text } of files) {
    let routes = [...text.matchAll(routePattern)].map((m) => ({ method: m[1].replace(/_$/, ""), pattern: m[2] }));
    if (!routes.length) {
      const literals = new Set([...text.matchAll(/"(\/[^"\s]*)"/g)].map((m) => m[1]));
      routes = [...literals].filter((l) => documented.has(l)).flatMap((pattern) => documented.get(pattern).map((method) => ({ method, pattern })));
    }
    const names = new Set([...text.matchAll(directRead)].map((m) => m[1]));
    const localCall = callsOf(readingHelpers(text).local, false);
    for (const call of [freeCall, localCall]) if (call) for (const m of text.matchAll(call)) names.add(m[1]);
    if (!byService.has(service)) byService.set(service, []);
    byService.get(service).push(...routes);
    if (names.size) reads.push({ service, file, routes, names });
  }
  return reads.map((read) => ({ ...read, routes: read.routes.length ? read.routes : byService.get(read.service) }));
}

// `declaredQuery(method, pattern)` answers the query names the document declares for a route, or
// null when the document has no such operation (openapi_test.cpp fails that one).
function findings(servicesDir, documented, declaredQuery) {
  const result = [];
  for (const { file, routes, names } of scan(servicesDir, documented)) {
    const declared = new Set();
    for (const route of routes) for (const name of declaredQuery(route.method, route.pattern) || []) declared.add(name);
    for (const name of names) {
      if (!declared.has(name)) {
        const where = routes.map((r) => `${r.method.toUpperCase()} ${r.pattern}`).join(", ");
        result.push(`source: ${path.relative(path.dirname(servicesDir), file)} reads query parameter "${name}", which none of its operations declares (${where})`);
      }
    }
  }
  return result;
}

// "method pattern" -> the query names the files registering it read (a route registered nowhere
// in the sources, e.g. by a test: absent).
function namesByRoute(servicesDir, documented) {
  const result = new Map();
  for (const { routes, names } of scan(servicesDir, documented)) {
    for (const route of routes) {
      const key = `${route.method} ${route.pattern}`;
      if (!result.has(key)) result.set(key, new Set());
      for (const name of names) result.get(key).add(name);
    }
  }
  return result;
}

module.exports = { scan, findings, namesByRoute };
