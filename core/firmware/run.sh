#!/usr/bin/env bash
# Builds the reference firmware, runs it on an emulated Cortex-M4 (QEMU mps2-an386), measures
# what the mediadiag core costs (flash, static RAM, peak stack, heap) and checks the budgets.
#
# Exits non-zero if the build fails, if the firmware reports a failed check or does not exit
# in time, or if a budget is exceeded.
#
# The requests the firmware writes (one `request <hex>` line each) are saved to
# $MEDIADIAG_FIRMWARE_REQUESTS, by default target/firmware/requests.txt in the repository's
# target folder, for the collector's end-to-end test (middleware/collector/tests/phone.rs).
#
# Needs: the thumbv7em-none-eabihf Rust target, qemu-system-arm, python3, and one of
# llvm-size, rust-size or arm-none-eabi-size (python3 reads the ELF itself without them).
# llvm-nm / llvm-objdump (or the arm-none-eabi ones) add a breakdown of where flash and stack go.
set -euo pipefail
cd "$(dirname "$0")"

if (($#)); then
    echo "usage: $0" >&2
    exit 2
fi

# Budgets of the mediadiag core, in bytes.
FLASH_BUDGET=$((16 * 1024))      # .text + .rodata of decode + encode, JSON and XML
STACK_BUDGET=1024                # peak stack of any one decode
PHONE_FLASH_BUDGET=$((6 * 1024)) # the phone's side, beyond decode + encode
PHONE_STACK_BUDGET=1024          # peak stack of any one call of the phone's side
QEMU_TIMEOUT=${QEMU_TIMEOUT:-120}

TARGET=thumbv7em-none-eabihf
REQUESTS=${MEDIADIAG_FIRMWARE_REQUESTS:-$(cd ../.. && pwd)/target/firmware/requests.txt}
# The firmware keeps its own target folder, whatever the caller's CARGO_TARGET_DIR says.
export CARGO_TARGET_DIR=$PWD/target
OUT=target/$TARGET/release
failures=()
over_budget=()

echo "== build (release: opt-level z, LTO, one codegen unit, panic abort)"
if ! cargo build --release --bins; then
    echo "build failed (is the target installed? rustup target add $TARGET)" >&2
    exit 1
fi

# The runner of .cargo/config.toml, so that `cargo run --release` and this script agree.
runner=$(sed -n 's/^runner = "\(.*\)"$/\1/p' .cargo/config.toml)
[[ -n $runner ]] || { echo "no runner in .cargo/config.toml" >&2; exit 1; }

run_qemu() {
    # shellcheck disable=SC2086 # the runner is a command line to split
    timeout --kill-after=5 "$QEMU_TIMEOUT" $runner "$1"
}

echo
echo "== run: $runner $OUT/mediadiag-firmware"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
run_qemu "$OUT/mediadiag-firmware" | tee "$log"
status=${PIPESTATUS[0]}
set -e
if [[ $status -eq 124 || $status -eq 137 ]]; then
    failures+=("the firmware did not exit within ${QEMU_TIMEOUT}s")
elif [[ $status -ne 0 ]]; then
    failures+=("the firmware exited with status $status")
fi
for bin in footprint footprint-phone footprint-ffi; do
    if ! run_qemu "$OUT/$bin"; then
        failures+=("bin/$bin did not exit with success")
    fi
done

# Prints "<section> <size>" for every section of an ELF file.
sections() {
    local tool
    for tool in rust-size llvm-size arm-none-eabi-size; do
        if command -v "$tool" >/dev/null 2>&1; then
            "$tool" -A "$1" | awk 'NR > 2 && NF >= 2 && $1 ~ /^\./ { print $1, $2 }'
            return
        fi
    done
    python3 - "$1" <<'PY'
import struct, sys

data = open(sys.argv[1], "rb").read()
assert data[:4] == b"\x7fELF" and data[4] == 1 and data[5] == 1, "not a 32-bit little-endian ELF"
shoff, = struct.unpack_from("<I", data, 0x20)
shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
headers = [struct.unpack_from("<IIIIII", data, shoff + i * shentsize) for i in range(shnum)]
strtab = headers[shstrndx][4]
for name, _type, _flags, _addr, _offset, size in headers:
    label = data[strtab + name : data.index(b"\0", strtab + name)].decode()
    if label.startswith("."):
        print(label, size)
PY
}

# Sum of the named sections of an ELF file.
size_of() {
    local elf=$1
    shift
    sections "$elf" | awk -v names=" $* " 'index(names, " " $1 " ") { total += $2 } END { print total + 0 }'
}

flash() { size_of "$1" .text .rodata; }
ram() { size_of "$1" .data .bss; }

empty_flash=$(flash "$OUT/empty")
empty_ram=$(ram "$OUT/empty")
core_flash=$(($(flash "$OUT/footprint") - empty_flash))
core_ram=$(($(ram "$OUT/footprint") - empty_ram))
phone_flash=$(($(flash "$OUT/footprint-phone") - $(flash "$OUT/footprint")))
phone_ram=$(($(ram "$OUT/footprint-phone") - $(ram "$OUT/footprint")))
ffi_flash=$(($(flash "$OUT/footprint-ffi") - empty_flash))
ffi_ram=$(($(ram "$OUT/footprint-ffi") - empty_ram))
firmware_flash=$(flash "$OUT/mediadiag-firmware")
firmware_ram=$(ram "$OUT/mediadiag-firmware")

stack_of() { sed -n "s/^FOOTPRINT $1=\([0-9]*\)\$/\1/p" "$log" | tail -n 1; }
json_stack=$(stack_of json_decode_stack)
xml_stack=$(stack_of xml_decode_stack)
json_encode_stack=$(stack_of json_encode_stack)
xml_encode_stack=$(stack_of xml_encode_stack)
phone_stack=
for call in request response reason_json reason_xml; do
    peak=$(stack_of "phone_${call}_stack")
    if [[ -z $peak ]]; then
        phone_stack=
        break
    fi
    ((peak > ${phone_stack:-0})) && phone_stack=$peak
    printf -v "phone_${call}_stack" '%s' "$peak"
done

# The requests, exactly as written, for the end-to-end test.
mkdir -p "$(dirname "$REQUESTS")"
grep -E '^request [0-9a-f]+$' "$log" >"$REQUESTS.tmp" || true
request_count=$(wc -l <"$REQUESTS.tmp")
mv "$REQUESTS.tmp" "$REQUESTS"
((request_count >= 4)) || failures+=("the firmware printed $request_count requests, expected at least 4")

# No allocator may be linked: the core never allocates, so no heap is ever set up.
heap=none
for elf in "$OUT/footprint" "$OUT/footprint-phone" "$OUT/footprint-ffi" "$OUT/mediadiag-firmware"; do
    if grep -a -q -E '__rust_alloc|__rdl_alloc|__rg_alloc|\bmalloc\b' "$elf"; then
        heap="allocator linked into $(basename "$elf")"
    fi
done

verdict() { # value budget
    if [[ -z $1 ]]; then echo "NOT MEASURED"; elif (($1 <= $2)); then echo "ok"; else echo "OVER BUDGET"; fi
}

echo
echo "== footprint of the mediadiag core on $TARGET (bytes)"
printf '  %-46s %6s   budget %5s  %s\n' \
    "flash, decode + encode, JSON + XML" "$core_flash" "$FLASH_BUDGET" "$(verdict "$core_flash" "$FLASH_BUDGET")" \
    "peak stack, JSON decode" "${json_stack:-?}" "$STACK_BUDGET" "$(verdict "$json_stack" "$STACK_BUDGET")" \
    "peak stack, XML decode" "${xml_stack:-?}" "$STACK_BUDGET" "$(verdict "$xml_stack" "$STACK_BUDGET")"
printf '  %-46s %6s\n' \
    "static RAM (.data + .bss)" "$core_ram" \
    "peak stack, JSON encode" "${json_encode_stack:-?}" \
    "peak stack, XML encode" "${xml_encode_stack:-?}"
printf '  %-46s %6s   budget %5s  %s\n' \
    "flash, phone's side beyond decode + encode" "$phone_flash" "$PHONE_FLASH_BUDGET" \
    "$(verdict "$phone_flash" "$PHONE_FLASH_BUDGET")" \
    "peak stack, phone's side (any one call)" "${phone_stack:-?}" "$PHONE_STACK_BUDGET" \
    "$(verdict "$phone_stack" "$PHONE_STACK_BUDGET")"
printf '  %-46s %6s\n' \
    "  request / response / reason JSON / XML" \
    "${phone_request_stack:-?}/${phone_response_stack:-?}/${phone_reason_json_stack:-?}/${phone_reason_xml_stack:-?}" \
    "static RAM, phone's side" "$phone_ram"
printf '  %-46s %6s\n' "heap" "$heap" \
    "flash, the whole C API (mediadiag.h)" "$ffi_flash" \
    "static RAM, the whole C API" "$ffi_ram"
echo "  (flash = .text + .rodata of bin/footprint, or bin/footprint-ffi for the C API, minus"
echo "   bin/empty, an empty cortex-m-rt program of $empty_flash bytes; the phone's side is bin/footprint-phone"
echo "   minus bin/footprint. The whole conformance firmware"
echo "   takes $firmware_flash bytes of flash and $firmware_ram of static RAM, semihosting and formatting included.)"

[[ $(verdict "$core_flash" "$FLASH_BUDGET") == ok ]] || over_budget+=("flash: $core_flash bytes, budget $FLASH_BUDGET")
[[ $(verdict "$json_stack" "$STACK_BUDGET") == ok ]] || over_budget+=("JSON decode stack: ${json_stack:-?} bytes, budget $STACK_BUDGET")
[[ $(verdict "$xml_stack" "$STACK_BUDGET") == ok ]] || over_budget+=("XML decode stack: ${xml_stack:-?} bytes, budget $STACK_BUDGET")
[[ $(verdict "$phone_flash" "$PHONE_FLASH_BUDGET") == ok ]] ||
    over_budget+=("phone's side flash: $phone_flash bytes, budget $PHONE_FLASH_BUDGET")
[[ $(verdict "$phone_stack" "$PHONE_STACK_BUDGET") == ok ]] ||
    over_budget+=("phone's side stack: ${phone_stack:-?} bytes, budget $PHONE_STACK_BUDGET")
[[ $heap == none ]] || over_budget+=("heap: $heap")
# A peak that was not measured is a broken run, not a budget question.
[[ -n $json_stack && -n $xml_stack ]] || failures+=("the firmware printed no stack peaks")

# Where flash and stack go: the largest symbols the core adds, and the largest stack frames.
nm_tool=$(command -v llvm-nm || command -v arm-none-eabi-nm || true)
objdump_tool=$(command -v llvm-objdump || command -v arm-none-eabi-objdump || true)
if [[ -n $nm_tool ]]; then
    echo
    echo "== where the flash goes (symbols of bin/footprint not in bin/empty, bytes)"
    python3 - "$nm_tool" "$OUT/empty" "$OUT/footprint" "$core_flash" <<'PY'
import re, subprocess, sys
from collections import Counter

nm, empty, footprint, total = sys.argv[1:]

def symbols(elf):
    out = subprocess.run([nm, "-S", "-C", elf], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[2].lower() in "tr":
            yield re.sub(r"::h[0-9a-f]{16}$", "", parts[3]), int(parts[1], 16)

def readable(name):
    for mangled, plain in (("_$LT$", "<"), ("$LT$", "<"), ("$GT$", ">"), ("$RF$", "&"), ("$u20$", " "), ("$C$", ","), ("..", "::")):
        name = name.replace(mangled, plain)
    return name

def group(name):
    name = readable(name).lstrip("<&").removeprefix("mut ")
    if name.startswith(("char>", "[u8]>", "A as core::slice")):
        return "core"
    if name.startswith("OUTLINED_FUNCTION"):
        return "outlined code (shared instruction sequences)"
    if "cortex_m_rt_main" in name:
        return "main (the decoders and encoders inlined into it)"
    for prefix in ("mediadiag::json", "mediadiag::xml", "mediadiag::", "serde_json_core", "serde", "heapless", "core::fmt",
                   "core::str", "core::", "compiler_builtins"):
        if name.startswith(prefix):
            return prefix.rstrip(":") if prefix != "mediadiag::" else "mediadiag (other)"
    if name.startswith(("mem", "__aeabi")):
        return "compiler_builtins"
    if name.startswith(".L") or name.startswith("anon"):
        return "constants (.rodata)"
    return "other"

base = set(n for n, _ in symbols(empty))
added = [(n, s) for n, s in symbols(footprint) if n not in base]
groups = Counter()
for name, size in added:
    groups[group(name)] += size
for name, size in groups.most_common():
    print(f"  {size:6}  {name}")
print(f"  {int(total) - sum(groups.values()):6}  unnamed constants (enum name strings and tables, literals)")
print("  largest symbols:")
for name, size in sorted(added, key=lambda x: -x[1])[:10]:
    print(f"  {size:6}  {readable(name)[:100]}")
PY
fi
if [[ -n $objdump_tool ]]; then
    echo
    echo "== where the stack goes (largest frames of the core's functions, bytes)"
    "$objdump_tool" -d --no-show-raw-insn -C "$OUT/mediadiag-firmware" | python3 -c '
import re, sys
frames, name = {}, None
for line in sys.stdin:
    m = re.match(r"^[0-9a-f]+ <(.*)>:$", line)
    if m:
        name = re.sub(r"::h[0-9a-f]{16}$", "", m.group(1))
        continue
    if name is None:
        continue
    ins = line.split("\t")[1:] if "\t" in line else []
    ins = " ".join(ins).strip()
    push = re.match(r"^(push|vpush|stmdb)(\.w)?\s+(sp!,\s*)?\{(.*)\}", ins)
    sub = re.match(r"^subw?(\.w)?\s+sp,\s*(sp,\s*)?#(\d+)", ins)
    single = re.match(r"^str(\.w)?\s+\w+, \[sp, #-(\d+)\]!", ins)
    size = 0
    if push:
        regs = 0
        for part in push.group(4).split(","):
            part = part.strip()
            r = re.match(r"^([rd])(\d+)-[rd](\d+)$", part)
            n = int(r.group(3)) - int(r.group(2)) + 1 if r else 1
            regs += n * (8 if part.startswith("d") else 4)
        size = regs
    elif sub:
        size = int(sub.group(3))
    elif single:
        size = int(single.group(2))
    if size:
        frames[name] = frames.get(name, 0) + size
core = {n: s for n, s in frames.items() if "mediadiag::" in n and "mediadiag_firmware" not in n}
for name, size in sorted(core.items(), key=lambda x: -x[1])[:10]:
    print(f"  {size:6}  {name[:100]}")
'
fi

echo
for over in "${over_budget[@]}"; do
    failures+=("over budget: $over")
done
if ((${#failures[@]})); then
    for failure in "${failures[@]}"; do
        echo "FAILED: $failure"
    done
    exit 1
fi
echo "requests: $request_count written to $REQUESTS"
echo "all checks passed, every budget holds"
