#!/usr/bin/env bash
# Builds the Debian package of motcua from a build folder (`make deb`):
#   bash scripts/deb.sh [BUILD]      (default build/)
# and prints the path of BUILD/motcua_<version>_<arch>.deb. Only dpkg-deb is
# needed (no debhelper): the files are laid out in BUILD/deb/root, with the
# maintainer scripts and the unit from packaging/, and Depends comes from
# the shared libraries the binary really links (dpkg-shlibdeps, or ldd and
# dpkg -S without it). The version is the binary's own (motcua --version,
# cmake/version_gen.cmake). docs/operations.md §4 says what it installs.
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-build}
bin=$build/motcua
if [ ! -x "$bin" ]; then
  echo "deb.sh: $bin is missing: run make build first" >&2
  exit 2
fi
version=$("$bin" --version | sed -n 's/^motcua \([^ ]*\) (.*/\1/p')
if [ -z "$version" ]; then
  echo "deb.sh: could not read the version from $bin --version" >&2
  exit 1
fi
arch=$(dpkg --print-architecture)
work=$(realpath -m "$build/deb")
root=$work/root
out=$build/motcua_${version}_${arch}.deb

rm -rf "$work"
install -d -m 0755 "$root/DEBIAN" "$root/usr/bin" "$root/usr/share/motcua" "$root/usr/share/doc/motcua" \
  "$root/lib/systemd/system" "$root/etc/motcua"

# The binary carries its migrations and data (official calendars, the demo
# province); its debugging symbols stay in the build folder.
strip --strip-unneeded -o "$root/usr/bin/motcua" "$bin"
chmod 0755 "$root/usr/bin/motcua"
cp -r web "$root/usr/share/motcua/web"
find "$root/usr/share/motcua/web" -type d -exec chmod 0755 {} + -o -type f -exec chmod 0644 {} +
install -m 0644 packaging/motcua.service "$root/lib/systemd/system/motcua.service"
install -m 0644 packaging/motcua.conf "$root/etc/motcua/motcua.conf"
install -m 0644 packaging/debian/copyright README.md docs/operations.md "$root/usr/share/doc/motcua/"
for script in postinst prerm postrm; do
  install -m 0755 "packaging/debian/$script" "$root/DEBIAN/$script"
done
echo /etc/motcua/motcua.conf >"$root/DEBIAN/conffiles"

# Depends: the fonts the PDF forms and charts are drawn with (render/), and
# the packages of the shared libraries, with the versions their
# symbols need when dpkg-shlibdeps (dpkg-dev) is there.
shlibs=""
if command -v dpkg-shlibdeps >/dev/null 2>&1; then
  mkdir -p "$work/shlibs/debian"
  printf 'Source: motcua\n\nPackage: motcua\nArchitecture: any\n' >"$work/shlibs/debian/control"
  shlibs=$(cd "$work/shlibs" && dpkg-shlibdeps -O "$root/usr/bin/motcua" 2>/dev/null |
    sed -n 's/^shlibs:Depends=//p')
fi
if [ -z "$shlibs" ]; then
  shlibs=$(ldd "$root/usr/bin/motcua" | awk '/=> \// { print $3 }' | xargs -r realpath |
    xargs -r dpkg -S 2>/dev/null | cut -d: -f1 | sort -u | paste -sd, - | sed 's/,/, /g')
fi
if [ -z "$shlibs" ]; then
  echo "deb.sh: could not find the packages of the shared libraries" >&2
  exit 1
fi

installed_kb=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: motcua
Version: $version
Architecture: $arch
Maintainer: ${DEB_MAINTAINER:-motcua maintainers <motcua@localhost>}
Installed-Size: $installed_kb
Depends: adduser, fonts-dejavu-core, fonts-liberation2, $shlibs
Suggests: nginx, postgresql-client, sqlite3
Section: web
Priority: optional
Description: one-stop shop for administrative procedures (một cửa)
 motcua files dossiers of administrative procedures at the desk or online,
 gives each a receipt with a code and a legal due time counted in working
 time, routes it through the units that act on it and lets anyone look it
 up by its code: the one-stop offices of Vietnamese provinces, districts
 and communes.
 .
 This package installs the server (one binary carrying its migrations and
 data), its web application and a hardened systemd unit. Set public_url in
 /etc/motcua/motcua.conf, then: systemctl enable --now motcua.
CONTROL

# Only this build's package stays, so that `apt install ./build/motcua_*.deb` names one.
rm -f "$build"/motcua_*.deb
dpkg-deb --root-owner-group -Zxz --build "$root" "$out" >/dev/null
echo "$out"
