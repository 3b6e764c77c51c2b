// Every format the registry serves. A format is one folder; register its module here (one line).
import { registerPlanners } from "../core/publish/planners";
import type { FormatModule } from "./format";
import { mavenFormat } from "./maven";
import { genericFormat } from "./generic";
import { pypiFormat } from "./pypi";
import { npmFormat } from "./npm";

export const FORMATS: FormatModule[] = [genericFormat, mavenFormat, pypiFormat, npmFormat];

for (const format of FORMATS) registerPlanners(format.planners ?? {});

/** The format that stores packages of this `package_type`, if it is served. */
export function formatOf(packageType: string): FormatModule | undefined {
  return FORMATS.find((f) => f.packageType === packageType);
}
