// D1 round trips of the GOPROXY reads (test/support/counting-d1.ts): `go get` asks for @v/list, .info, .mod,
// .zip and @latest; each costs one round trip when authenticated (Basic from ~/.netrc), a path-prefix probe
// that misses one too.
import { describe, expect, it } from "vitest";
import { basic } from "../../support/api";
import { fetchCounted } from "../../support/counting-d1";
import { privateProject, roundTrips } from "../../support/read-costs";
import { goBase, moduleZip, uploadZip } from "./support";

describe("Go proxy round trips", () => {
  it("costs one round trip for each read of go get", async () => {
    const { project, developer } = await privateProject("go-rt");
    const auth = { authorization: basic(developer.username, developer.token) };
    const module = "example.test/acme/rt";
    for (const version of ["v1.0.0", "v1.1.0"]) expect((await uploadZip(project.id, module, version, await moduleZip(module, version), auth)).status).toBe(201);
    const base = `${goBase(project.id)}/${module}`;
    for (const rest of ["@v/list", "@v/v1.1.0.info", "@v/v1.1.0.mod", "@v/v1.1.0.zip", "@latest"]) {
      expect((await roundTrips(`${base}/${rest}`, auth)).trips, rest).toBe(1);
    }
    const probe = await fetchCounted(`${goBase(project.id)}/example.test/acme/@v/v1.1.0.info`, { headers: auth });
    expect(probe.status).toBe(404);
    expect(probe.roundTrips.total).toBe(1);
  });
});
