#!/usr/bin/env bash
# Whole-process benchmark of `generate` (see docs/performance.md for the method).
#
#   bench/run.sh                      sizes 7 (keiko.yaml), 100, 1000 and 5000
#   SIZES="7 100" bench/run.sh        other sizes (7 always means keiko.yaml)
#   KUSTOMIZE_SIZES="100 1000" bench/run.sh   also time kubectl kustomize at 1000
#
# For each size: wall time and peak RSS of a fresh render+write into an empty
# directory, of the first run after a one-line change of the spec in a fresh checkout
# (no spare tree yet: it is made by linking every file), of a run after a one-line change
# (the everyday case: the spare tree of the previous run is brought up to date and
# swapped in), of a re-run over an unchanged tree, and of --check; the
# median of RUNS runs (one run from 5000 services up). Then, for KUSTOMIZE_SIZES, what ArgoCD would spend rendering one environment:
# kubectl kustomize on every component overlay (summed) and on the root Application's
# directory. Prints a Markdown table; scratch files go to $WORK (default: a temp dir).
set -euo pipefail

cd "$(dirname "$0")/.."
SIZES=${SIZES:-"7 100 1000 5000"}
KUSTOMIZE_SIZES=${KUSTOMIZE_SIZES:-"100"}
RUNS=${RUNS:-5}
WORK=${WORK:-$(mktemp -d)}
mkdir -p "$WORK"
GENERATE=${CARGO_TARGET_DIR:-target}/release/generate

cargo build --release --quiet --bin generate

# Prints "<seconds> <peak KiB>" of one run of the command, its output discarded.
measure() {
    /usr/bin/time -f "%e %M" -o "$WORK/time" "$@" >/dev/null
    cat "$WORK/time"
}

# The median of RUNS measurements of a command (by wall time), after a setup command.
median() {
    local setup=$1
    shift
    for _ in $(seq "$RUNS"); do
        eval "$setup"
        measure "$@"
    done | sort -n | awk '{ a[NR] = $0 } END { print a[int((NR + 1) / 2)] }'
}

spec_of() {
    local n=$1
    if [ "$n" = 7 ]; then
        echo keiko.yaml
    else
        "$GENERATE" --synthetic "$n" --spec-out "$WORK/fleet-$n.yaml" >/dev/null
        echo "$WORK/fleet-$n.yaml"
    fi
}

ms() { awk -v s="$1" 'BEGIN { printf "%d", s * 1000 + 0.5 }'; }
mib() { awk -v k="$1" 'BEGIN { printf "%.0f", k / 1024 }'; }

echo "| services | files | fresh write (ms) | write peak (MiB) | first change in a checkout (ms) | after a one-line change (ms) | unchanged re-run (ms) | --check (ms) | --check peak (MiB) |"
echo "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for n in $SIZES; do
    spec=$(spec_of "$n")
    out="$WORK/out-$n"
    spare="$WORK/.out-$n.spare"
    runs=$RUNS
    [ "$n" -ge 5000 ] && RUNS=1
    read -r write_s write_k < <(median "rm -rf '$out' '$spare'" "$GENERATE" --spec "$spec" --out "$out")
    read -r again_s _ < <(median ":" "$GENERATE" --spec "$spec" --out "$out")
    read -r check_s check_k < <(median ":" "$GENERATE" --spec "$spec" --out "$out" --check)
    # A one-line change (one service's log level), so every run rewrites the tree.
    sed '0,/RUST_LOG: info/s//RUST_LOG: warn/' "$spec" >"$WORK/changed-$n.yaml"
    cp "$spec" "$WORK/other-$n.yaml"
    swap="mv '$WORK/changed-$n.yaml' '$WORK/t.yaml'; mv '$WORK/other-$n.yaml' '$WORK/changed-$n.yaml'; mv '$WORK/t.yaml' '$WORK/other-$n.yaml'"
    read -r first_s _ < <(median "$swap; rm -rf '$spare'" "$GENERATE" --spec "$WORK/other-$n.yaml" --out "$out")
    read -r change_s _ < <(median "$swap" "$GENERATE" --spec "$WORK/other-$n.yaml" --out "$out")
    RUNS=$runs
    files=$(find "$out" -type f | wc -l)
    echo "| $n | $files | $(ms "$write_s") | $(mib "$write_k") | $(ms "$first_s") | $(ms "$change_s") | $(ms "$again_s") | $(ms "$check_s") | $(mib "$check_k") |"
done

if ! command -v kubectl >/dev/null; then
    echo "kubectl not found: skipping the kustomize reference" >&2
    exit 0
fi
echo
echo "| services | component overlays (dev) | sum of kustomize builds (s) | slowest build (ms) | root Application dir (ms) |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for n in $KUSTOMIZE_SIZES; do
    out="$WORK/out-$n"
    [ -d "$out" ] || "$GENERATE" --spec "$(spec_of "$n")" --out "$out" >/dev/null
    total=0 slowest=0 count=0
    for dir in "$out"/k8s/overlays/dev/*/; do
        read -r s _ < <(measure kubectl kustomize "$dir")
        total=$(awk -v a="$total" -v b="$s" 'BEGIN { print a + b }')
        slowest=$(awk -v a="$slowest" -v b="$s" 'BEGIN { print (b > a ? b : a) }')
        count=$((count + 1))
    done
    read -r root_s _ < <(measure kubectl kustomize "$out/argocd/dev")
    echo "| $n | $count | $(awk -v t="$total" 'BEGIN { printf "%.1f", t }') | $(ms "$slowest") | $(ms "$root_s") |"
done
