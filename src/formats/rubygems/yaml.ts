// The gemspec YAML Psych wrote into a .gem's metadata.gz, read into plain data (pure) with the `yaml` library
// (../yaml-read.ts). Tags only annotate (`!ruby/object:Gem::Version` maps stay maps; nothing is instantiated
// or evaluated), except `!binary`, whose base64 is decoded. Scalars stay strings; aliases share the anchored
// value; size, depth and alias counts and flow collection lengths are capped.
// Spec: https://yaml.org/spec/1.1/, https://yaml.org/type/binary.html
import { readYaml, YamlError } from "../yaml-read";

export { YamlError } from "../yaml-read";

export type YamlValue = string | null | YamlValue[] | YamlMap;
export type YamlMap = Map<string, YamlValue>;

/** Flow collections in gemspecs are `[]` and `{}`; a long one is refused rather than read. */
const MAX_FLOW_LENGTH = 4096;
const BINARY_TAGS = new Set(["!binary", "tag:yaml.org,2002:binary"]);

/** Parse one YAML document (the first, when there are several). */
export function parseYaml(source: string): YamlValue {
  return readYaml<YamlValue>(
    source,
    {
      mapping() {
        const value: YamlMap = new Map();
        return { value, add: (key, item) => void value.set(key, item) };
      },
      sequence: (items) => items,
      scalar: (text, tag, line) => (text !== null && tag !== undefined && BINARY_TAGS.has(tag) ? decodeBinary(text, line) : text),
    },
    { maxFlowLength: MAX_FLOW_LENGTH },
  );
}

export const isMap = (v: YamlValue | undefined): v is YamlMap => v instanceof Map;

function decodeBinary(value: string, line: number): string {
  try {
    const bytes = Uint8Array.from(atob(value.replace(/[ \t\r\n]+/g, "")), (c) => c.charCodeAt(0));
    return new TextDecoder().decode(bytes);
  } catch {
    throw new YamlError("bad !binary value", line);
  }
}
