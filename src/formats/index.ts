// Every format the registry serves. A format is one folder; add its module here.
import type { FormatModule } from "./format";
import { maven } from "./maven";
import { genericFormat } from "./generic";
import { pypiFormat } from "./pypi";
import { npmFormat } from "./npm";

export const FORMATS: FormatModule[] = [genericFormat, maven, pypiFormat, npmFormat];
