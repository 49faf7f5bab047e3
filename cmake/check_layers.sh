#!/bin/sh
# check_layers.sh NM LAYER=LIBRARY=USES... - fails when a layer's static
# library refers to a symbol that only a layer it may not use defines. USES
# are the layers below it, comma-separated; what they use it may use too.
# Link order alone lets an upward call through when the executable pulls the
# higher layer's object in for another reason; this does not.
set -eu
nm=$1
shift
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
for spec in "$@"; do
	layer=${spec%%=*}
	rest=${spec#*=}
	lib=${rest%%=*}
	uses=${rest#*=}
	echo "L $layer $uses" >>"$tmp"
	"$nm" -g "$lib" | awk -v l="$layer" '
		/:$/ { m = $1; sub(/:$/, "", m); next }
		NF == 3 && $2 ~ /^[A-TV-Z]$/ { print "D", l, $3 }
		NF == 2 && $1 == "U" { print "U", l, m, $2 }' >>"$tmp"
done
awk '
	$1 == "L" { n = split($3, u, ","); for (i = 1; i <= n; i++) if (u[i] != "") may[$2 "," u[i]] = 1; layers[$2] = 1 }
	$1 == "D" { def[$3] = $2 }
	$1 == "U" { nu++; ul[nu] = $2; um[nu] = $3; us[nu] = $4 }
	END {
		# what a layer may use, with what those may use
		do {
			grew = 0
			for (a in layers) for (b in layers) for (c in layers)
				if ((a "," b) in may && (b "," c) in may && !((a "," c) in may)) { may[a "," c] = 1; grew = 1 }
		} while (grew)
		bad = 0
		for (i = 1; i <= nu; i++) {
			d = def[us[i]]
			if (d != "" && d != ul[i] && !((ul[i] "," d) in may)) {
				sub(/\.o$/, "", um[i])
				printf "src/%s/%s uses %s of src/%s, a layer %s may not use\n", ul[i], um[i], us[i], d, ul[i]
				bad = 1
			}
		}
		if (!bad) print "layers: every library uses only itself and the layers below it"
		exit bad
	}' "$tmp"
