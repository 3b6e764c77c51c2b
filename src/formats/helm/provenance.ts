// A chart's provenance file (pure): a PGP clear-signed message whose body ends with a `files:` map of the
// chart archive's name to `sha256:<digest>`. The registry stores it beside its chart and checks that it
// names that chart's digest; the signature itself is verified by `helm install --verify` against the user's
// keyring. Spec: https://helm.sh/docs/topics/provenance/ (helm pkg/provenance/sign.go).

const BEGIN_MESSAGE = "-----BEGIN PGP SIGNED MESSAGE-----";
const BEGIN_SIGNATURE = "-----BEGIN PGP SIGNATURE-----";

/** Why this is not a provenance file for a chart with `sha256`, or null when it is. */
export function provenanceProblem(text: string, sha256: string): string | null {
  const normalized = text.replace(/\r\n/g, "\n");
  if (!normalized.trimStart().startsWith(BEGIN_MESSAGE) || !normalized.includes(BEGIN_SIGNATURE)) {
    return "the provenance file is not a PGP signed message";
  }
  const body = normalized.slice(0, normalized.indexOf(BEGIN_SIGNATURE));
  const digests = [...body.matchAll(/^\s+\S.*:\s*sha256:([0-9a-fA-F]{64})\s*$/gm)].map((m) => m[1]!.toLowerCase());
  if (!/^files:\s*$/m.test(body) || digests.length === 0) return "the provenance file lists no files";
  return digests.includes(sha256) ? null : `the provenance file does not list the chart's sha256 digest ${sha256}`;
}
