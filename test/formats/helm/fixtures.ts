// What `helm repo index --url charts .` writes for three charts (hello 0.1.0 and 0.2.0, legacy v1.0.0-rc.1),
// with the `created` and `generated` times below, plus GitLab's `serverInfo` (helm cm-push reads it).
// Recorded from helm's own rules, since helm does not install here: pkg/repo/v1/index.go (ChartVersion =
// chart.Metadata + urls, created, digest; Metadata.Validate sanitises strings; SortEntries puts the highest
// version first) marshalled by sigs.k8s.io/yaml, i.e. JSON (omitempty) re-emitted by go-yaml v2: keys in its
// natural order, block sequences not indented under their key, strings that would read back as another
// type (times, "1.16", all-digit digests) double-quoted, text starting with an indicator single-quoted,
// long plain text folded after column 80, multi-line annotation values as literal blocks.

export const HELLO_1 = `# Chart.yaml of hello 0.1.0
apiVersion: v2
name: hello
version: 0.1.0
kubeVersion: ">=1.22.0-0"
description: Says hello to everyone who deploys it, in every language we could find, politely.
type: application
keywords:
  - hello
  - greeting
home: https://example.com/hello
sources:
  - https://git.example.com/hello
dependencies:
  - name: redis
    version: 17.x.x
    repository: https://charts.example.com/bitnami
    condition: redis.enabled
    tags: [cache]
    import-values:
      - child: auth
        parent: redisAuth
      - data
  - name: common
    version: "1.0"
    repository: ""
    alias: lib
maintainers:
  - name: Alice Example
    email: alice@example.com
    url: https://alice.example.com
icon: https://example.com/hello.png
appVersion: "1.16"
deprecated: false
annotations:
  category: Demo
  artifacthub.io/changes: |
    - kind: added
      description: first release
`;

export const HELLO_2 = `apiVersion: v2
name: hello
version: 0.2.0
appVersion: 2.0.0
description: 'Version two: now with colons'
`;

/** apiVersion v1 (the default), dependencies in requirements.yaml, a folded description. */
export const LEGACY = `name: legacy
version: v1.0.0-rc.1
description: >
  An old chart
  that still works
deprecated: true
`;

export const LEGACY_REQUIREMENTS = `dependencies:
- name: mysql
  version: 1.x
  repository: "@stable"
`;

export const FIXTURE_CHARTS = [
  { yaml: HELLO_1, fileName: "hello-0.1.0.tgz", sha256: "0f0e3a2b8d6c1f4e5a7b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f", created: "2026-11-20T09:15:00.250Z" },
  { yaml: HELLO_2, fileName: "hello-0.2.0.tgz", sha256: "4e1d4f1b0d3a9a7f1e2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a493827160", created: "2026-11-21T10:00:00.000Z" },
  { yaml: LEGACY, requirements: LEGACY_REQUIREMENTS, fileName: "legacy-v1.0.0-rc.1.tgz", sha256: "9988776655443322110099887766554433221100998877665544332211009988", created: "2026-11-22T11:30:45.500Z" },
];
export const FIXTURE_GENERATED = "2026-11-23T08:00:00.125Z";

export const HELM_REPO_INDEX = `apiVersion: v1
entries:
  hello:
  - apiVersion: v2
    appVersion: 2.0.0
    created: "2026-11-21T10:00:00Z"
    description: 'Version two: now with colons'
    digest: 4e1d4f1b0d3a9a7f1e2c3b4a5968778695a4b3c2d1e0f9e8d7c6b5a493827160
    name: hello
    urls:
    - charts/hello-0.2.0.tgz
    version: 0.2.0
  - annotations:
      artifacthub.io/changes: |
        - kind: added
          description: first release
      category: Demo
    apiVersion: v2
    appVersion: "1.16"
    created: "2026-11-20T09:15:00.25Z"
    dependencies:
    - condition: redis.enabled
      import-values:
      - child: auth
        parent: redisAuth
      - data
      name: redis
      repository: https://charts.example.com/bitnami
      tags:
      - cache
      version: 17.x.x
    - alias: lib
      name: common
      repository: ""
      version: "1.0"
    description: Says hello to everyone who deploys it, in every language we could
      find, politely.
    digest: 0f0e3a2b8d6c1f4e5a7b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f5a6b7c8d9e0f
    home: https://example.com/hello
    icon: https://example.com/hello.png
    keywords:
    - hello
    - greeting
    kubeVersion: '>=1.22.0-0'
    maintainers:
    - email: alice@example.com
      name: Alice Example
      url: https://alice.example.com
    name: hello
    sources:
    - https://git.example.com/hello
    type: application
    urls:
    - charts/hello-0.1.0.tgz
    version: 0.1.0
  legacy:
  - apiVersion: v1
    created: "2026-11-22T11:30:45.5Z"
    dependencies:
    - name: mysql
      repository: '@stable'
      version: 1.x
    deprecated: true
    description: 'An old chart that still works '
    digest: "9988776655443322110099887766554433221100998877665544332211009988"
    name: legacy
    urls:
    - charts/legacy-v1.0.0-rc.1.tgz
    version: v1.0.0-rc.1
generated: "2026-11-23T08:00:00.125Z"
`;

/** GitLab adds this to what helm writes. */
export const SERVER_INFO = (contextPath: string) => `serverInfo:\n  contextPath: ${contextPath}\n`;
