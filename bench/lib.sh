# bench/lib.sh - the helpers the benches share (sourced by bench/run.sh,
# bench/pg_create.sh and bench/documents.sh): clocks, a free port, medians
# and ratios of figures, wrk's latency percentiles, and the alternated order
# of the contenders in a round.

now() { date +%s.%N; }
# seconds since a time of now(), to the millisecond
since() { awk -v s="$1" -v e="$(now)" 'BEGIN {printf "%.3f", e-s}'; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
# the median of figures on stdin, one per line or separated by spaces ("-" for none)
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR]=$1} END {if (NR == 0) print "-"; else if (NR % 2) print v[(NR+1)/2]; else printf "%g\n", (v[NR/2]+v[NR/2+1])/2}'; }
# a / b in the format $3 (two decimals by default); "-" when either is missing or b is 0
ratio() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN {if (a == "-" || b == "-" || b == 0) print "-"; else printf f, a/b}'; }
# wrk's latency percentile $2 ("50%", "99%") of its output file $1, in ms
# (wrk prints 812.00us, 1.35ms, 2.01s)
lat() {
  awk -v q="$2" '$1==q {v=$2; if (v ~ /us$/) {sub(/us$/,"",v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/,"",v)} else if (v ~ /s$/) {sub(/s$/,"",v); v*=1000}; printf "%.1f", v}' "$1"
}
# The names of round r in an order that alternates: two swap places every
# other round; of more, the last (the reference) stays last and the others
# swap, since reversing the whole list would leave the middle one in the
# middle every round, always after the same neighbour's writes (with the same
# build in both places, that place won every round by up to a third).
order() { # round name...
  local r=$1; shift
  if [ $# -le 2 ]; then
    if [ $((r % 2)) -eq 1 ]; then echo "$@"; else echo "$@" | tr ' ' '\n' | tac | tr '\n' ' '; fi
    return
  fi
  local ref=${!#}
  local rest=("${@:1:$#-1}")
  if [ $((r % 2)) -eq 0 ]; then mapfile -t rest < <(printf '%s\n' "${rest[@]}" | tac); fi
  echo "${rest[@]}" "$ref"
}
