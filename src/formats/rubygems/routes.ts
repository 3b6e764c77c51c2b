// RubyGems routes under /api/v4, at project level only (GitLab: push and pull per project). Each route
// declares its access; handlers start with the authorised project or its read scope.
// Spec: ../shared/reference/gitlab-spec.md §9; client sequences: ../shared/reference/clients.md "RubyGems".
import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { projectAccess, projectLevel, readAccess, scopeOf } from "../../http/access";
import { pushGem } from "./push";
import { dependencies, gemFile, info, names, quickSpec, rubygemsReads, sourceRoot, specsIndex, versions } from "./reads";
import { yankGem } from "./yank";

const P = "/projects/:id/packages/rubygems";
const read = readAccess(projectLevel);

export const rubygemsRoutes = new Hono<AppEnv>();

// gem push acme-1.0.0.gem --host http://HOST/api/v4/projects/<id>/packages/rubygems
//   (token from ~/.gem/credentials, keyed by that URL)
//   POST …/api/v1/gems  Authorization: <token> (no scheme)  Content-Type: application/octet-stream  body: the .gem
//   ← 201 {"message":"201 Created"}; gem prints the body. Access is decided before a byte is read.
rubygemsRoutes.post(`${P}/api/v1/gems`, projectAccess("create_package"), pushGem);

// gem yank acme -v 1.0.0 [--platform x86_64-linux] --host …/rubygems
//   DELETE …/api/v1/gems/yank  Authorization: <token>  form: gem_name, version[, platform]  ← 200 text
rubygemsRoutes.delete(`${P}/api/v1/gems/yank`, projectAccess("destroy_package"), yankGem);

// gem install --remote acme --clear-sources --source http://__token__:<token>@HOST/api/v4/projects/<id>/packages/rubygems/
//   HEAD …/rubygems/                       2xx: use the compact index
//   GET  …/info/acme, then its dependencies' info files
//   GET  …/quick/Marshal.4.8/acme-1.0.0.gemspec.rz, GET …/gems/acme-1.0.0.gem   (Basic sent up front)
// bundle install (Gemfile `source "http://__token__:<token>@HOST/…/rubygems"`):
//   GET …/versions (then Range + If-None-Match on later runs), GET …/info/<gem> for each gem whose MD5 changed,
//   GET …/gems/<gem>.gem (and quick/Marshal.4.8 specs of gems it installs)
// Older clients without the compact index: GET …/specs.4.8.gz, latest_specs.4.8.gz, prerelease_specs.4.8.gz,
//   and Bundler's GET …/api/v1/dependencies?gems=a,b
rubygemsRoutes.get(P, read, sourceRoot);
rubygemsRoutes.get(`${P}/`, read, sourceRoot);
rubygemsRoutes.get(`${P}/names`, readAccess(projectLevel, rubygemsReads.all), (c) => names(c, scopeOf(c)));
rubygemsRoutes.get(`${P}/versions`, readAccess(projectLevel, rubygemsReads.all), (c) => versions(c, scopeOf(c)));
rubygemsRoutes.get(`${P}/info/:name`, readAccess(projectLevel, rubygemsReads.info), (c) => info(c, scopeOf(c), c.req.param("name")));
rubygemsRoutes.get(`${P}/api/v1/dependencies`, readAccess(projectLevel, rubygemsReads.dependencies), (c) => dependencies(c, scopeOf(c)));
rubygemsRoutes.get(`${P}/quick/Marshal.4.8/:file`, readAccess(projectLevel, rubygemsReads.quickSpec), (c) => quickSpec(c, scopeOf(c), c.req.param("file")));
rubygemsRoutes.get(`${P}/gems/:file`, readAccess(projectLevel, rubygemsReads.gem), (c) => gemFile(c, scopeOf(c), c.req.param("file")));
rubygemsRoutes.get(`${P}/:file`, readAccess(projectLevel, rubygemsReads.specs), (c) => specsIndex(c, scopeOf(c), c.req.param("file")));
