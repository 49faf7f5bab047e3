#!/usr/bin/env bash
# The Debian package (make deb, scripts/deb.sh; docs/operations.md §4), built
# from a build folder and checked without installing it on this machine:
#   1. its control fields: name, the binary's version, the architecture, a
#      Depends naming the package of every shared library the binary needs,
#      the configuration as a conffile, the maintainer scripts;
#   2. its files, with their owners and modes;
#   3. unpacked into a throwaway root: the binary's --version and config with
#      the packaged configuration, the refusal without public_url, then a
#      server on the packaged configuration that tells systemd READY=1 and
#      serves the packaged web files and the API (tests/package/serve_check.py);
#      under strace, every system call it makes is one @system-service allows;
#   4. postinst against stand-ins for adduser, chown, systemctl…: the user,
#      the data folder 0750 and the configuration 0640 it makes;
#   5. the unit: systemd-analyze verify (no warning) and security (exposure at
#      most 2.0) in a root holding systemd's units and the package's, and the
#      unit shown in docs/operations.md is the packaged one.
# usage: tests/package/test_deb.sh [BUILD]   (default build/)
set -euo pipefail
cd "$(dirname "$0")/../.."

build=${1:-build}
work=$(mktemp -d /tmp/motcua-deb-XXXXXX)
trap 'rm -rf "$work"' EXIT
fail() {
  echo "test_deb: $*" >&2
  exit 1
}

deb=$(bash scripts/deb.sh "$build")
echo "test_deb: built $deb"

# ---- 1. control fields -------------------------------------------------------
field() { dpkg-deb -f "$deb" "$1"; }
version=$("$build/motcua" --version | sed -n 's/^motcua \([^ ]*\) (.*/\1/p')
[ "$(field Package)" = motcua ] || fail "Package: $(field Package)"
[ "$(field Version)" = "$version" ] || fail "Version $(field Version) is not the binary's $version"
[ "$(field Architecture)" = "$(dpkg --print-architecture)" ] || fail "Architecture: $(field Architecture)"
dpkg --compare-versions "$version" gt 0 || fail "$version is not a Debian version"
depends=$(field Depends)
for needed in adduser fonts-dejavu-core fonts-liberation2 'libc6 (>= '; do
  grep -qF "$needed" <<<"$depends" || fail "Depends lacks $needed: $depends"
done
# Every library the binary links, by the package that ships it.
while read -r lib; do
  path=$(ldd "$build/motcua" | awk -v l="$lib" '$1 == l { print $3 }')
  [ -n "$path" ] || fail "ldd does not find $lib"
  pkg=$(dpkg -S "$(realpath "$path")" 2>/dev/null | head -1 | cut -d: -f1) || true
  [ -n "$pkg" ] || pkg=$(dpkg -S "$path" | head -1 | cut -d: -f1)
  grep -qE "(^|, )$pkg( |,|$)" <<<"$depends" || fail "Depends lacks $pkg (for $lib): $depends"
done < <(readelf -d "$build/motcua" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')
[ "$(dpkg-deb -I "$deb" conffiles)" = /etc/motcua/motcua.conf ] || fail "conffiles: $(dpkg-deb -I "$deb" conffiles)"
mkdir "$work/control"
dpkg-deb -e "$deb" "$work/control"
for script in postinst prerm postrm; do
  [ -x "$work/control/$script" ] || fail "no executable $script"
  sh -n "$work/control/$script" || fail "$script: syntax"
done
if command -v shellcheck >/dev/null 2>&1; then
  shellcheck -s sh "$work/control/postinst" "$work/control/prerm" "$work/control/postrm" || fail "shellcheck"
fi
echo "test_deb: control fields of $version, Depends covers the $(readelf -d "$build/motcua" | grep -c NEEDED) libraries"

# ---- 2. files ------------------------------------------------------------------
dpkg-deb -c "$deb" >"$work/contents"
has() { grep -qE "^$1 root/root +[0-9]+ [0-9-]+ [0-9:]+ \./$2$" "$work/contents" || fail "no $1 ./$2 in the package"; }
has -rwxr-xr-x usr/bin/motcua
has -rw-r--r-- etc/motcua/motcua.conf
has -rw-r--r-- lib/systemd/system/motcua.service
has -rw-r--r-- usr/share/doc/motcua/copyright
has -rw-r--r-- usr/share/doc/motcua/operations.md
while read -r f; do
  has -rw-r--r-- "usr/share/motcua/$f"
done < <(find web -type f | sort)
if grep -qE '\./(var|usr/local|home|tmp)/' "$work/contents"; then
  fail "files outside the package's places: $(grep -E '\./(var|usr/local|home|tmp)/' "$work/contents")"
fi
echo "test_deb: $(grep -c '^-' "$work/contents") files in place"

# ---- 3. unpacked into a throwaway root -------------------------------------
root=$work/root
dpkg-deb -x "$deb" "$root"
bin=$root/usr/bin/motcua
[ "$("$bin" --version)" = "$("$build/motcua" --version)" ] || fail "the packaged binary says $("$bin" --version)"
conf=$root/etc/motcua/motcua.conf
# The packaged settings, the environment of this shell aside.
config=$(env -u MOTCUA_PUBLIC_URL -u MOTCUA_DB -u MOTCUA_WEB_ROOT -u MOTCUA_LISTEN "$bin" config --config "$conf")
for want in 'db = /var/lib/motcua/motcua.db' 'web_root = /usr/share/motcua/web' 'listen = 127.0.0.1:8080' \
  'public_url ='; do
  cut -f1 <<<"$config" | sed 's/[[:space:]]*$//' | grep -qxF "$want" || fail "packaged config: no \"$want\" in
$config"
done
set +e
refusal=$(env -u MOTCUA_PUBLIC_URL MOTCUA_DB="$work/never.db" "$bin" serve --config "$conf" 2>&1)
status=$?
set -e
if [ "$status" != 2 ] || ! grep -q 'public_url is not set' <<<"$refusal"; then
  fail "the packaged configuration without public_url: status $status: $refusal"
fi
[ ! -e "$work/never.db" ] || fail "the refused start made a database"

strace_args=()
if command -v strace >/dev/null 2>&1 && strace -f -qq -o /dev/null true 2>/dev/null; then
  strace_args=(--strace "$work/syscalls")
else
  echo "test_deb: strace is not usable here: the system calls are not checked against the unit's filter"
fi
python3 tests/package/serve_check.py "$root" "$work/motcua.db" "$work" "${strace_args[@]}"
if [ ${#strace_args[@]} -gt 0 ]; then
  refused=$(python3 tests/package/syscall_filter.py @system-service "$work/syscalls")
  [ -z "$refused" ] || fail "system calls the unit's SystemCallFilter=@system-service refuses: $refused"
  echo "test_deb: the $(wc -l <"$work/syscalls") system calls the server made are all in @system-service"
fi

# ---- 4. postinst, against stand-ins -------------------------------------------
stubs=$work/stubs
mkdir "$stubs"
for cmd in adduser chown chmod mkdir systemctl dpkg-statoverride; do
  printf '#!/bin/sh\necho "%s $*" >>"%s/calls"\n' "$cmd" "$work" >"$stubs/$cmd"
  chmod +x "$stubs/$cmd"
done
# dpkg-statoverride --list finds no override; getent finds no user the first time.
printf '#!/bin/sh\necho "dpkg-statoverride $*" >>"%s/calls"\nexit 1\n' "$work" >"$stubs/dpkg-statoverride"
printf '#!/bin/sh\n[ -e "%s/user" ]\n' "$work" >"$stubs/getent"
chmod +x "$stubs/dpkg-statoverride" "$stubs/getent"
PATH="$stubs:$PATH" sh "$work/control/postinst" configure >"$work/postinst.out"
for want in 'adduser --quiet --system --group --home /var/lib/motcua --no-create-home --shell /usr/sbin/nologin' \
  'chown motcua:motcua /var/lib/motcua' 'chmod 0750 /var/lib/motcua' 'chown root:motcua /etc/motcua/motcua.conf' \
  'chmod 0640 /etc/motcua/motcua.conf'; do
  grep -qF "$want" "$work/calls" || fail "postinst configure did not run \"$want\": $(cat "$work/calls")"
done
grep -q 'set public_url' "$work/postinst.out" || fail "postinst does not say what to set first"
: >"$work/calls"
touch "$work/user"
PATH="$stubs:$PATH" sh "$work/control/postinst" configure 0.0.9 >"$work/postinst.out"
! grep -q adduser "$work/calls" || fail "postinst of an upgrade made the user again"
echo "test_deb: postinst makes the user, the data folder 0750 and the configuration 0640"

# ---- 5. the unit ---------------------------------------------------------------
unit=$root/lib/systemd/system/motcua.service
cmp -s "$unit" packaging/motcua.service || fail "the packaged unit is not packaging/motcua.service"
# docs/operations.md §4 shows the unit: the first ```ini block after its heading.
awk '/^## 4\./ { s = 1 } s && /^```ini$/ { p = 1; next } p && /^```$/ { exit } p' docs/operations.md >"$work/doc.service"
diff -u packaging/motcua.service "$work/doc.service" >&2 || fail "the unit in docs/operations.md §4 differs from the package's"
if command -v systemd-analyze >/dev/null 2>&1; then
  sd=$work/sdroot
  mkdir -p "$sd/usr/lib/systemd" "$sd/usr/bin"
  cp -a /usr/lib/systemd/system "$sd/usr/lib/systemd/"
  cp "$unit" "$sd/usr/lib/systemd/system/motcua.service"
  cp "$bin" "$sd/usr/bin/motcua"
  # verify says what is wrong (an unknown key, a bad value) and still exits 0
  out=$(systemd-analyze verify --root="$sd" motcua.service 2>&1) || fail "systemd-analyze verify: $out"
  [ -z "$out" ] || fail "systemd-analyze verify: $out"
  systemd-analyze security --offline=yes --root="$sd" --threshold=20 motcua.service >"$work/security" 2>&1 ||
    fail "exposure above 2.0: $(tail -3 "$work/security")"
  echo "test_deb: the unit verifies; $(grep -o 'Overall exposure level.*' "$work/security")"
else
  echo "test_deb: systemd-analyze is not installed (package systemd): the unit is not verified"
fi
echo "test_deb: ok"
