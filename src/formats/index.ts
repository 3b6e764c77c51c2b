// Every format the registry serves. A format is one folder; add its module here.
import type { FormatModule } from "./format";

export const FORMATS: FormatModule[] = [];
