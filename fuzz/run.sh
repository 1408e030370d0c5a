#!/usr/bin/env bash
# Runs the fuzz targets, then replays the committed crash reproducers.
#
#   fuzz/run.sh SECONDS [TARGET...]
#
# Each target runs for SECONDS from the committed seeds (fuzz/corpus/TARGET),
# writing what it learns to a scratch directory, not to the seeds. A crash
# is saved under fuzz/artifacts/TARGET and fails the run; turn it into a
# regression by moving it to fuzz/regressions/TARGET. Every file under
# fuzz/regressions/TARGET is replayed first, and must not crash.
# Needs cargo-fuzz (`cargo install cargo-fuzz`); on a stable toolchain
# RUSTC_BOOTSTRAP=1 is set here.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:?usage: fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
    targets=(mime_extract ical_engine deliver_mail world_ops)
fi
export RUSTC_BOOTSTRAP=1
cargo fuzz build -O 2>&1 | grep -E "^(error|warning)" -A8 || true
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
for target in "${targets[@]}"; do
    if compgen -G "regressions/$target/*" >/dev/null; then
        echo "== $target: replaying $(ls "regressions/$target" | wc -l) reproducer(s)"
        cargo fuzz run -O "$target" regressions/"$target"/* -- -runs=1 >/dev/null 2>"$scratch/replay.log" || {
            tail -40 "$scratch/replay.log"
            exit 1
        }
    fi
    echo "== $target: fuzzing for ${seconds}s"
    mkdir -p "$scratch/$target"
    cargo fuzz run -O "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        2>"$scratch/$target.log" || {
        tail -60 "$scratch/$target.log"
        exit 1
    }
    grep -E "stat::number_of_executed_units|stat::average_exec_per_sec|stat::new_units_added|cov:" \
        "$scratch/$target.log" | tail -5
done
