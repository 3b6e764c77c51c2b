// Every format in the contract suites (contract.test.ts, changes.test.ts): a new format joins with one line here.
import type { ContractFormat } from "../types";
import { cargo } from "./cargo";
import { composer } from "./composer";
import { conan } from "./conan";
import { debian } from "./debian";
import { generic } from "./generic";
import { go } from "./go";
import { helm } from "./helm";
import { maven } from "./maven";
import { npm } from "./npm";
import { nuget } from "./nuget";
import { pypi } from "./pypi";
import { rubygems } from "./rubygems";
import { terraform } from "./terraform";

export const CONTRACT_FORMATS: ContractFormat[] = [maven, npm, pypi, generic, cargo, helm, composer, terraform, go, rubygems, nuget, conan, debian];
