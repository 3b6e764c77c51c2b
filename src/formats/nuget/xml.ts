// A small, strict-enough XML reader for `.nuspec` manifests (pure): elements, attributes, text, CDATA, comments and
// the five predefined entities plus character references. Document type declarations are refused (no entity
// expansion, so no "billion laughs"); depth and size are bounded by the caller's limits.
// Spec: https://www.w3.org/TR/xml/ (the subset nuspec files use).

export interface XmlElement {
  /** Local name, without a namespace prefix (`package`, `metadata`). */
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  /** The element's own text (CDATA included), children's text excluded. */
  text: string;
}

export class XmlError extends Error {}

const MAX_DEPTH = 64;
const NAME = /^[A-Za-z_:][\w.:-]*/;
const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

const localName = (qualified: string) => qualified.slice(qualified.indexOf(":") + 1);

/** Parse a document and answer its root element. */
export function parseXml(source: string): XmlElement {
  let pos = source.charCodeAt(0) === 0xfeff ? 1 : 0;
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;

  const fail = (message: string): never => {
    throw new XmlError(`${message} at offset ${pos}`);
  };
  const skipPast = (marker: string) => {
    const end = source.indexOf(marker, pos);
    if (end < 0) fail(`unterminated ${marker}`);
    const body = source.slice(pos, end);
    pos = end + marker.length;
    return body;
  };

  while (pos < source.length) {
    const lt = source.indexOf("<", pos);
    const text = source.slice(pos, lt < 0 ? source.length : lt);
    const top = stack[stack.length - 1];
    if (text.length > 0) {
      if (top) top.text += decodeEntities(text, fail);
      else if (text.trim() !== "") fail("text outside the root element");
    }
    if (lt < 0) break;
    pos = lt;
    if (source.startsWith("<?", pos)) {
      pos += 2;
      skipPast("?>");
    } else if (source.startsWith("<!--", pos)) {
      pos += 4;
      skipPast("-->");
    } else if (source.startsWith("<![CDATA[", pos)) {
      pos += 9;
      const data = skipPast("]]>");
      if (!top) fail("CDATA outside the root element");
      top!.text += data;
    } else if (source.startsWith("<!", pos)) {
      fail("document type declarations are not accepted");
    } else if (source.startsWith("</", pos)) {
      pos += 2;
      const name = source.slice(pos).match(NAME)?.[0] ?? fail("malformed end tag");
      pos += name.length;
      skipPast(">");
      const open = stack.pop();
      if (!open || open.name !== localName(name)) fail(`unexpected </${name}>`);
    } else {
      pos += 1;
      const element = readStartTag();
      if (top) top.children.push(element.node);
      else if (root) fail("more than one root element");
      else root = element.node;
      if (!element.selfClosing) {
        stack.push(element.node);
        if (stack.length > MAX_DEPTH) fail("elements nested too deeply");
      }
    }
  }
  if (stack.length > 0) fail(`unclosed <${stack[stack.length - 1]!.name}>`);
  return root ?? fail("no root element");

  function readStartTag(): { node: XmlElement; selfClosing: boolean } {
    const name = source.slice(pos).match(NAME)?.[0] ?? fail("malformed start tag");
    pos += name.length;
    const node: XmlElement = { name: localName(name), attributes: {}, children: [], text: "" };
    for (;;) {
      while (/\s/.test(source[pos] ?? "")) pos++;
      if (source.startsWith("/>", pos)) {
        pos += 2;
        return { node, selfClosing: true };
      }
      if (source[pos] === ">") {
        pos += 1;
        return { node, selfClosing: false };
      }
      const attr = source.slice(pos).match(NAME)?.[0] ?? fail(`malformed attribute in <${name}>`);
      pos += attr.length;
      while (/\s/.test(source[pos] ?? "")) pos++;
      if (source[pos] !== "=") fail(`attribute ${attr} without a value`);
      pos += 1;
      while (/\s/.test(source[pos] ?? "")) pos++;
      const quote = source[pos];
      if (quote !== '"' && quote !== "'") fail(`unquoted attribute ${attr}`);
      pos += 1;
      const raw = skipPast(quote!);
      if (raw.includes("<")) fail(`'<' in attribute ${attr}`);
      node.attributes[localName(attr)] = decodeEntities(raw, fail);
    }
  }
}

function decodeEntities(text: string, fail: (message: string) => never): string {
  return text.replace(/&([^;\s&]{1,10});/g, (_, entity: string) => {
    if (entity.startsWith("#x") || entity.startsWith("#X")) return codePoint(Number.parseInt(entity.slice(2), 16), fail);
    if (entity.startsWith("#")) return codePoint(Number.parseInt(entity.slice(1), 10), fail);
    return ENTITIES[entity] ?? fail(`unknown entity &${entity};`);
  });
}

function codePoint(value: number, fail: (message: string) => never): string {
  if (!Number.isInteger(value) || value < 1 || value > 0x10ffff) fail("invalid character reference");
  return String.fromCodePoint(value);
}

/** The first child element with this local name. */
export const child = (element: XmlElement, name: string) => element.children.find((c) => c.name === name);

/** Every child element with this local name. */
export const childrenNamed = (element: XmlElement, name: string) => element.children.filter((c) => c.name === name);
