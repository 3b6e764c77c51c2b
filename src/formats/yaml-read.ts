// The first YAML document of a text, read with the `yaml` library into the caller's plain data (pure): scalars
// stay text (a plain `~`, `null` or empty one is null), nothing becomes a number, date or object, tags are
// handed to the caller and never acted on, an alias shares its anchor's value. Depth, nodes, aliases are capped.
// Spec: https://yaml.org/spec/1.1/ (Psych and go-yaml v2 read 1.1); library: https://eemeli.org/yaml/
import { Composer, type Document, isAlias, isMap, isScalar, isSeq, LineCounter, type Node, Parser, visit, type YAMLError } from "yaml";

export class YamlError extends Error {
  constructor(message: string, line?: number) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "YamlError";
  }
}

/** How a format builds its values; `V` is the format's value type. */
export interface YamlBuilder<V> {
  /** A new mapping, and how to add an entry to it. */
  mapping(): { value: V; add(key: string, item: V): void };
  sequence(items: V[]): V;
  /** A scalar's text (null for a plain null), its tag if any, and its 1-based line. */
  scalar(text: string | null, tag: string | undefined, line: number): V;
  /** Called at each tag, anchor and alias (1-based line); throws to refuse them. */
  properties?(line: number): void;
}

export interface YamlLimits {
  /** Flow collections (`[a, b]`, `{k: v}`) longer than this many characters are refused. */
  maxFlowLength?: number;
}

const MAX_DEPTH = 64;
const MAX_NODES = 1_000_000;
const MAX_ALIASES = 10_000;
const NULLS = new Set(["", "~", "null", "Null", "NULL"]);

/** The library's complaints in the words of the readers it replaced (go-yaml's, mostly). */
function messageOf(error: YAMLError): string {
  switch (error.code) {
    case "TAB_AS_INDENT":
      return "tabs are not allowed in indentation";
    case "BLOCK_AS_IMPLICIT_KEY":
    case "MULTILINE_IMPLICIT_KEY":
      return "mapping values are not allowed in this context";
    case "RESOURCE_EXHAUSTION":
      return "document nested too deeply";
    default: {
      const first = error.message.split("\n")[0] ?? error.code;
      if (error.code === "MISSING_CHAR" && /quote/.test(first)) return "unterminated quoted scalar";
      return first.charAt(0).toLowerCase() + first.slice(1).replace(/ at line \d+, column \d+:?$/, "");
    }
  }
}

/**
 * Where an error is reported: an unterminated quoted scalar or flow collection is reported at its start (the
 * library reports where the text ran out), anything else where the library found it.
 */
function errorOffset(doc: Document.Parsed, error: YAMLError): number {
  const at = error.pos[0];
  let start = at;
  if (error.code !== "MISSING_CHAR" && error.code !== "BAD_INDENT") return at;
  visit(doc, (_, node) => {
    const range = (node as Node | null)?.range;
    const open = isScalar(node) ? node.type === "QUOTE_DOUBLE" || node.type === "QUOTE_SINGLE" : (isSeq(node) || isMap(node)) && node.flow;
    if (open && range && range[0] <= at && at <= range[1] && (start === at || range[0] > start)) start = range[0];
  });
  return start;
}

/** Reads the first document of `source` (null when there is none) with `builder`; throws YamlError. */
export function readYaml<V>(source: string, builder: YamlBuilder<V>, limits: YamlLimits = {}): V | null {
  const lines = new LineCounter();
  const composer = new Composer({ version: "1.1", schema: "failsafe", merge: false, uniqueKeys: false });
  const first = composer.compose(new Parser(lines.addNewLine).parse(source), true).next();
  if (first.done) return null;
  const doc = first.value;
  const error = doc.errors[0];
  if (error) throw new YamlError(messageOf(error), lines.linePos(errorOffset(doc, error)).line);
  const lineOf = (node: Node) => lines.linePos(node.range?.[0] ?? 0).line;
  const anchors = new Map<string, V>();
  let nodes = 0;
  let aliases = 0;

  const read = (node: unknown, depth: number): V => {
    if (++nodes > MAX_NODES) throw new YamlError("document too large");
    if (depth > MAX_DEPTH) throw new YamlError("document nested too deeply");
    if (node === null || node === undefined) return builder.scalar(null, undefined, 1);
    const n = node as Node;
    const line = lineOf(n);
    if (isAlias(n)) {
      builder.properties?.(line);
      if (!anchors.has(n.source)) throw new YamlError(`unknown alias *${n.source}`, line);
      if (++aliases > MAX_ALIASES) throw new YamlError("too many aliases", line);
      return anchors.get(n.source) as V;
    }
    if (n.tag !== undefined || n.anchor !== undefined) builder.properties?.(line);
    let value: V;
    if (isScalar(n)) {
      const text = String(n.source ?? n.value ?? "");
      value = builder.scalar(n.type === "PLAIN" && n.tag === undefined && NULLS.has(text) ? null : text, n.tag, line);
    } else if (isSeq(n) || isMap(n)) {
      if (n.flow && limits.maxFlowLength !== undefined && n.range && n.range[1] - n.range[0] > limits.maxFlowLength) {
        throw new YamlError("flow collection too long", line);
      }
      if (isSeq(n)) value = builder.sequence(n.items.map((item) => read(item, depth + 1)));
      else {
        const map = builder.mapping();
        const seen = new Set<string>();
        for (const pair of n.items) {
          const key = pair.key as Node | null;
          if (!isScalar(key)) throw new YamlError("complex keys are not supported", line);
          const name = String(key.source ?? key.value ?? "");
          const keyLine = lineOf(key);
          if (key.tag !== undefined || key.anchor !== undefined) builder.properties?.(keyLine);
          if (key.type === "PLAIN" && name === "<<") throw new YamlError("merge keys are not supported", keyLine);
          if (seen.has(name)) throw new YamlError(`duplicate key ${JSON.stringify(name)}`, keyLine);
          seen.add(name);
          map.add(name, read(pair.value, depth + 1));
        }
        value = map.value;
      }
    } else {
      throw new YamlError("unexpected node", line);
    }
    if (n.anchor !== undefined) anchors.set(n.anchor, value);
    return value;
  };
  return doc.contents === null ? null : read(doc.contents, 0);
}
