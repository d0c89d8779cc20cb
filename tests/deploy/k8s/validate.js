// Validates Kubernetes manifests against the API's JSON schemas, as shipped by the
// kubernetes-models package (ajv; Kubernetes 1.27): every document of every file given must be
// a known apiVersion/kind and pass its schema. Prints one line per document; exit code 1 on any
// failure. Usage: node validate.js FILE.yaml...
"use strict";
const fs = require("fs");
const yaml = require("js-yaml");

// apiVersion "apps/v1" -> module "kubernetes-models/apps/v1/<Kind>"; the core group is "v1".
function modelFor(apiVersion, kind) {
  const path = `kubernetes-models/${apiVersion}/${kind}`;
  try {
    return require(path)[kind];
  } catch (error) {
    if (error.code === "MODULE_NOT_FOUND") return undefined;
    throw error;
  }
}

let failures = 0;
let documents = 0;
for (const file of process.argv.slice(2)) {
  let parsed;
  try {
    parsed = yaml.loadAll(fs.readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`FAIL ${file}: not YAML: ${error.message}`);
    failures++;
    continue;
  }
  parsed.forEach((document, index) => {
    if (document === null || document === undefined) return;  // an empty "---" section
    documents++;
    const where = `${file} #${index + 1} ${document.kind}/${document.metadata && document.metadata.name}`;
    const Model = modelFor(document.apiVersion, document.kind);
    if (!Model) {
      console.error(`FAIL ${where}: unknown apiVersion/kind ${document.apiVersion} ${document.kind}`);
      failures++;
      return;
    }
    try {
      new Model(document).validate();
      console.log(`ok   ${where}`);
    } catch (error) {
      console.error(`FAIL ${where}: ${error.message}`);
      failures++;
    }
  });
}
if (documents === 0) {
  console.error("FAIL: no documents");
  process.exit(1);
}
console.log(`${documents - failures} of ${documents} documents valid`);
process.exit(failures === 0 ? 0 : 1);
