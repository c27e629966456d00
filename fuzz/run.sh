#!/usr/bin/env bash
# Builds the fuzz targets and runs each for SECONDS with its seeds and dictionary.
#
#   fuzz/run.sh SECONDS [TARGET...]
#
# Every target by default. Prints, per target, executions per second, final coverage
# (cov: / ft:) and corpus size, and exits non-zero if any target crashed, hung or failed
# to build. The live corpus (fuzz/corpus/TARGET, not committed) starts from the committed
# seeds in fuzz/seeds/TARGET and keeps what each run finds. Crash inputs land in
# fuzz/artifacts/TARGET, run logs in fuzz/target/logs.
#
# Environment:
#   FUZZ_PARALLEL   how many fuzzers run at once (default 1; each is one process, one job)
#   FUZZ_SANITIZER  none (default, stable toolchain) or address (AddressSanitizer; needs
#                   nightly features, enabled on stable with RUSTC_BOOTSTRAP=1)
#   FUZZ_ARGS       extra libFuzzer arguments
set -euo pipefail

usage() { echo "usage: $0 SECONDS [TARGET...]" >&2; exit 2; }
[[ $# -ge 1 && $1 =~ ^[0-9]+$ ]] || usage
seconds=$1
shift

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cd "$fuzz_dir"

all_targets=(json_decode xml_decode media_type route roundtrip json_differential xml_differential layer_http
    reason_differential response_differential jwt)
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${all_targets[@]}")
for target in "${targets[@]}"; do
    [[ " ${all_targets[*]} " == *" $target "* ]] || { echo "unknown target: $target" >&2; exit 2; }
done

# The dictionary of each target.
dict_of() {
    case $1 in
        json_decode | json_differential) echo dicts/json.dict ;;
        xml_decode | xml_differential) echo dicts/xml.dict ;;
        media_type) echo dicts/media_type.dict ;;
        route) echo dicts/route.dict ;;
        layer_http) echo dicts/layer_http.dict ;;
        reason_differential) echo dicts/reason.dict ;;
        response_differential) echo dicts/response.dict ;;
        jwt) echo dicts/jwt.dict ;;
        *) echo "" ;;
    esac
}

sanitizer=${FUZZ_SANITIZER:-none}
parallel=${FUZZ_PARALLEL:-1}
fuzz=(cargo fuzz)
build_flags=(--release --debug-assertions --sanitizer "$sanitizer")
if [[ $sanitizer != none ]]; then
    # Sanitizers use -Zsanitizer, a nightly flag; RUSTC_BOOTSTRAP=1 allows it on stable.
    export RUSTC_BOOTSTRAP=1
fi

echo "== building ${#targets[@]} target(s), sanitizer: $sanitizer"
for target in "${targets[@]}"; do
    "${fuzz[@]}" build "${build_flags[@]}" "$target"
done

mkdir -p target/logs
run_one() {
    local target=$1
    local corpus=corpus/$target
    mkdir -p "$corpus" "artifacts/$target"
    # Seeds are committed; the live corpus is not. Copy any seed it lacks.
    cp -n seeds/"$target"/* "$corpus"/ 2>/dev/null || true
    local dict
    dict=$(dict_of "$target")
    local args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
        -artifact_prefix="artifacts/$target/")
    [[ -n $dict ]] && args+=(-dict="$dict")
    # shellcheck disable=SC2206
    [[ -n ${FUZZ_ARGS:-} ]] && args+=(${FUZZ_ARGS})
    local status=0
    "${fuzz[@]}" run "${build_flags[@]}" "$target" "$corpus" -- "${args[@]}" >"target/logs/$target.log" 2>&1 || status=$?
    echo "$status" >"target/logs/$target.status"
}

summary() {
    local target=$1 status=$2
    local log=target/logs/$target.log
    local last execs cov ft corp files
    last=$(grep -E '^#[0-9]+' "$log" | grep ' cov: ' | tail -n 1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    corp=$(sed -nE 's/.* corp: ([0-9]+\/[0-9]+[a-zA-Z]*).*/\1/p' <<<"$last")
    execs=$(sed -nE 's/^stat::average_exec_per_sec: *([0-9]+).*/\1/p' "$log" | tail -n 1)
    files=$(find "corpus/$target" -type f | wc -l)
    printf '%-18s %-6s exec/s: %-8s cov: %-6s ft: %-7s corpus: %s files (%s)\n' \
        "$target" "$status" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$files" "${corp:-?}"
}

echo "== running each target for ${seconds}s, $parallel at a time"
failed=()
results=()
for target in "${targets[@]}"; do
    while [[ $(jobs -rp | wc -l) -ge $parallel ]]; do
        wait -n || true
    done
    rm -f "target/logs/$target.status"
    run_one "$target" &
done
wait
for target in "${targets[@]}"; do
    if [[ $(cat "target/logs/$target.status" 2>/dev/null) == 0 ]]; then
        results+=("$(summary "$target" ok)")
    else
        results+=("$(summary "$target" FAILED)")
        failed+=("$target")
    fi
done

echo "== results (sanitizer: $sanitizer, ${seconds}s per target)"
printf '%s\n' "${results[@]}"
if [[ ${#failed[@]} -gt 0 ]]; then
    for target in "${failed[@]}"; do
        echo "== $target failed; the end of its log (fuzz/target/logs/$target.log):" >&2
        tail -n 40 "target/logs/$target.log" >&2
        ls "artifacts/$target" >&2 || true
    done
    exit 1
fi
