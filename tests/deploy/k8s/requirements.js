// What issue 16 asks of the manifests beyond their schema (which validate.js checks): every
// service Deployment probes /readyz and /healthz, has requests and limits, reads the Secret by
// reference, and has a Service and a PodDisruptionBudget; ordering and catalog have an HPA.
// Usage: node requirements.js FILE.yaml...
"use strict";
const fs = require("fs");
const yaml = require("js-yaml");

const objects = process.argv.slice(2).flatMap((file) => yaml.loadAll(fs.readFileSync(file, "utf8")).filter(Boolean));
const named = (kind) => objects.filter((o) => o.kind === kind).map((o) => o.metadata.name);
const problems = [];

for (const deployment of objects.filter((o) => o.kind === "Deployment")) {
  const name = deployment.metadata.name;
  for (const container of deployment.spec.template.spec.containers) {
    const where = `Deployment ${name} container ${container.name}`;
    const readiness = container.readinessProbe && container.readinessProbe.httpGet;
    const liveness = container.livenessProbe && container.livenessProbe.httpGet;
    const healthPath = name === "gateway" ? "/healthz" : "/readyz";
    if (!readiness || readiness.path !== healthPath) problems.push(`${where}: readiness probe not on ${healthPath}`);
    if (!liveness || liveness.path !== "/healthz") problems.push(`${where}: liveness probe not on /healthz`);
    const resources = container.resources || {};
    for (const bound of ["requests", "limits"]) {
      for (const resource of ["cpu", "memory"]) {
        if (!resources[bound] || !resources[bound][resource]) problems.push(`${where}: no ${bound}.${resource}`);
      }
    }
    if (name !== "gateway") {
      const secret = (container.envFrom || []).some((source) => source.secretRef && source.secretRef.name === "huicai-secrets");
      if (!secret) problems.push(`${where}: does not read the Secret huicai-secrets`);
    }
  }
  if (!named("Service").includes(name)) problems.push(`Deployment ${name}: no Service`);
  if (!named("PodDisruptionBudget").includes(name)) problems.push(`Deployment ${name}: no PodDisruptionBudget`);
}
if (objects.some((o) => o.kind === "Secret")) problems.push("a Secret is committed: reference it, create it in the cluster");
for (const name of ["catalog", "ordering"]) {
  const hpa = objects.find((o) => o.kind === "HorizontalPodAutoscaler" && o.spec.scaleTargetRef.name === name);
  if (!hpa) problems.push(`no HorizontalPodAutoscaler for ${name}`);
}
for (const problem of problems) console.error(`FAIL ${problem}`);
if (problems.length === 0) console.log(`requirements met by ${named("Deployment").length} Deployments`);
process.exit(problems.length === 0 ? 0 : 1);
