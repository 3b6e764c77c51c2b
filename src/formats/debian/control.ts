// Debian control stanzas (deb822): parse a control file into ordered fields, write stanzas back.
// Pure: text in, data out. Spec: Debian Policy §5.1 (syntax of control files).

/** Fields in file order; keys keep their spelling, lookups ignore case. */
export type Stanza = [string, string][];

export function parseStanza(text: string): Stanza {
  const fields: Stanza = [];
  for (const line of text.replace(/\r\n/g, "\n").split("\n")) {
    if (line.trim() === "" || line.startsWith("#")) continue;
    if ((line.startsWith(" ") || line.startsWith("\t")) && fields.length > 0) {
      const last = fields[fields.length - 1]!;
      last[1] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`not a control field: ${line.slice(0, 40)}`);
    fields.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
  }
  return fields;
}

export function field(stanza: Stanza, name: string): string | undefined {
  const lower = name.toLowerCase();
  return stanza.find(([k]) => k.toLowerCase() === lower)?.[1];
}

/** Fields back as text; a value that starts on the next line (a file list) leaves nothing after the colon. */
export function writeStanza(stanza: Stanza): string {
  return `${stanza.map(([k, v]) => (v.startsWith("\n") ? `${k}:${v}` : `${k}: ${v}`)).join("\n")}\n`;
}

const NAME = /^[a-z0-9][a-z0-9+.-]+$/;
const VERSION = /^(?:[0-9]+:)?[0-9][A-Za-z0-9.+~:-]*$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;

export interface BinaryControl {
  package: string;
  version: string;
  architecture: string;
  stanza: Stanza;
}

/** The fields a binary package must have, validated (they become URL path segments and index lines). */
export function binaryControl(text: string): BinaryControl {
  const stanza = parseStanza(text);
  const pkg = field(stanza, "Package");
  const version = field(stanza, "Version");
  const architecture = field(stanza, "Architecture");
  if (!pkg || !NAME.test(pkg)) throw new Error("control file has no valid Package field");
  if (!version || !VERSION.test(version)) throw new Error("control file has no valid Version field");
  if (!architecture || !ARCH.test(architecture)) throw new Error("control file has no valid Architecture field");
  return { package: pkg, version, architecture, stanza };
}

export const validName = (s: string) => NAME.test(s);
export const validCodename = (s: string) => /^[a-z0-9][a-z0-9._-]{0,63}$/i.test(s);
export const validComponent = (s: string) => /^[a-z0-9][a-z0-9-]{0,63}$/.test(s);
export const validArchitecture = (s: string) => ARCH.test(s) && s.length <= 64;
