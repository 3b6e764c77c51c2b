#!/bin/sh
# A CI job that publishes to Packyard with trusted publishing, as a workflow's steps would run it:
# ask the CI service for an OIDC ID token whose audience is the registry, exchange it for a short-lived job
# token, then publish an npm package with npm and Python distributions with twine using that token.
# Inputs (the runner's environment): ACTIONS_ID_TOKEN_REQUEST_URL, ACTIONS_ID_TOKEN_REQUEST_TOKEN, PACKYARD_URL,
# PROJECT_ID, NPM_PACKAGE_DIR, PYPI_FILES (space-separated), NPM_BIN.
set -eu
json() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{const v=JSON.parse(s)[process.argv[1]];if(v===undefined){console.error(s);process.exit(1)}process.stdout.write(String(v))})' "$1"; }

echo "== ID token"
ID_TOKEN=$(curl -fsS --max-time 20 -H "Authorization: Bearer $ACTIONS_ID_TOKEN_REQUEST_TOKEN" "$ACTIONS_ID_TOKEN_REQUEST_URL&audience=$PACKYARD_URL" | json value)

echo "== exchange"
ANSWER=$(curl -sS --max-time 20 -X POST -H 'content-type: application/json' -d "{\"id_token\":\"$ID_TOKEN\",\"project_id\":\"$PROJECT_ID\"}" "$PACKYARD_URL/api/v4/ci/oidc/token")
JOB_TOKEN=$(printf '%s' "$ANSWER" | json token)
echo "job token for project $(printf '%s' "$ANSWER" | json project_path), expires $(printf '%s' "$ANSWER" | json expires_at)"

echo "== npm publish"
REGISTRY="$PACKYARD_URL/api/v4/projects/$PROJECT_ID/packages/npm/"
cd "$NPM_PACKAGE_DIR"
printf 'registry=%s\n%s:_authToken=%s\n' "$REGISTRY" "${REGISTRY#http:}" "$JOB_TOKEN" > .npmrc
"$NPM_BIN" publish --cache "$NPM_PACKAGE_DIR/.npm-cache" --no-audit --no-fund

echo "== twine upload"
# GitLab CI's documented form: username gitlab-ci-token, password the job token.
TWINE_USERNAME=gitlab-ci-token TWINE_PASSWORD="$JOB_TOKEN" KEYRING_BACKEND=keyring.backends.null.Keyring \
  twine upload --non-interactive --disable-progress-bar --repository-url "$PACKYARD_URL/api/v4/projects/$PROJECT_ID/packages/pypi" $PYPI_FILES
echo "== done"
