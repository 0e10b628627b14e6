#!/usr/bin/python3
"""Idempotently create the Keystone resources of the local test stack.

Called by scripts/stack/stack.sh after `keystone-manage bootstrap`; talks to
Keystone's REST API only (python-openstackclient 6.0's `service create` is
broken on Debian 12). Everything comes from environment variables set by
stack.sh; prints nothing on success, an error and exit 1 otherwise.
"""

import json
import os
import sys
import urllib.error
import urllib.request

E = os.environ
URL = E['KEYSTONE_URL'].rstrip('/')
DOMAIN_ID = 'default'


def call(method, path, body=None, token=None, ok=(200, 201, 204)):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(URL + path, data=data, method=method)
    req.add_header('Content-Type', 'application/json')
    req.add_header('Accept', 'application/json')
    if token:
        req.add_header('X-Auth-Token', token)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            return resp.status, resp.headers, (json.loads(raw) if raw else {})
    except urllib.error.HTTPError as exc:
        if exc.code in ok:
            return exc.code, exc.headers, {}
        raise SystemExit('keystone_setup: %s %s -> %s %s' % (
            method, path, exc.code, exc.read()[:500].decode(errors='replace')))


def token(user, password, project):
    body = {'auth': {
        'identity': {'methods': ['password'], 'password': {'user': {
            'name': user, 'domain': {'id': DOMAIN_ID},
            'password': password}}},
        'scope': {'project': {'name': project, 'domain': {'id': DOMAIN_ID}}}}}
    _, headers, _ = call('POST', '/auth/tokens', body)
    return headers['X-Subject-Token']


def find_one(tok, collection, **query):
    qs = '&'.join('%s=%s' % (k, urllib.request.quote(v))
                  for k, v in query.items())
    _, _, body = call('GET', '/%s?%s' % (collection, qs), token=tok)
    items = body.get(collection, [])
    return items[0] if items else None


def ensure(tok, collection, singular, query, create_body):
    found = find_one(tok, collection, **query)
    if found:
        return found
    _, _, body = call('POST', '/' + collection, {singular: create_body},
                      token=tok)
    return body[singular]


def ensure_project(tok, name):
    return ensure(tok, 'projects', 'project',
                  {'name': name, 'domain_id': DOMAIN_ID},
                  {'name': name, 'domain_id': DOMAIN_ID,
                   'description': 'local test stack'})


def ensure_user(tok, name, password, project):
    user = find_one(tok, 'users', name=name, domain_id=DOMAIN_ID)
    if user:
        # keep the password in step with env.sh
        call('PATCH', '/users/' + user['id'],
             {'user': {'password': password}}, token=tok)
        return user
    _, _, body = call('POST', '/users', {'user': {
        'name': name, 'password': password, 'domain_id': DOMAIN_ID,
        'default_project_id': project['id'], 'enabled': True}}, token=tok)
    return body['user']


def ensure_role(tok, name):
    return ensure(tok, 'roles', 'role', {'name': name}, {'name': name})


def grant(tok, project, user, role):
    call('PUT', '/projects/%s/users/%s/roles/%s' % (
        project['id'], user['id'], role['id']), token=tok)


def main():
    tok = token(E['KEYSTONE_ADMIN_USER'], E['KEYSTONE_ADMIN_PASSWORD'],
                E['KEYSTONE_ADMIN_PROJECT'])

    r_admin = ensure_role(tok, 'admin')
    r_member = ensure_role(tok, 'member')
    r_service = ensure_role(tok, 'service')

    p_service = ensure_project(tok, E['KEYSTONE_SERVICE_PROJECT'])
    u_cinder = ensure_user(tok, E['KEYSTONE_SERVICE_USER'],
                           E['KEYSTONE_SERVICE_PASSWORD'], p_service)
    grant(tok, p_service, u_cinder, r_admin)
    grant(tok, p_service, u_cinder, r_service)

    p_demo = ensure_project(tok, E['KEYSTONE_DEMO_PROJECT'])
    u_demo = ensure_user(tok, E['KEYSTONE_DEMO_USER'],
                         E['KEYSTONE_DEMO_PASSWORD'], p_demo)
    grant(tok, p_demo, u_demo, r_member)

    svc = ensure(tok, 'services', 'service', {'type': 'block-storage'},
                 {'type': 'block-storage', 'name': 'cinder',
                  'description': 'Cinder (local test stack)',
                  'enabled': True})
    url = E['CINDER_KEYSTONE_ENDPOINT'].rstrip('/') + '/%(project_id)s'
    for iface in ('public', 'internal', 'admin'):
        ep = find_one(tok, 'endpoints', service_id=svc['id'],
                      interface=iface)
        if ep is None:
            call('POST', '/endpoints', {'endpoint': {
                'service_id': svc['id'], 'interface': iface, 'url': url,
                'region_id': E['KEYSTONE_REGION'], 'enabled': True}},
                token=tok)
        elif ep['url'] != url:
            call('PATCH', '/endpoints/' + ep['id'],
                 {'endpoint': {'url': url}}, token=tok)

    # Prove the two users can log in.
    token(E['KEYSTONE_DEMO_USER'], E['KEYSTONE_DEMO_PASSWORD'],
          E['KEYSTONE_DEMO_PROJECT'])
    token(E['KEYSTONE_SERVICE_USER'], E['KEYSTONE_SERVICE_PASSWORD'],
          E['KEYSTONE_SERVICE_PROJECT'])


if __name__ == '__main__':
    try:
        main()
    except (OSError, KeyError, ValueError) as exc:
        sys.exit('keystone_setup: %s: %s' % (type(exc).__name__, exc))
