"""Serves the web files of an unpacked motcua package and checks what systemd
and a browser see (tests/package/test_deb.sh): READY=1 on $NOTIFY_SOCKET once
the server listens, the portal's index.html and the API answered, STOPPING=1
and exit status 0 on SIGTERM. With --strace FILE, runs the server under strace
and writes the system calls it made, one a line, to FILE.

usage: serve_check.py ROOT DB WORK [--strace FILE]
"""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

root, db, work = sys.argv[1:4]
trace_out = sys.argv[5] if len(sys.argv) > 5 and sys.argv[4] == '--strace' else None
binary = os.path.join(root, 'usr/bin/motcua')
web = os.path.join(root, 'usr/share/motcua/web')
password = 'mat-khau-kiem-thu-goi'


def fail(msg):
    print(f'serve_check: {msg}', file=sys.stderr)
    sys.exit(1)


subprocess.run([binary, 'init', '--db', db, '--demo', '--dossiers', '0'], check=True, stdout=subprocess.DEVNULL,
               env=dict(os.environ, MOTCUA_DEMO_PASSWORD=password))

notify_path = os.path.join(work, 'notify.sock')
notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
notify.bind(notify_path)
notify.settimeout(30)

# The packaged configuration, with what stands for / moved into the throwaway
# root and the work folder: the database, a free port, the web files.
env = dict(os.environ, NOTIFY_SOCKET=notify_path, MOTCUA_DB=db, MOTCUA_LISTEN='127.0.0.1:0',
           MOTCUA_WEB_ROOT=web, MOTCUA_PUBLIC_URL='https://dichvucong.example.vn', MOTCUA_ACCESS_LOG='false',
           MOTCUA_WORKERS='2')
command = [binary, 'serve', '--config', os.path.join(root, 'etc/motcua/motcua.conf')]
trace_raw = os.path.join(work, 'strace.txt')
if trace_out:
    command = ['strace', '-f', '-qq', '-o', trace_raw] + command
proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def server_pid():
    """The server's own process: the child of strace when traced."""
    if not trace_out:
        return proc.pid
    for _ in range(100):
        try:
            with open(f'/proc/{proc.pid}/task/{proc.pid}/children') as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except OSError:
            pass
        time.sleep(0.05)
    fail('no server process under strace')


try:
    ready = notify.recv(4096).decode()
except socket.timeout:
    proc.kill()
    fail(f'no READY=1 on NOTIFY_SOCKET within 30 s: {proc.stderr.read()}')
if 'READY=1' not in ready.split('\n'):
    fail(f'the first message is not READY=1: {ready!r}')
line = proc.stdout.readline()
m = re.search(r'listening on http://([\d.]+:\d+)', line)
if not m:
    fail(f'no "listening on" line: {line!r}')
base = f'http://{m.group(1)}'


def get(path, data=None, headers=None):
    req = urllib.request.Request(base + path, data=data, headers=headers or {})
    with urllib.request.urlopen(req, timeout=30) as r:
        return r.status, r.read()


status, body = get('/')
# The server names each file with its version ("/css/app.css?v=<hash>") and
# adds an import map that does the same; without those the page is the
# packaged one, byte for byte.
served = re.sub(rb'\n<script type="importmap">.*?</script>', b'', body, count=1, flags=re.S)
served = re.sub(rb'\?v=[0-9a-f]{16}"', b'"', served)
with open(os.path.join(web, 'index.html'), 'rb') as f:
    if status != 200 or served != f.read():
        fail(f'/ is not the packaged index.html ({status})')
if b'/css/app.css?v=' not in body:
    fail('/ does not name the style sheet with its version')
status, body = get('/css/app.css')
if status != 200 or not body:
    fail('/css/app.css is not served')
status, body = get('/healthz')
if json.loads(body).get('status') != 'ok':
    fail(f'/healthz: {body!r}')
# A sign-in (the hashing threads), an upload (a file written, flushed and
# renamed), a filing (a commit) and its receipt: the system calls of a
# working day.
status, body = get('/api/v1/session', json.dumps({'username': 'tiepnhan', 'password': password}).encode(),
                   {'Content-Type': 'application/json'})
token = json.loads(body)['token']
auth = {'Authorization': f'Bearer {token}'}
status, body = get('/api/v1/attachments', b'%PDF-1.4\n% goi\n%%EOF\n', dict(auth, **{'Content-Type': 'application/pdf'}))
sha = json.loads(body)['sha256']
status, body = get('/api/v1/procedures?level=district&limit=1')
procedure = json.loads(body)['items'][0]['code']
dossier = {'procedure_code': procedure, 'channel': 'direct',
           'applicant': {'name': 'Nguyễn Văn An', 'id_number': '038090001234', 'phone': '0912345678'},
           'documents': [{'name': 'Tờ khai', 'originals': 1, 'attachment': sha, 'filename': 'to-khai.pdf'}]}
status, body = get('/api/v1/dossiers', json.dumps(dossier).encode(), dict(auth, **{'Content-Type': 'application/json'}))
if status != 201:
    fail(f'filing: {status} {body!r}')
# The receipt with its QR code: cairo, pango and fontconfig at work.
status, body = get(f"/api/v1/dossiers/{json.loads(body)['code']}/forms/01", headers=auth)
if status != 200 or not body.startswith(b'%PDF'):
    fail(f'the receipt: {status} {body[:40]!r}')

os.kill(server_pid(), signal.SIGTERM)
try:
    stopping = notify.recv(4096).decode()
except socket.timeout:
    fail('no STOPPING=1 after SIGTERM')
if 'STOPPING=1' not in stopping:
    fail(f'not STOPPING=1: {stopping!r}')
code = proc.wait(timeout=60)
if code != 0:
    fail(f'the server exited with {code}: {proc.stderr.read()[-2000:]}')
if trace_out:
    calls = set()
    with open(trace_raw) as f:
        for entry in f:
            m = re.match(r'\d+\s+([a-z0-9_]+)\(', entry)
            if m:
                calls.add(m.group(1))
    with open(trace_out, 'w') as f:
        f.write('\n'.join(sorted(calls)) + '\n')
print(f'serve_check: READY=1 at {base}, the portal and the API served, STOPPING=1, exit 0')
