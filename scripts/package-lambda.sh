#!/usr/bin/env bash
# Packages immersion-tracker as an AWS Lambda deployment zip (runtime provided.al2023, x86_64).
#
#   scripts/package-lambda.sh BINARY OUTPUT_ZIP
#
# Amazon Linux 2023 has glibc 2.34, older than the 2.36 we build against on Debian 12, and
# lacks most of the shared libraries we link (libcurl and its dependencies, libsodium, Boost
# json/url, spdlog/fmt, SQLite, ...). So the zip is self-contained: the stripped binary, every
# shared library it loads (its ldd closure, glibc and libstdc++ included, and that of libcurl,
# which it loads with dlopen) and glibc's dynamic loader, plus a `bootstrap` that starts the
# binary through that bundled loader:
#
#   bootstrap                      runs bin/immersion-tracker lambda "$@" via lib/ld-linux-*
#   bin/immersion-tracker          stripped copy of BINARY
#   lib/ld-linux-x86-64.so.2       the dynamic loader matching the bundled libc
#   lib/<soname>                   every library ldd lists, stored under its soname
#   zoneinfo/                      the tz database, which the bundled libdate-tz reads
#
# Nothing is loaded from the host: the loader gets --library-path lib (which overrides
# LD_LIBRARY_PATH, set by Lambda to AL2023's /lib64 among others) and --inhibit-cache (so
# AL2023's /etc/ld.so.cache is not consulted either). Modules glibc would dlopen (NSS, gconv)
# are not needed: nss_files and nss_dns are part of libc.so.6 since glibc 2.34.
#
# The zip is written with `zip` when it is installed, else with python3's zipfile (unix
# modes set explicitly); LAMBDA_ZIP_TOOL=zip|python3 forces one. Timestamps are fixed, so the
# same inputs give a byte-identical zip. Running it again replaces OUTPUT_ZIP.
set -euo pipefail

prog=package-lambda
die() {
  echo "$prog: $*" >&2
  exit 1
}

if [[ $# -ne 2 ]]; then
  echo "usage: $0 BINARY OUTPUT_ZIP" >&2
  exit 2
fi
binary=$1
output=$2

[[ -e $binary ]] || die "binary not found: $binary (build it first, e.g. make build)"
[[ -f $binary && -x $binary ]] || die "not an executable file: $binary"
[[ -n $output && $output != */ ]] || die "OUTPUT_ZIP must be a file name, got: '$output'"
for tool in ldd strip readelf; do
  command -v "$tool" >/dev/null || die "$tool is required (Debian: apt-get install binutils libc-bin)"
done

machine=$(LC_ALL=C readelf -h "$binary" 2>/dev/null | sed -n 's/^ *Machine: *//p')
[[ $machine == *X86-64* ]] ||
  die "$binary is not an x86-64 ELF executable (Machine: ${machine:-unknown}); the Lambda function is x86_64"
if LC_ALL=C readelf -d "$binary" | grep -q '(RPATH)'; then
  echo "$prog: warning: $binary has a DT_RPATH, which takes precedence over the bundled lib/" >&2
fi

zip_tool=${LAMBDA_ZIP_TOOL:-}
if [[ -z $zip_tool ]]; then
  if command -v zip >/dev/null; then zip_tool=zip; else zip_tool=python3; fi
fi
case $zip_tool in
  zip | python3) command -v "$zip_tool" >/dev/null || die "$zip_tool is not installed" ;;
  *) die "LAMBDA_ZIP_TOOL must be zip or python3, got: $zip_tool" ;;
esac

output_dir=$(dirname -- "$output")
mkdir -p -- "$output_dir"
output_abs="$(cd -- "$output_dir" && pwd -P)/$(basename -- "$output")"

stage=$(mktemp -d "${TMPDIR:-/tmp}/package-lambda.XXXXXX")
tmp_zip="$output_abs.tmp.$$"
trap 'rm -rf -- "$stage"; rm -f -- "$tmp_zip"' EXIT
mkdir -p "$stage/bin" "$stage/lib"

# ---- The library closure, as the host's loader resolves it. ---------------------------------
# The binary's ldd closure, and that of each library it loads later with dlopen (libcurl, on
# its first outbound call: src/net/curl_library.hpp), which ldd cannot see.
# LD_PRELOAD would add libraries the binary does not need; LD_LIBRARY_PATH is honoured (what
# the binary loads with it is what it needs).
dlopened=(libcurl.so.4)
closure() {
  local out
  out=$(env -u LD_PRELOAD LC_ALL=C ldd "$1" 2>&1) || die "ldd $1 failed: $out"
  if grep -qE 'not a dynamic executable|statically linked' <<<"$out"; then
    die "$1 is not dynamically linked; this packaging bundles a dynamic loader and its libraries"
  fi
  if grep -q 'not found' <<<"$out"; then
    die "libraries of $1 are missing on this machine:"$'\n'"$(grep 'not found' <<<"$out")"
  fi
  printf '%s\n' "$out"
}
ldd_out=$(closure "$binary")

declare -A sources=()  # soname in lib/ -> host path
ldconfig=$(command -v ldconfig || echo /sbin/ldconfig)
for name in "${dlopened[@]}"; do
  # awk reads to the end: leaving early would stop ldconfig with SIGPIPE, a failure under
  # pipefail.
  path=$(LC_ALL=C "$ldconfig" -p |
    awk -v n="$name" '$1 == n && /x86-64/ && !found { print $NF; found = 1 }')
  [[ -n $path ]] || die "$name is not installed (Debian: apt-get install libcurl4)"
  sources[$name]=$path
  ldd_out+=$'\n'$(closure "$path")
done

loader=
while read -r line; do
  if [[ $line =~ ^([^[:space:]]+)[[:space:]]+=\>[[:space:]]+(/[^[:space:]]+) ]]; then
    sources[$(basename -- "${BASH_REMATCH[1]}")]=${BASH_REMATCH[2]}
  elif [[ $line =~ ^(/[^[:space:]]*/ld-linux[^[:space:]]*)[[:space:]] ]]; then
    loader=${BASH_REMATCH[1]}
  elif [[ $line =~ ^linux-vdso ]]; then
    :  # provided by the kernel
  elif [[ -n $line ]]; then
    die "unexpected ldd output line: $line"
  fi
done <<<"$ldd_out"
[[ -n $loader ]] || die "ldd names no dynamic loader for $binary"
[[ $(basename -- "$loader") == ld-linux-x86-64.so.2 ]] ||
  die "unexpected dynamic loader $loader (want ld-linux-x86-64.so.2)"
[[ -n ${sources[libc.so.6]:-} ]] || die "$binary does not load libc.so.6"
sources[ld-linux-x86-64.so.2]=$loader

for name in "${!sources[@]}"; do
  cp -L -- "${sources[$name]}" "$stage/lib/$name"
  chmod 0644 "$stage/lib/$name"
done
chmod 0755 "$stage/lib/ld-linux-x86-64.so.2"  # exec'd directly by bootstrap

# ---- Time zones. -----------------------------------------------------------------------------
# libdate-tz reads the tz database only from /usr/share/zoneinfo (the path is compiled in),
# which a provided.al2023 sandbox may lack. The zip carries Debian's database (without its
# posix/ and right/ copies) in zoneinfo/, and the bundled libdate-tz is pointed at it: its one
# "/usr/share/zoneinfo" string becomes ".//////////zoneinfo", relative to the function's
# directory, where bootstrap starts the binary.
tzdb=/usr/share/zoneinfo
[[ -d $tzdb ]] || die "$tzdb is missing (apt-get install tzdata)"
[[ -n ${sources[libdate-tz.so.3]:-} ]] || die "$binary does not load libdate-tz.so.3"
python3 - "$tzdb" "$stage/zoneinfo" "$stage/lib/libdate-tz.so.3" <<'PY' || die "cannot bundle the tz database"
import os, shutil, sys
tzdb, target, library = sys.argv[1:]
shutil.copytree(tzdb, target, symlinks=False, ignore=shutil.ignore_patterns("posix", "right"))
for dirpath, _, filenames in os.walk(target):
    for f in filenames:
        os.chmod(os.path.join(dirpath, f), 0o644)
data = open(library, "rb").read()
old = b"/usr/share/zoneinfo\0"
if data.count(old) != 1:
    sys.exit(f"{library}: expected the string {old!r} once, found it {data.count(old)} times")
with open(library, "wb") as f:
    # Same length, no NULs: the library keeps the literal's length, so a shorter string would
    # leave NULs inside the paths it builds. "./" plus slashes is "./zoneinfo" to the kernel.
    new = b"./" + b"/" * (len(old) - 1 - len(b"./zoneinfo")) + b"zoneinfo\0"
    assert len(new) == len(old)
    f.write(data.replace(old, new))
PY

strip --strip-unneeded -o "$stage/bin/immersion-tracker" -- "$binary"
chmod 0755 "$stage/bin/immersion-tracker"

cat >"$stage/bootstrap" <<'EOF'
#!/bin/sh
# AWS Lambda custom runtime entry point (provided.al2023). Runs `immersion-tracker lambda`
# through the bundled glibc loader and libraries in lib/, so nothing is loaded from the host.
set -eu

# The function's directory: $LAMBDA_TASK_ROOT (/var/task) on Lambda, else this script's own.
root=${LAMBDA_TASK_ROOT:-}
if [ -z "$root" ] || [ ! -x "$root/bin/immersion-tracker" ]; then
  case $0 in
    */*) root=${0%/*} ;;
    *) root=. ;;
  esac
  root=$(cd "$root" && pwd -P)
fi

# libcurl built on Debian reads its CA bundle from /etc/ssl/certs/ca-certificates.crt;
# Amazon Linux has /etc/pki/tls/certs/ca-bundle.crt. The variable only takes effect where the
# program passes it on to libcurl (CURLOPT_CAINFO): libcurl itself does not read it.
if [ -z "${CURL_CA_BUNDLE:-}" ] && [ ! -e /etc/ssl/certs/ca-certificates.crt ] &&
  [ -e /etc/pki/tls/certs/ca-bundle.crt ]; then
  export CURL_CA_BUNDLE=/etc/pki/tls/certs/ca-bundle.crt
fi

# The bundled libdate-tz reads the tz database from zoneinfo/ in the current directory.
cd "$root"
exec "$root/lib/ld-linux-x86-64.so.2" --inhibit-cache --library-path "$root/lib" \
  "$root/bin/immersion-tracker" lambda "$@"
EOF
chmod 0755 "$stage/bootstrap"

# ---- Check the layout: everything resolves inside lib/, and the binary starts. --------------
resolved=$(env -u LD_PRELOAD -u LD_LIBRARY_PATH LC_ALL=C "$stage/lib/ld-linux-x86-64.so.2" \
  --inhibit-cache --list --library-path "$stage/lib" "$stage/bin/immersion-tracker" 2>&1) ||
  die "the bundled loader cannot load the binary:"$'\n'"$resolved"
for name in "${dlopened[@]}"; do
  resolved+=$'\n'$(env -u LD_PRELOAD -u LD_LIBRARY_PATH LC_ALL=C "$stage/lib/ld-linux-x86-64.so.2" \
    --inhibit-cache --list --library-path "$stage/lib" "$stage/lib/$name" 2>&1) ||
    die "the bundled loader cannot load lib/$name:"$'\n'"$resolved"
done
outside=$(grep -F '=>' <<<"$resolved" | grep -vF "=> $stage/lib/" || true)
[[ -z $outside ]] || die "libraries resolved outside the bundle:"$'\n'"$outside"
env -i "$stage/lib/ld-linux-x86-64.so.2" --inhibit-cache --library-path "$stage/lib" \
  "$stage/bin/immersion-tracker" --help >/dev/null ||
  die "the bundled binary does not start (--help failed)"

# ---- The zip. ---------------------------------------------------------------------------------
# Fixed timestamps (1980-01-01, the zip epoch) make it reproducible; modes: bootstrap, the
# binary and the loader 0755, libraries 0644.
find "$stage" -exec env TZ=UTC touch -h -d '1980-01-01 00:00:00' {} +
rm -f -- "$tmp_zip"
if [[ $zip_tool == zip ]]; then
  (cd "$stage" && find . -type f | LC_ALL=C sort | sed 's|^\./||' |
    TZ=UTC zip -X -q -9 "$tmp_zip" -@)
else
  python3 - "$stage" "$tmp_zip" <<'EOF'
import os, stat, sys, zipfile

stage, out = sys.argv[1], sys.argv[2]
names = []
for dirpath, _, filenames in os.walk(stage):
    names += [os.path.relpath(os.path.join(dirpath, f), stage) for f in filenames]
with zipfile.ZipFile(out, "w") as z:
    for name in sorted(names):
        path = os.path.join(stage, name)
        info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
        info.create_system = 3  # Unix: unzip and Lambda honour the mode bits below
        info.external_attr = (stat.S_IFREG | (os.stat(path).st_mode & 0o777)) << 16
        info.compress_type = zipfile.ZIP_DEFLATED
        with open(path, "rb") as f:
            z.writestr(info, f.read(), compresslevel=9)
EOF
fi
mv -f -- "$tmp_zip" "$output_abs"

# ---- Report. ----------------------------------------------------------------------------------
human() { numfmt --to=iec-i --suffix=B --format=%.1f "$1" 2>/dev/null || echo "$1 bytes"; }
echo "Bundled libraries (${#sources[@]}) in lib/:"
for name in $(printf '%s\n' "${!sources[@]}" | LC_ALL=C sort); do
  printf '  %-28s %9s  from %s\n' "$name" "$(stat -c %s "$stage/lib/$name")" "${sources[$name]}"
done
zip_bytes=$(stat -c %s "$output_abs")
unpacked_bytes=$(du -sb "$stage" | cut -f1)
echo "Binary: bin/immersion-tracker, $(stat -c %s "$stage/bin/immersion-tracker") bytes (stripped)"
echo "Wrote $output: $zip_bytes bytes ($(human "$zip_bytes")), $(human "$unpacked_bytes") unpacked (zip tool: $zip_tool)"
if ((zip_bytes > 50 * 1000 * 1000)); then
  echo "$prog: warning: over Lambda's 50 MB limit for a direct zip upload; upload it through S3" >&2
fi
if ((unpacked_bytes > 250 * 1000 * 1000)); then
  echo "$prog: warning: over Lambda's 250 MB limit for the unzipped function" >&2
fi
