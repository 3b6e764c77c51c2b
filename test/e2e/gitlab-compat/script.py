"""A GitLab script, unchanged but for the host: Debian's python3-gitlab against Packyard.

Lists across several pages with get_all=True, rotates a personal access token, creates, uses and revokes a
project access token, manages package protection rules (python-gitlab 3.12 has no manager for them, so its
own http_* calls send GitLab's requests) and sees one refuse an upload, and deletes a project. Prints one
`ok <step>` line per step; any failure raises and exits non-zero.
"""
import os
import sys
import uuid

import gitlab

URL = os.environ["PACKYARD_URL"]
ADMIN = os.environ["PACKYARD_ADMIN_TOKEN"]
tag = uuid.uuid4().hex[:8]


def ok(step):
    print(f"ok {step}", flush=True)


def refused(call, code):
    try:
        call()
    except gitlab.exceptions.GitlabError as error:
        assert error.response_code == code, f"expected {code}, got {error.response_code}: {error}"
        return
    raise AssertionError(f"expected a {code}")


gl = gitlab.Gitlab(URL, private_token=ADMIN, per_page=10)
gl.auth()
assert gl.user.username == "root"
version, revision = gl.version()
assert version.split(".")[0].isdigit() and revision, (version, revision)
ok("auth and version")

# Lists across pages: 25 projects in a group, 10 a page.
group = gl.groups.create({"name": f"compat-{tag}", "path": f"compat-{tag}", "visibility": "private"})
for i in range(25):
    gl.projects.create({"name": f"p{i:02d}", "path": f"p{i:02d}", "namespace_id": group.id})
listed = group.projects.list(get_all=True)
assert len(listed) == 25, len(listed)
assert sorted(p.path for p in listed) == [f"p{i:02d}" for i in range(25)]
first_page = group.projects.list(page=1, per_page=10)
assert len(first_page) == 10
users = []
for i in range(12):
    users.append(gl.users.create({"username": f"u{i}-{tag}", "name": f"User {i}", "email": f"u{i}-{tag}@example.com", "password": "password123"}))
everyone = gl.users.list(get_all=True)
assert {u.username for u in users} <= {u.username for u in everyone}
ok("get_all across pages")

# Rotate a personal access token: the old one stops working, the new one has the same name and scopes.
developer = users[0]
pat = developer.personal_access_tokens.create({"name": "ci", "scopes": ["api"]})
as_developer = gitlab.Gitlab(URL, private_token=pat.token)
as_developer.auth()
rotated = gl.http_post(f"/personal_access_tokens/{pat.id}/rotate")
assert rotated["name"] == "ci" and rotated["scopes"] == ["api"] and rotated["token"] != pat.token
refused(lambda: gitlab.Gitlab(URL, private_token=pat.token).auth(), 401)
as_developer = gitlab.Gitlab(URL, private_token=rotated["token"])
as_developer.auth()
assert as_developer.user.username == developer.username
ok("rotate a personal access token")

# A project access token: a bot user at the token's level, listed, then revoked.
project = gl.projects.get(listed[0].id)
project.members.create({"user_id": developer.id, "access_level": gitlab.const.DEVELOPER_ACCESS})
bot_token = project.access_tokens.create({"name": "deployer", "scopes": ["api"], "access_level": 40, "expires_at": "2099-01-01"})
as_bot = gitlab.Gitlab(URL, private_token=bot_token.token)
as_bot.auth()
assert as_bot.user.bot is True and as_bot.user.username.startswith(f"project_{project.id}_bot_")
assert [t.id for t in project.access_tokens.list(get_all=True)] == [bot_token.id]
assert project.access_tokens.list(get_all=True)[0].access_level == 40
project.access_tokens.delete(bot_token.id)
refused(lambda: gitlab.Gitlab(URL, private_token=bot_token.token).auth(), 401)
ok("project access token created, used and revoked")

# Package protection rules: create, list, update, and one refusing a Developer's upload.
rules = f"/projects/{project.id}/packages/protection/rules"
rule = gl.http_post(rules, post_data={"package_name_pattern": "release-*", "package_type": "generic", "minimum_access_level_for_push": "maintainer"})
assert rule["minimum_access_level_for_push"] == "maintainer" and rule["minimum_access_level_for_delete"] is None
assert [r["id"] for r in gl.http_list(rules, get_all=True)] == [rule["id"]]
patched = gl.http_request("patch", f"{rules}/{rule['id']}", post_data={"minimum_access_level_for_delete": "owner"}).json()
assert patched["minimum_access_level_for_delete"] == "owner"
refused(lambda: gl.http_post(rules, post_data={"package_name_pattern": "release-*", "package_type": "generic", "minimum_access_level_for_push": "owner"}), 422)
dev_project = as_developer.projects.get(project.id, lazy=True)
payload = os.path.join(os.environ["PACKYARD_TMP"], "app.bin")
with open(payload, "wb") as f:
    f.write(b"release bytes")
refused(lambda: dev_project.generic_packages.upload(package_name="release-app", package_version="1.0.0", file_name="app.bin", path=payload), 403)
dev_project.generic_packages.upload(package_name="nightly-app", package_version="1.0.0", file_name="app.bin", path=payload)
gl.http_delete(f"{rules}/{rule['id']}")
assert gl.http_list(rules, get_all=True) == []
dev_project.generic_packages.upload(package_name="release-app", package_version="1.0.0", file_name="app.bin", path=payload)
assert sorted(p.name for p in project.packages.list(get_all=True)) == ["nightly-app", "release-app"]
ok("package protection rules")

# Delete a project: GitLab answers 202 and the project is gone.
doomed = listed[1].id
gl.projects.delete(doomed)
refused(lambda: gl.projects.get(doomed), 404)
assert len(group.projects.list(get_all=True)) == 24
ok("delete a project")

sys.exit(0)
