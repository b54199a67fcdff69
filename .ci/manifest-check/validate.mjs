// Offline validation of rendered Kubernetes manifests (used by .ci/validate-manifests.sh).
//
//   node validate.mjs [--crds DIR]... LABEL=FILE...
//
// Every object of every FILE (multi-document YAML, e.g. `kubectl kustomize` output) is checked:
//  - built-in kinds against the OpenAPI schemas compiled into kubernetes-models;
//  - custom resources against the openAPIV3Schema of their CRD when a --crds DIR holds it
//    (unknown fields rejected, as the API server's strict field validation does; CEL rules are
//    not evaluated), else against @kubernetes-models/gateway-api;
//  - scope: namespaced objects name their namespace (the overlays use no namespace transformer),
//    cluster-scoped ones do not;
//  - references inside one FILE: Service/PDB/NetworkPolicy selectors and HPA targets match a
//    workload, serviceAccountName / ConfigMap volumes / roleRef name an object that is there.
// An object with no schema at all is an error. Prints one line per problem naming the file label,
// the object and the field; exits 1 if there is any, 2 on bad usage.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

const args = process.argv.slice(2);
const crdDirs = [];
const inputs = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--crds') crdDirs.push(args[++i]);
  else if (args[i].includes('=')) inputs.push(args[i].split(/=(.*)/s).slice(0, 2));
  else { console.error(`usage: node validate.mjs [--crds DIR]... LABEL=FILE...  (bad argument '${args[i]}')`); process.exit(2); }
}
if (inputs.length === 0) { console.error('usage: node validate.mjs [--crds DIR]... LABEL=FILE...'); process.exit(2); }

// ---- CRD schemas: "group/version/Kind" -> {validate, scope}
const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: true });
addFormats(ajv);
for (const f of ['int32', 'int64', 'byte', 'quantity', 'duration']) ajv.addFormat(f, true);
function strict(schema) { // unknown fields are errors unless the schema keeps them
  if (!schema || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map(strict);
  const out = {};
  for (const [k, v] of Object.entries(schema)) out[k] = k === 'enum' || k === 'default' || k === 'example' ? v : strict(v);
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
  return out;
}
const crds = new Map();
const crdFiles = (dir) => readdirSync(dir).flatMap((n) => {
  const p = join(dir, n);
  return statSync(p).isDirectory() ? crdFiles(p) : /\.ya?ml$/.test(n) ? [p] : [];
});
for (const dir of crdDirs) {
  for (const file of crdFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions ?? []) {
        const key = `${crd.spec.group}/${v.name}/${crd.spec.names.kind}`;
        if (!crds.has(key) && v.schema?.openAPIV3Schema) {
          const schema = strict(v.schema.openAPIV3Schema);
          if (schema.properties?.metadata) schema.properties.metadata = { type: 'object' }; // checked below
          crds.set(key, { validate: ajv.compile(schema), scope: crd.spec.scope, source: file });
        }
      }
    }
  }
}

// ---- built-in kinds (and the gateway-api fallback) from kubernetes-models
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterRole', 'ClusterRoleBinding', 'CustomResourceDefinition',
  'PriorityClass', 'StorageClass', 'PersistentVolume', 'IngressClass', 'ValidatingWebhookConfiguration',
  'MutatingWebhookConfiguration', 'ValidatingAdmissionPolicy', 'ValidatingAdmissionPolicyBinding', 'GatewayClass']);
async function model(apiVersion, kind) {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  const path = group ? `${group}/${version}/${kind}` : `${version}/${kind}`;
  for (const pkg of ['kubernetes-models', '@kubernetes-models/gateway-api']) {
    try { return (await import(`${pkg}/${path}`))[kind]; } catch { /* not in this package */ }
  }
  return undefined;
}
const { validate: validateMeta } = await import('@kubernetes-models/apimachinery/_schemas/IoK8sApimachineryPkgApisMetaV1ObjectMeta');

const problems = [];
let checked = 0;
const bySource = {};
for (const [label, file] of inputs) {
  const objects = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length) { problems.push(`${label}: YAML error: ${doc.errors[0].message}`); continue; }
    const o = doc.toJS();
    if (o) objects.push(o);
  }
  const seen = new Set();
  for (const o of objects) {
    const id = `${o.kind} ${o.metadata?.namespace ? o.metadata.namespace + '/' : ''}${o.metadata?.name}`;
    const bad = (path, msg) => problems.push(`${label}: ${id}: ${path || '(object)'}: ${msg}`);
    checked++;
    if (!o.apiVersion || !o.kind || !o.metadata?.name) { bad('', 'apiVersion, kind and metadata.name are required'); continue; }
    if (seen.has(`${o.apiVersion} ${id}`)) bad('', 'defined twice');
    seen.add(`${o.apiVersion} ${id}`);
    const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
    const crd = crds.get(`${group}/${version}/${o.kind}`);
    if (crd) {
      if (!crd.validate(o)) for (const e of crd.validate.errors) {
        const extra = e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}' (unknown field)` : e.keyword === 'enum' ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
        bad(e.instancePath, `${e.message}${extra}`);
      }
      if (!validateMeta(o.metadata)) for (const e of validateMeta.errors) bad(`/metadata${e.instancePath}`, e.message);
      bySource[`CRD ${o.kind}`] = (bySource[`CRD ${o.kind}`] ?? 0) + 1;
    } else {
      const M = await model(o.apiVersion, o.kind);
      if (!M) { bad('', `no schema for ${o.apiVersion} ${o.kind} (neither kubernetes-models nor a CRD under --crds)`); continue; }
      try { new M(o).validate(); } catch (e) {
        if (!Array.isArray(e.errors)) throw e;
        for (const err of e.errors) bad(err.instancePath, `${err.message}${err.params?.allowedValues ? ' ' + JSON.stringify(err.params.allowedValues) : ''}`);
      }
      bySource[`model ${o.kind}`] = (bySource[`model ${o.kind}`] ?? 0) + 1;
    }
    const clusterScoped = crd ? crd.scope === 'Cluster' : CLUSTER_SCOPED.has(o.kind);
    if (clusterScoped && o.metadata.namespace) bad('/metadata/namespace', 'set on a cluster-scoped object');
    if (!clusterScoped && !o.metadata.namespace) bad('/metadata/namespace', 'missing (overlays set namespaces explicitly)');
  }

  // ---- references within the file
  const find = (kind, ns, name) => objects.find((x) => x.kind === kind && x.metadata?.name === name && (ns === undefined || x.metadata?.namespace === ns));
  const workloads = objects.filter((x) => ['Deployment', 'StatefulSet', 'DaemonSet'].includes(x.kind));
  const matches = (sel, labels) => Object.entries(sel ?? {}).every(([k, v]) => labels?.[k] === v);
  const selects = (ns, sel) => workloads.some((w) => w.metadata.namespace === ns && matches(sel, w.spec?.template?.metadata?.labels));
  for (const o of objects) {
    const ns = o.metadata?.namespace;
    const ref = (path, msg) => problems.push(`${label}: ${o.kind} ${ns ? ns + '/' : ''}${o.metadata?.name}: ${path}: ${msg}`);
    if (o.kind === 'Service' && o.spec?.selector && !selects(ns, o.spec.selector)) ref('/spec/selector', 'selects no pod template in this install');
    if (o.kind === 'PodDisruptionBudget' && !selects(ns, o.spec?.selector?.matchLabels)) ref('/spec/selector', 'selects no pod template in this install');
    if (o.kind === 'NetworkPolicy' && !selects(ns, o.spec?.podSelector?.matchLabels)) ref('/spec/podSelector', 'selects no pod template in this install');
    if (o.kind === 'HorizontalPodAutoscaler' && !find(o.spec?.scaleTargetRef?.kind, ns, o.spec?.scaleTargetRef?.name)) ref('/spec/scaleTargetRef', 'names no object in this install');
    if (['RoleBinding', 'ClusterRoleBinding'].includes(o.kind) && !find(o.roleRef?.kind, o.roleRef?.kind === 'Role' ? ns : undefined, o.roleRef?.name)) ref('/roleRef', 'names no role in this install');
    if (workloads.includes(o)) {
      const pod = o.spec?.template?.spec ?? {};
      if (!matches(o.spec?.selector?.matchLabels, o.spec?.template?.metadata?.labels)) ref('/spec/selector', 'does not match the pod template labels');
      if (pod.serviceAccountName && !find('ServiceAccount', ns, pod.serviceAccountName)) ref('/spec/template/spec/serviceAccountName', `ServiceAccount ${pod.serviceAccountName} is not in this install`);
      (pod.volumes ?? []).forEach((v, i) => {
        if (v.configMap && !v.configMap.optional && !find('ConfigMap', ns, v.configMap.name)) ref(`/spec/template/spec/volumes/${i}/configMap/name`, `ConfigMap ${v.configMap.name} is not in this install`);
      });
    }
  }
}

for (const p of problems) console.log(`INVALID ${p}`);
console.log(`manifest-check: ${checked} objects in ${inputs.length} file(s); schemas: ${Object.entries(bySource).map(([k, n]) => `${k} ×${n}`).join(', ')}`);
console.log(`manifest-check: ${problems.length === 0 ? 'all valid' : problems.length + ' problem(s)'}`);
process.exit(problems.length === 0 ? 0 : 1);
