import { describe, expect, it } from "vitest";
import { DEV_STACK as DEV, refusal } from "../../test/config.js";
import { loadConfig } from "./load.js";

const compute = (web: unknown) => ({ "estate:compute": JSON.stringify({ web }) });
const problems = (raw: Record<string, string>) =>
  refusal(raw, { stack: "dev" }).problems.map((p) => `${p.key}: ${p.message}`);

describe("estate:compute.web", () => {
  it("defaults: no WebSockets, no slot, +1 above 70 % and -1 below 30 % over 10 minutes with a 10-minute cooldown", () => {
    expect(loadConfig(DEV, { stack: "dev" }).compute.web).toMatchObject({
      webSockets: false,
      stagingSlot: false,
      autoscale: {
        scaleOut: { cpuPercent: 70, minutes: 10 },
        scaleIn: { cpuPercent: 30, minutes: 10 },
        cooldownMinutes: 10,
      },
    });
  });

  it("takes WebSockets, a staging slot and the autoscale rules from the stack, keeping the other defaults", () => {
    const web = loadConfig(
      {
        ...DEV,
        ...compute({
          webSockets: true,
          stagingSlot: true,
          autoscale: { scaleOut: { minutes: 5 }, cooldownMinutes: 5 },
        }),
      },
      { stack: "dev" },
    ).compute.web;
    expect(web).toMatchObject({
      webSockets: true,
      stagingSlot: true,
      autoscale: {
        scaleOut: { cpuPercent: 70, minutes: 5 },
        scaleIn: { cpuPercent: 30, minutes: 10 },
        cooldownMinutes: 5,
      },
    });
  });

  it("refuses a staging slot on Basic and impossible autoscale rules, each under its key", () => {
    expect(
      problems({ ...DEV, ...compute({ sku: "B1", minInstances: 1, maxInstances: 3, stagingSlot: true }) }),
    ).toEqual([
      expect.stringMatching(
        /^estate:compute\.web\.stagingSlot: B1 \(Basic\) has no deployment slots; slots need Standard/,
      ),
    ]);
    expect(
      problems({
        ...DEV,
        ...compute({
          autoscale: {
            scaleOut: { cpuPercent: 120, minutes: 1 },
            scaleIn: { cpuPercent: 30, minutes: 800 },
            cooldownMinutes: 0,
          },
        }),
      }),
    ).toEqual([
      "estate:compute.web.autoscale.scaleOut.cpuPercent: got 120; expected a whole percentage between 1 and 99",
      "estate:compute.web.autoscale.scaleOut.minutes: got 1; an autoscale rule's time window is 5-720 whole minutes",
      "estate:compute.web.autoscale.scaleIn.minutes: got 800; an autoscale rule's time window is 5-720 whole minutes",
      "estate:compute.web.autoscale.cooldownMinutes: got 0; an autoscale cooldown is 1-10080 whole minutes",
    ]);
    expect(problems({ ...DEV, ...compute({ autoscale: { scaleIn: { cpuPercent: 70 } } }) })).toEqual([
      "estate:compute.web.autoscale.scaleIn.cpuPercent: got 70, not below scaleOut.cpuPercent 70: the plan would add and remove instances on the same load",
    ]);
  });
});
