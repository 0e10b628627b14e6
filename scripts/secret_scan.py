#!/usr/bin/python3
"""Scans what a test run left for credentials: none may appear in plain text.

Run by scripts/test.sh after jest, with the file jest's output went to. The secrets looked for:

- every CHAP username and password Cinder ever handed out on the local stack (the volumes'
  provider_auth and the attachments' connection info in Cinder's database, deleted rows included);
- the local Keystone users' passwords (.local/stack/env.json);
- anything shaped like a Keystone fernet token (they start with "gAAAAA").

The places scanned: jest's output, the Pulumi state the runs left (.local/pulumi-state, where
secrets are stored encrypted), the per-stack work folders (.local/e2e), and the generated
reports (docs/reliability.md, bench/RESULTS.md). Cinder's and Keystone's own logs are not ours
and are not scanned here (the fault suite reports on Cinder's).

Exit status 1 and one line per finding (file, line, which secret, never the secret) when
anything is found; 0 otherwise.
"""

import json
import os
import re
import sys

import psycopg2

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FERNET = re.compile(r"gAAAAA[A-Za-z0-9_-]{60,}")
# Shorter strings would match by chance (the fixture's CHAP usernames are 20 characters).
MIN_SECRET = 8


def stack_env():
    with open(os.path.join(REPO, ".local", "stack", "env.json"), encoding="utf-8") as f:
        return json.load(f)


def chap_secrets(database_url):
    """{secret: label} of every CHAP username and password in Cinder's database: the volumes'
    provider_auth and the attachments' connection info, deleted rows included."""
    found = {}
    with psycopg2.connect(database_url) as db:
        db.set_session(readonly=True)
        with db.cursor() as cur:
            cur.execute("select provider_auth from volumes where provider_auth is not null")
            for (auth,) in cur.fetchall():
                parts = auth.split()
                if len(parts) == 3 and parts[0] == "CHAP":
                    found[parts[1]] = "a CHAP username"
                    found[parts[2]] = "a CHAP password"
            cur.execute("select connection_info from volume_attachment where connection_info is not null")
            for (info,) in cur.fetchall():
                data = json.loads(info)
                for key, label in (("auth_username", "a CHAP username"), ("auth_password", "a CHAP password")):
                    if isinstance(data.get(key), str):
                        found[data[key]] = label
    return found


def files_to_scan(extra):
    yield from extra
    for folder in (".local/pulumi-state", ".local/e2e"):
        for root, _dirs, names in os.walk(os.path.join(REPO, folder)):
            for name in names:
                yield os.path.join(root, name)
    for report in ("docs/reliability.md", "bench/RESULTS.md"):
        yield os.path.join(REPO, report)


def main(argv):
    env = stack_env()
    secrets = chap_secrets(env["CINDER_DATABASE_URL"])
    for key, value in env.items():
        if key.endswith("_PASSWORD"):
            secrets[value] = key
    secrets = {s: label for s, label in secrets.items() if len(s) >= MIN_SECRET}
    findings = []
    scanned = 0
    for path in files_to_scan(argv[1:]):
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = f.readlines()
        except OSError:
            continue
        scanned += 1
        for number, line in enumerate(lines, 1):
            for secret, label in secrets.items():
                if secret in line:
                    findings.append(f"{os.path.relpath(path, REPO)}:{number}: {label}")
            if FERNET.search(line):
                findings.append(f"{os.path.relpath(path, REPO)}:{number}: a Keystone token")
    chap = sum(1 for label in secrets.values() if label.startswith("a CHAP"))
    print(f"secret scan: {scanned} files, {chap} CHAP credentials, "
          f"{len(secrets) - chap} Keystone passwords and any fernet token looked for: "
          f"{len(findings)} found")
    for finding in findings:
        print(f"  {finding}")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
