// Checks a collector configuration without running anything, the way the collector itself does it:
// each check walks the document and reports every problem it sees, with a path and a line/column,
// instead of stopping at the first. Shared by the server (POST /validation, template saves,
// deployments) and the UI editor. The server adds the real collector's `validate` on top.
import {
  LineCounter,
  parseDocument,
  isAlias,
  isMap,
  isScalar,
  isSeq,
  type Document,
  type Node,
  type Pair,
  type YAMLMap,
} from 'yaml';
import type { ValidationIssue } from '../schemas/templates.ts';
import { isCredentialKey } from './mask.ts';
import { configRefs, knownProviderSchemes, SECRET_NAME_RE } from './config-refs.ts';
import { componentKinds, type ComponentKindName, type ComponentSets } from './catalogue.ts';

/** Issue codes, stable for clients. */
export const validationCodes = {
  yamlSyntax: 'YAML_SYNTAX',
  emptyConfig: 'EMPTY_CONFIG',
  notAMap: 'NOT_A_MAP',
  unknownKey: 'UNKNOWN_KEY',
  invalidComponentId: 'INVALID_COMPONENT_ID',
  invalidPipelineId: 'INVALID_PIPELINE_ID',
  missingPipelines: 'MISSING_PIPELINES',
  emptyPipelineList: 'EMPTY_PIPELINE_LIST',
  undefinedComponent: 'UNDEFINED_COMPONENT',
  duplicateReference: 'DUPLICATE_REFERENCE',
  connectorUnpaired: 'CONNECTOR_UNPAIRED',
  unknownComponentType: 'UNKNOWN_COMPONENT_TYPE',
  componentNotAvailable: 'COMPONENT_NOT_AVAILABLE',
  unusedComponent: 'UNUSED_COMPONENT',
  opampExtensionInConfig: 'OPAMP_EXTENSION_IN_CONFIG',
  opampExtensionRemoved: 'OPAMP_EXTENSION_REMOVED',
  literalCredential: 'LITERAL_CREDENTIAL',
  invalidSecretName: 'INVALID_SECRET_NAME',
  secretNotFound: 'SECRET_NOT_FOUND',
  unknownProvider: 'UNKNOWN_PROVIDER',
  collectorRejected: 'COLLECTOR_REJECTED',
} as const;

/** Codes of problems the real collector would report too (running it adds nothing but noise). */
export const structuralCodes: ReadonlySet<string> = new Set([
  validationCodes.yamlSyntax,
  validationCodes.emptyConfig,
  validationCodes.notAMap,
  validationCodes.unknownKey,
  validationCodes.invalidComponentId,
  validationCodes.invalidPipelineId,
  validationCodes.missingPipelines,
  validationCodes.emptyPipelineList,
  validationCodes.undefinedComponent,
  validationCodes.duplicateReference,
  validationCodes.connectorUnpaired,
  validationCodes.unknownComponentType,
  validationCodes.unknownProvider,
]);

export const pipelineSignals = ['traces', 'metrics', 'logs', 'profiles'] as const;
const TOP_LEVEL_KEYS = [...componentKinds, 'service'] as const;
const SERVICE_KEYS = ['extensions', 'pipelines', 'telemetry'];
const PIPELINE_KEYS = ['receivers', 'processors', 'exporters'] as const;
const TYPE_RE = /^[a-zA-Z][0-9a-zA-Z_]{0,62}$/;
const NAME_RE = /^[^\p{Z}\p{C}\p{S}/]+$/u;
/** Provided by the OpAMP supervisor ($OPAMP_EXTENSION_CONFIG), never by a remote config. */
const OPAMP = 'opamp';

export interface ComponentSource {
  /** Shown in messages: `gateway "edge-1"`, `the otelcol-flowgate 0.149.0 distribution`. */
  label: string;
  components: ComponentSets;
  /** True for a specific gateway (COMPONENT_NOT_AVAILABLE), false for the distribution (UNKNOWN_COMPONENT_TYPE). */
  gateway: boolean;
}

export interface ValidateOptions {
  /** Where the components must exist; every source is checked. Empty: no availability check. */
  componentSources?: ComponentSource[];
  /** Secret names defined in the organization; null or absent: references are not checked for existence. */
  secretNames?: ReadonlySet<string> | null;
}

export interface StaticValidation {
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

interface Ctx {
  doc: Document;
  lines: LineCounter;
  errors: ValidationIssue[];
  warnings: ValidationIssue[];
}

const kindSingular: Record<ComponentKindName, string> = {
  receivers: 'receiver',
  processors: 'processor',
  exporters: 'exporter',
  extensions: 'extension',
  connectors: 'connector',
};

function issue(
  ctx: Ctx,
  code: string,
  message: string,
  path: string | null,
  node: Node | null | undefined,
): ValidationIssue {
  const range = node?.range;
  const pos = range ? ctx.lines.linePos(range[0]) : null;
  return { code, message, path, line: pos ? pos.line : null, column: pos ? pos.col : null };
}
const error = (ctx: Ctx, code: string, message: string, path: string | null, node?: Node | null) =>
  ctx.errors.push(issue(ctx, code, message, path, node));
const warn = (ctx: Ctx, code: string, message: string, path: string | null, node?: Node | null) =>
  ctx.warnings.push(issue(ctx, code, message, path, node));

function resolveNode(ctx: Ctx, node: unknown): Node | null {
  if (!node) return null;
  if (isAlias(node)) return (node.resolve(ctx.doc) as Node | undefined) ?? null;
  return node as Node;
}
const keyText = (pair: Pair): string => (isScalar(pair.key) ? String(pair.key.value) : String(pair.key));
const join = (...parts: string[]) => parts.join('::');

/** A map's entries as [key, keyNode, valueNode]; null (an empty section) reads as no entries. */
function entries(ctx: Ctx, node: Node | null): { key: string; keyNode: Node; value: Node | null }[] {
  if (!node || !isMap(node)) return [];
  return (node as YAMLMap).items.map((p) => ({
    key: keyText(p as Pair),
    keyNode: (p as Pair).key as Node,
    value: resolveNode(ctx, (p as Pair).value),
  }));
}
const isNullNode = (node: Node | null) => !node || (isScalar(node) && (node.value === null || node.value === ''));

/** Returns the YAML syntax errors with line and column (empty when it parses). */
export function yamlSyntaxIssues(text: string): ValidationIssue[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: true, uniqueKeys: true });
  return doc.errors.map((e) => {
    const pos = e.linePos?.[0] ?? lines.linePos(e.pos[0]);
    return {
      code: validationCodes.yamlSyntax,
      message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, ''),
      path: null,
      line: pos.line,
      column: pos.col,
    };
  });
}

interface ParsedId {
  type: string;
  name: string | null;
}
function parseId(id: string): ParsedId | null {
  const slash = id.indexOf('/');
  const type = slash < 0 ? id : id.slice(0, slash);
  const name = slash < 0 ? null : id.slice(slash + 1);
  if (!TYPE_RE.test(type)) return null;
  if (name !== null && !NAME_RE.test(name)) return null;
  return { type, name };
}

interface Defined {
  /** kind → id → key node */
  ids: Record<ComponentKindName, Map<string, Node>>;
}

/** Structure of the component sections: maps of valid ids. */
function checkSections(ctx: Ctx, root: YAMLMap): Defined {
  const ids = Object.fromEntries(componentKinds.map((k) => [k, new Map<string, Node>()])) as Defined['ids'];
  for (const { key, keyNode, value } of entries(ctx, root)) {
    if (!(TOP_LEVEL_KEYS as readonly string[]).includes(key)) {
      error(
        ctx,
        validationCodes.unknownKey,
        `Unknown top-level key "${key}": a collector configuration has ${TOP_LEVEL_KEYS.join(', ')}`,
        key,
        keyNode,
      );
      continue;
    }
    if (key === 'service') continue;
    const kind = key as ComponentKindName;
    if (!isNullNode(value) && !isMap(value)) {
      error(
        ctx,
        validationCodes.notAMap,
        `"${kind}" must be a map of ${kindSingular[kind]} ids to their configuration`,
        kind,
        value ?? keyNode,
      );
      continue;
    }
    for (const c of entries(ctx, value)) {
      const path = join(kind, c.key);
      if (!parseId(c.key)) {
        error(
          ctx,
          validationCodes.invalidComponentId,
          `"${c.key}" is not a valid ${kindSingular[kind]} id: use type[/name], ` +
            `the type starting with a letter (letters, digits, _), the name without spaces or "/"`,
          path,
          c.keyNode,
        );
        continue;
      }
      if (!isNullNode(c.value) && !isMap(c.value)) {
        error(
          ctx,
          validationCodes.notAMap,
          `The configuration of ${kindSingular[kind]} "${c.key}" must be a map (or empty for the defaults)`,
          path,
          c.value,
        );
      }
      ids[kind].set(c.key, c.keyNode);
    }
  }
  return { ids };
}

interface Usage {
  /** kind → ids referenced in pipelines (receivers/processors/exporters/connectors) or service.extensions */
  used: Record<ComponentKindName, Set<string>>;
  connectorAsExporter: Map<string, Node>;
  connectorAsReceiver: Map<string, Node>;
  serviceExtensions: { node: Node; ids: string[] } | null;
}

function checkService(ctx: Ctx, root: YAMLMap, defined: Defined): Usage {
  const used = Object.fromEntries(componentKinds.map((k) => [k, new Set<string>()])) as Usage['used'];
  const usage: Usage = {
    used,
    connectorAsExporter: new Map(),
    connectorAsReceiver: new Map(),
    serviceExtensions: null,
  };
  const servicePair = root.items.find((p) => keyText(p as Pair) === 'service') as Pair | undefined;
  const service = resolveNode(ctx, servicePair?.value);
  if (!servicePair || isNullNode(service)) {
    error(
      ctx,
      validationCodes.missingPipelines,
      'The configuration has no "service.pipelines": without a pipeline the collector does not start',
      'service',
      servicePair?.key as Node | undefined,
    );
    return usage;
  }
  if (!isMap(service)) {
    error(
      ctx,
      validationCodes.notAMap,
      '"service" must be a map with "pipelines" (and optionally "extensions", "telemetry")',
      'service',
      service,
    );
    return usage;
  }
  let pipelinesNode: Node | null = null;
  let pipelinesKey: Node | null = null;
  for (const { key, keyNode, value } of entries(ctx, service)) {
    if (!SERVICE_KEYS.includes(key)) {
      error(
        ctx,
        validationCodes.unknownKey,
        `Unknown key "service.${key}": the service section has ${SERVICE_KEYS.join(', ')}`,
        join('service', key),
        keyNode,
      );
    } else if (key === 'pipelines') {
      pipelinesNode = value;
      pipelinesKey = keyNode;
    } else if (key === 'extensions') {
      checkServiceExtensions(ctx, value, keyNode, defined, usage);
    }
  }
  if (!pipelinesKey || isNullNode(pipelinesNode) || (isMap(pipelinesNode) && pipelinesNode.items.length === 0)) {
    error(
      ctx,
      validationCodes.missingPipelines,
      'The configuration has no pipeline in "service.pipelines": the collector needs at least one',
      'service::pipelines',
      pipelinesKey ?? (servicePair.key as Node),
    );
    return usage;
  }
  if (!isMap(pipelinesNode)) {
    error(
      ctx,
      validationCodes.notAMap,
      '"service.pipelines" must be a map of pipeline ids (traces, ' +
        'metrics, logs, profiles, optionally /name) to pipelines',
      'service::pipelines',
      pipelinesNode,
    );
    return usage;
  }
  for (const p of entries(ctx, pipelinesNode)) checkPipeline(ctx, p.key, p.keyNode, p.value, defined, usage);
  return usage;
}

function stringList(ctx: Ctx, node: Node | null, path: string, what: string): { id: string; node: Node }[] | null {
  if (isNullNode(node)) return [];
  if (!isSeq(node)) {
    error(ctx, validationCodes.notAMap, `${what} must be a list of component ids, e.g. [otlp]`, path, node);
    return null;
  }
  const out: { id: string; node: Node }[] = [];
  node.items.forEach((raw, i) => {
    const item = resolveNode(ctx, raw);
    if (!item || !isScalar(item) || typeof item.value !== 'string' || item.value === '') {
      error(ctx, validationCodes.notAMap, `${what}[${i}] must be a component id (a string)`, `${path}[${i}]`, item);
      return;
    }
    out.push({ id: item.value, node: item });
  });
  return out;
}

function checkServiceExtensions(ctx: Ctx, value: Node | null, keyNode: Node, defined: Defined, usage: Usage) {
  const list = stringList(ctx, value, 'service::extensions', '"service.extensions"');
  if (!list) return;
  usage.serviceExtensions = { node: value ?? keyNode, ids: list.map((e) => e.id) };
  const seen = new Set<string>();
  list.forEach(({ id, node }, i) => {
    const path = `service::extensions[${i}]`;
    if (seen.has(id))
      error(
        ctx,
        validationCodes.duplicateReference,
        `Extension "${id}" is listed twice in service.extensions`,
        path,
        node,
      );
    seen.add(id);
    usage.used.extensions.add(id);
    if (id === OPAMP) return; // defined by the supervisor
    if (!defined.ids.extensions.has(id))
      error(
        ctx,
        validationCodes.undefinedComponent,
        `service.extensions references extension "${id}", which is not defined under "extensions"`,
        path,
        node,
      );
  });
}

function checkPipeline(ctx: Ctx, id: string, keyNode: Node, value: Node | null, defined: Defined, usage: Usage) {
  const path = join('service', 'pipelines', id);
  const slash = id.indexOf('/');
  const signal = slash < 0 ? id : id.slice(0, slash);
  const name = slash < 0 ? null : id.slice(slash + 1);
  if (!(pipelineSignals as readonly string[]).includes(signal) || (name !== null && !NAME_RE.test(name))) {
    error(
      ctx,
      validationCodes.invalidPipelineId,
      `"${id}" is not a valid pipeline id: use ${pipelineSignals.join(', ')} ` +
        `optionally followed by /name (e.g. metrics/backend)`,
      path,
      keyNode,
    );
  }
  if (isNullNode(value) || !isMap(value)) {
    error(
      ctx,
      validationCodes.notAMap,
      `Pipeline "${id}" must be a map with "receivers", optional "processors" and "exporters"`,
      path,
      value ?? keyNode,
    );
    return;
  }
  const lists: Partial<Record<(typeof PIPELINE_KEYS)[number], { id: string; node: Node }[]>> = {};
  for (const e of entries(ctx, value)) {
    if (!(PIPELINE_KEYS as readonly string[]).includes(e.key)) {
      error(
        ctx,
        validationCodes.unknownKey,
        `Unknown key "${e.key}" in pipeline "${id}": a pipeline has ${PIPELINE_KEYS.join(', ')}`,
        join(path, e.key),
        e.keyNode,
      );
      continue;
    }
    const list = stringList(ctx, e.value, join(path, e.key), `Pipeline "${id}" ${e.key}`);
    if (list) lists[e.key as (typeof PIPELINE_KEYS)[number]] = list;
  }
  for (const part of ['receivers', 'exporters'] as const) {
    const present = entries(ctx, value).some((e) => e.key === part);
    if (!present || lists[part]?.length === 0)
      error(
        ctx,
        validationCodes.emptyPipelineList,
        `Pipeline "${id}" must have at least one ${part === 'receivers' ? 'receiver' : 'exporter'}`,
        join(path, part),
        value,
      );
  }
  for (const part of PIPELINE_KEYS) {
    const seen = new Set<string>();
    (lists[part] ?? []).forEach(({ id: ref, node }, i) => {
      const refPath = `${join(path, part)}[${i}]`;
      if (seen.has(ref))
        error(
          ctx,
          validationCodes.duplicateReference,
          `Pipeline "${id}" lists ${kindSingular[part]} "${ref}" twice`,
          refPath,
          node,
        );
      seen.add(ref);
      if (defined.ids[part].has(ref)) {
        usage.used[part].add(ref);
        return;
      }
      if (part !== 'processors' && defined.ids.connectors.has(ref)) {
        usage.used.connectors.add(ref);
        (part === 'exporters' ? usage.connectorAsExporter : usage.connectorAsReceiver).set(ref, node);
        return;
      }
      const where = part === 'processors' ? '"processors"' : `"${part}" or "connectors"`;
      error(
        ctx,
        validationCodes.undefinedComponent,
        `Pipeline "${id}" references ${kindSingular[part]} "${ref}", which is not defined under ${where}`,
        refPath,
        node,
      );
    });
  }
}

function checkConnectors(ctx: Ctx, usage: Usage) {
  for (const [id, node] of usage.connectorAsExporter) {
    if (!usage.connectorAsReceiver.has(id))
      error(
        ctx,
        validationCodes.connectorUnpaired,
        `Connector "${id}" is used as an exporter but no pipeline uses it as a receiver`,
        join('connectors', id),
        node,
      );
  }
  for (const [id, node] of usage.connectorAsReceiver) {
    if (!usage.connectorAsExporter.has(id))
      error(
        ctx,
        validationCodes.connectorUnpaired,
        `Connector "${id}" is used as a receiver but no pipeline uses it as an exporter`,
        join('connectors', id),
        node,
      );
  }
}

function checkUnused(ctx: Ctx, defined: Defined, usage: Usage) {
  for (const kind of componentKinds) {
    for (const [id, node] of defined.ids[kind]) {
      if (usage.used[kind].has(id) || (kind === 'extensions' && parseId(id)!.type === OPAMP)) continue;
      const where = kind === 'extensions' ? 'service.extensions' : 'any pipeline';
      warn(
        ctx,
        validationCodes.unusedComponent,
        `${kindSingular[kind][0]!.toUpperCase()}${kindSingular[kind].slice(1)} ` +
          `"${id}" is defined but not used in ${where}; the collector ignores it`,
        join(kind, id),
        node,
      );
    }
  }
}

function checkAvailability(ctx: Ctx, defined: Defined, sources: ComponentSource[]) {
  if (sources.length === 0) return;
  for (const kind of componentKinds) {
    for (const [id, node] of defined.ids[kind]) {
      const type = parseId(id)!.type;
      const missing = sources.filter((s) => !s.components[kind].has(type));
      if (missing.length === 0) continue;
      const dist = missing.filter((s) => !s.gateway);
      const gws = missing.filter((s) => s.gateway);
      if (dist.length) {
        error(
          ctx,
          validationCodes.unknownComponentType,
          `Unknown ${kindSingular[kind]} type "${type}": it is not in ${dist[0]!.label}`,
          join(kind, id),
          node,
        );
      }
      if (gws.length) {
        const names =
          gws
            .slice(0, 5)
            .map((s) => s.label)
            .join(', ') + (gws.length > 5 ? ` and ${gws.length - 5} more` : '');
        error(
          ctx,
          validationCodes.componentNotAvailable,
          `${kindSingular[kind][0]!.toUpperCase()}${kindSingular[kind].slice(1)} type "${type}" ` +
            `is not available on ${names}: its collector does not include it (AvailableComponents)`,
          join(kind, id),
          node,
        );
      }
    }
  }
}

function checkOpamp(ctx: Ctx, defined: Defined, usage: Usage) {
  for (const [id, node] of defined.ids.extensions) {
    if (parseId(id)!.type !== OPAMP) continue;
    error(
      ctx,
      validationCodes.opampExtensionInConfig,
      `Remove "extensions.${id}": the OpAMP supervisor injects its own opamp extension, ` +
        `and a remote configuration is merged after it, so this would replace the link ` +
        `between the supervisor and its collector and cut the gateway off from Flowgate`,
      join('extensions', id),
      node,
    );
  }
  const se = usage.serviceExtensions;
  if (se && !se.ids.includes(OPAMP)) {
    error(
      ctx,
      validationCodes.opampExtensionRemoved,
      `"service.extensions" replaces the supervisor's list and does not include "opamp": ` +
        `the collector would run without its OpAMP link and the gateway would stop reporting to Flowgate. ` +
        `Add opamp to the list (it need not be defined under extensions) or remove service.extensions`,
      'service::extensions',
      se.node,
    );
  }
}

/** Walks every scalar under the component sections and service.telemetry with its path. */
function walkScalars(
  ctx: Ctx,
  node: Node | null,
  path: string,
  key: string | null,
  fn: (scalar: Node & { value: unknown }, path: string, key: string | null) => void,
  depth = 0,
) {
  if (!node || depth > 64) return;
  if (isMap(node)) {
    for (const e of entries(ctx, node)) walkScalars(ctx, e.value, join(path, e.key), e.key, fn, depth + 1);
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => walkScalars(ctx, resolveNode(ctx, item), `${path}[${i}]`, key, fn, depth + 1));
  } else if (isScalar(node)) {
    fn(node as Node & { value: unknown }, path, key);
  }
}

function checkValues(ctx: Ctx, root: YAMLMap, secretNames: ReadonlySet<string> | null) {
  for (const { key, value } of entries(ctx, root)) {
    walkScalars(ctx, value, key, null, (scalar, path, scalarKey) => {
      const text = typeof scalar.value === 'string' ? scalar.value : null;
      if (text && text.includes('${')) {
        for (const ref of configRefs(text)) {
          if (!(knownProviderSchemes as readonly string[]).includes(ref.scheme)) {
            error(
              ctx,
              validationCodes.unknownProvider,
              `Unknown reference scheme "${ref.scheme}" in ${ref.text}: ` +
                `use \${secret:NAME} for Flowgate secrets or \${env:NAME}`,
              path,
              scalar,
            );
          } else if (ref.scheme === 'secret') {
            if (!SECRET_NAME_RE.test(ref.value))
              error(
                ctx,
                validationCodes.invalidSecretName,
                `${ref.text} is not a valid secret reference: ` +
                  `names are letters, digits and _ (not starting with a digit)`,
                path,
                scalar,
              );
            else if (secretNames && !secretNames.has(ref.value))
              error(
                ctx,
                validationCodes.secretNotFound,
                `Secret "${ref.value}" does not exist in this organization: ` +
                  `create it (PUT /api/v1/secrets) before deploying`,
                path,
                scalar,
              );
          }
        }
      }
      if (!scalarKey || !isCredentialKey(scalarKey)) return;
      const literal = text ?? (typeof scalar.value === 'number' ? String(scalar.value) : null);
      if (!literal || literal.includes('${')) return;
      warn(
        ctx,
        validationCodes.literalCredential,
        `"${scalarKey}" holds a literal credential: store it as a secret and write ` +
          `\${secret:NAME} here, so it is encrypted at rest and never shown back`,
        path,
        scalar,
      );
    });
  }
}

/**
 * All static problems of a collector configuration: YAML syntax (alone: nothing else can be trusted
 * when the text does not parse), structure, pipeline references, component availability, the
 * supervisor's opamp extension, secrets and literal credentials.
 */
export function validateCollectorConfig(text: string, opts: ValidateOptions = {}): StaticValidation {
  const syntax = yamlSyntaxIssues(text);
  if (syntax.length) return { errors: syntax, warnings: [] };
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true });
  const ctx: Ctx = { doc, lines, errors: [], warnings: [] };
  const root = resolveNode(ctx, doc.contents);
  if (isNullNode(root)) {
    error(ctx, validationCodes.emptyConfig, 'The configuration is empty', null, null);
    return { errors: ctx.errors, warnings: ctx.warnings };
  }
  if (!isMap(root)) {
    error(
      ctx,
      validationCodes.notAMap,
      'A collector configuration is a map with receivers, processors, exporters, extensions, connectors and service',
      null,
      root,
    );
    return { errors: ctx.errors, warnings: ctx.warnings };
  }
  const defined = checkSections(ctx, root);
  const usage = checkService(ctx, root, defined);
  checkConnectors(ctx, usage);
  checkUnused(ctx, defined, usage);
  checkAvailability(ctx, defined, opts.componentSources ?? []);
  checkOpamp(ctx, defined, usage);
  checkValues(ctx, root, opts.secretNames ?? null);
  const byPosition = (a: ValidationIssue, b: ValidationIssue) =>
    (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  return { errors: ctx.errors.sort(byPosition), warnings: ctx.warnings.sort(byPosition) };
}

/** Position of a component's key (e.g. kind `processors`, id `filter/drop`), for messages from elsewhere. */
export function locateComponent(text: string, path: string[]): { line: number; column: number } | null {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  let node: unknown = doc.contents;
  let keyNode: Node | null = null;
  for (const part of path) {
    if (!isMap(node)) return null;
    const pair = (node as YAMLMap).items.find((p) => keyText(p as Pair) === part) as Pair | undefined;
    if (!pair) return null;
    keyNode = pair.key as Node;
    node = pair.value;
  }
  const range = keyNode?.range;
  if (!range) return null;
  const pos = lines.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}
