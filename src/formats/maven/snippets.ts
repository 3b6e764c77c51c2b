// The Maven package page: dependency, repository, settings.xml, mvn and Gradle, as GitLab shows them.
import type { Snippet, SnippetInput } from "../format";
import { stringField, xml } from "../snippet-text";

/** Maven package names are `group/path/artifactId`: the last segment is the artifact. */
export function mavenCoordinates(name: string, metadata: Record<string, unknown>): { groupId: string; artifactId: string } {
  const groupId = stringField(metadata, "groupId") ?? stringField(metadata, "app_group");
  const artifactId = stringField(metadata, "artifactId") ?? stringField(metadata, "app_name");
  if (groupId && artifactId) return { groupId, artifactId };
  const parts = name.split("/");
  const artifact = parts.pop() ?? name;
  return { groupId: parts.join(".") || artifact, artifactId: artifact };
}

function mavenSnippets(input: SnippetInput, url: string): Snippet[] {
  const { groupId, artifactId } = mavenCoordinates(input.name, input.metadata);
  return [
    {
      title: "pom.xml dependency",
      language: "xml",
      code: `<dependency>\n  <groupId>${xml(groupId)}</groupId>\n  <artifactId>${xml(artifactId)}</artifactId>\n  <version>${xml(input.version)}</version>\n</dependency>`,
    },
    {
      title: "pom.xml repository",
      language: "xml",
      code: `<repositories>\n  <repository>\n    <id>gitlab-maven</id>\n    <url>${xml(url)}</url>\n  </repository>\n</repositories>\n<distributionManagement>\n  <repository>\n    <id>gitlab-maven</id>\n    <url>${xml(url)}</url>\n  </repository>\n</distributionManagement>`,
    },
    {
      title: "settings.xml",
      language: "xml",
      code: `<settings>\n  <servers>\n    <server>\n      <id>gitlab-maven</id>\n      <configuration>\n        <httpHeaders>\n          <property>\n            <name>Private-Token</name>\n            <value>\${env.GITLAB_TOKEN_PLACEHOLDER}</value>\n          </property>\n        </httpHeaders>\n      </configuration>\n    </server>\n  </servers>\n</settings>`,
    },
    { title: "mvn", language: "shell", code: `mvn dependency:get -Dartifact=${groupId}:${artifactId}:${input.version}` },
    { title: "Gradle (Groovy)", language: "groovy", code: `implementation '${groupId}:${artifactId}:${input.version}'` },
  ];
}

export const mavenPageSnippets = (input: SnippetInput) => mavenSnippets(input, `${input.origin}/api/v4/projects/${input.projectId}/packages/maven`);
