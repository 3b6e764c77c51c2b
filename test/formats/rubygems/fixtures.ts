// The fixtures generate.rb wrote with Debian's Ruby: Marshal bytes, YAML documents and a real .gem.
import data from "./fixtures/ruby-fixtures.json";

export type Plain = string | null | Plain[] | { [key: string]: Plain };

export const RUBY_FIXTURES = data as unknown as {
  ruby: string;
  rubygems: string;
  marshal: Record<string, string>;
  yaml: { yaml: string; plain: Plain }[];
  versions: { sorted: string[]; prerelease: string[]; equal: [string, string][] };
  gem: { gem: string; fileName: string; quickMarshal: string; specsMarshal: string; dependenciesMarshal: string; yaml: string; plain: Plain };
};

export const hex = (bytes: Uint8Array) => [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
export const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
