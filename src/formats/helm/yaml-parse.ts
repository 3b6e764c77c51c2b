// Chart.yaml and requirements.yaml read into plain data (pure), with the `yaml` library (../yaml-read.ts):
// scalars stay text (null for `~`, `null` and empty values) and the caller decides what a field means, as
// helm does by unmarshalling into typed fields. Anchors, aliases, tags and complex keys are refused.
// Spec: https://yaml.org/spec/1.1/ (helm reads Chart.yaml with go-yaml v2)
import { readYaml, YamlError } from "../yaml-read";

export { YamlError } from "../yaml-read";

export type YamlValue = string | null | YamlValue[] | { [key: string]: YamlValue };

/** The first document of `text`; null when it holds nothing. */
export function parseYaml(text: string): YamlValue {
  return readYaml<YamlValue>(text, {
    mapping() {
      const value: { [key: string]: YamlValue } = Object.create(null);
      const add = (key: string, item: YamlValue) => {
        value[key] = item;
      };
      return { value, add };
    },
    sequence: (items) => items,
    scalar: (text) => text,
    properties(line) {
      throw new YamlError("anchors, aliases and tags are not supported", line);
    },
  });
}
