// The import itself: for every version the source yields, compare its files with the target's (name, version,
// file name, digest), publish what is missing through the target's format endpoints with bounded concurrency,
// then bring npm dist-tags in line with the source. Returns one result per file.
import { compareDigests, fileKey } from "./parse.mjs";
import { hashingTap, pool, readVerified } from "./http.mjs";

/**
 * `source.items()` yields `{format, name, version, project?, files:[{fileName, digests, open}], npm?, pypi?, error?}`
 * (`open()` resolves to a web ReadableStream of the file; `project` is the source project's path, used when
 * --to is a group). `onResult(result)` is called as each file is decided (the progress line).
 */
export async function runImport({ source, target, options, onResult = () => {} }) {
  const destination = await target.resolve(options.to);
  const projects = new Map();
  const projectFor = (item) => {
    if (destination.kind === "project") return destination;
    if (!item.project) throw new Error(`--to ${options.to} is a group: only a GitLab source (whose packages belong to projects) can be imported into a group; name a project`);
    const path = item.project.split("/").pop();
    if (!projects.has(path)) projects.set(path, target.projectIn(destination, path, options.dryRun));
    return projects.get(path);
  };
  const results = [];
  const record = (item, fileName, outcome, reason) => {
    const result = { format: item.format, name: item.name, version: item.version, fileName, outcome, ...(reason ? { reason } : {}) };
    results.push(result);
    onResult(result);
  };
  const npmPackages = new Map();

  await pool(source.items(), options.concurrency, async (item) => {
    if (!options.formats.includes(item.format)) return;
    if (item.error) return record(item, undefined, "failed", item.error);
    let project;
    let index;
    try {
      project = await projectFor(item);
      index = await target.index(project.id);
    } catch (error) {
      return record(item, undefined, "failed", error.message);
    }
    if (item.npm) {
      const key = `${project.id}\u0000${item.name}`;
      const entry = npmPackages.get(key) ?? { projectId: project.id, name: item.name, distTags: item.npm.distTags, deprecated: {} };
      npmPackages.set(key, entry);
      if (typeof item.npm.manifest.deprecated === "string" && item.npm.manifest.deprecated) entry.deprecated[item.version] = item.npm.manifest.deprecated;
    }
    const todo = [];
    for (const file of item.files) {
      const have = index.get(fileKey(item.format, item.name, item.version, file.fileName));
      if (!have) todo.push(file);
      else if (compareDigests(file.digests, have) === "different") record(item, file.fileName, "failed", "the target already has this file with different content");
      else record(item, file.fileName, "skipped");
    }
    for (const file of todo) {
      if (options.dryRun) {
        record(item, file.fileName, "planned");
        continue;
      }
      try {
        const digests = await publish(target, project.id, item, file);
        await target.remember(project.id, fileKey(item.format, item.name, item.version, file.fileName), digests);
        record(item, file.fileName, "imported");
      } catch (error) {
        record(item, file.fileName, "failed", error?.cause?.message ?? error.message);
      }
    }
  });

  if (!options.dryRun) await syncNpm(target, npmPackages, results, onResult);
  return results;
}

/** Opens the source file through a hashing tap that fails the stream when the bytes disagree with the source's digests. */
const opener = (file) => async () => hashingTap(await file.open(), file.digests);

async function publish(target, projectId, item, file) {
  switch (item.format) {
    case "npm": {
      // A publish is one JSON document with the tarball inline: read it whole, verified, before sending.
      const { bytes, digests } = await readVerified(await file.open(), file.digests);
      const tags = Object.entries(item.npm.distTags ?? {}).filter(([, v]) => v === item.version).map(([t]) => t);
      await target.publishNpm(projectId, { name: item.name, version: item.version, manifest: item.npm.manifest, tag: tags[0] ?? "latest" }, bytes);
      return digests;
    }
    case "pypi": {
      let read;
      await target.publishPypi(
        projectId,
        { name: item.name, version: item.version, fileName: file.fileName, requiresPython: item.pypi?.requiresPython ?? file.requiresPython, sha256: file.digests.sha256, md5: file.digests.md5 },
        async () => (read = await opener(file)()),
      );
      return read.result.digests;
    }
    case "maven": {
      let read;
      await target.publishMaven(projectId, { name: item.name, version: item.version, fileName: file.fileName, sha1: file.digests.sha1, sha256: file.digests.sha256 }, async () => (read = await opener(file)()));
      return read.result.digests;
    }
    case "generic": {
      let read;
      await target.publishGeneric(projectId, { name: item.name, version: item.version, fileName: file.fileName }, async () => (read = await opener(file)()));
      return read.result.digests;
    }
    default:
      throw new Error(`no importer for format ${item.format}`);
  }
}

/**
 * Each source dist-tag whose version the target has is set on the target when it points elsewhere there; the
 * source's deprecation messages are set as `npm deprecate` does (the target leaves unchanged ones alone).
 */
async function syncNpm(target, npmPackages, results, onResult) {
  for (const { projectId, name, distTags, deprecated } of npmPackages.values()) {
    try {
      const index = await target.index(projectId);
      const current = await target.npmTags(projectId, name);
      for (const [tag, version] of Object.entries(distTags ?? {})) {
        if (current[tag] === version || !index.has(fileKey("npm", name, version, ""))) continue;
        await target.setNpmTag(projectId, name, tag, version);
      }
      const present = Object.entries(deprecated).filter(([version]) => index.has(fileKey("npm", name, version, "")));
      if (present.length) await target.deprecateNpm(projectId, name, Object.fromEntries(present));
    } catch (error) {
      const result = { format: "npm", name, version: "dist-tags", outcome: "failed", reason: error.message };
      results.push(result);
      onResult(result);
    }
  }
}
