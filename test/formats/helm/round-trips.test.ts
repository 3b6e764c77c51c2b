// D1 round trips of helm's reads (test/support/counting-d1.ts): index.yaml costs one round trip whether the
// channel holds one chart or twenty; a chart download (a name with dashes: several candidate splits) one.
import { describe, expect, it } from "vitest";
import { roundTrips } from "../../support/read-costs";
import { chartTgz, chartYaml } from "./charts";
import { basicAuth, helmBase, seedProject, uploadChart } from "./support";

describe("helm round trips", () => {
  it("index.yaml costs one round trip for 1 and for 20 charts; a chart download one", async () => {
    const { project, developer } = await seedProject();
    const auth = basicAuth(developer);
    const upload = async (i: number) => expect((await uploadChart(project.id, "stable", { chart: await chartTgz(chartYaml(`rt-chart-${i}`, "1.0.0-rc-1")) }, auth)).status).toBe(201);
    await upload(0);
    const one = await roundTrips(`${helmBase(project.id)}/stable/index.yaml`, auth);
    expect(one.body).toContain("rt-chart-0:");
    expect(one.trips).toBe(1);
    const chart = await roundTrips(`${helmBase(project.id)}/stable/charts/rt-chart-0-1.0.0-rc-1.tgz`, auth);
    expect(chart.trips).toBe(1);
    for (let i = 1; i < 20; i++) await upload(i);
    const twenty = await roundTrips(`${helmBase(project.id)}/stable/index.yaml`, auth);
    expect(twenty.body.match(/^ {2}rt-chart-\d+:$/gm)).toHaveLength(20);
    expect(twenty.trips).toBe(1);
  });
});
