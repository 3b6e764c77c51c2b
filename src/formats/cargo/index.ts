// The Cargo format: an alternative registry with a sparse index (cargo publish, build, yank, search,
// owner --list) at project level, and read-only at group level. GitLab's own Cargo registry is in beta.
// Spec: https://doc.rust-lang.org/cargo/reference/registries.html; docs/formats/cargo.md.
import type { FormatModule } from "../format";
import { renderCargoError } from "./errors";
import { cargoPlanners } from "./planners";
import { CARGO } from "./reads";
import { cargoRoutes } from "./routes";
import { cargoPageSnippets } from "./snippets";

export const cargoFormat: FormatModule = {
  packageType: CARGO,
  displayName: "Cargo",
  routes: cargoRoutes,
  renderError: renderCargoError,
  planners: cargoPlanners,
  snippets: cargoPageSnippets,
};
