#!/usr/bin/env bash
# The consumer test: what a new user does with the packages, outside this repository.
#  1. `dotnet pack -c Release` writes every package with zero warnings;
#  2. a fresh console app in a temporary folder, with an empty NuGet package cache, adds Lucene.Splade.Embedded from
#     that folder (the registry supplies the dependencies); its Program.cs is README.md's quick start, extracted here;
#  3. it builds and runs, and the top hit is the expected document;
#  4. it is published, the package cache is deleted, and the published app runs from another folder.
# Prints what it measured (package sizes, first-run time) and exits non-zero on any failure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/splade-consumer.XXXXXX")"
trap 'rm -rf "$work"' EXIT
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

fail() { echo "consumer test: $*" >&2; exit 1; }

echo "== dotnet pack -c Release"
if ! (cd "$repo" && dotnet pack Lucene.Splade.sln -c Release -o "$work/packages" -p:CI=true >"$work/pack.log" 2>&1); then
  tail -n 30 "$work/pack.log"; fail "dotnet pack failed"
fi
if grep -E -i ": warning [A-Z]+[0-9]+" "$work/pack.log" | grep -v -q "^$"; then
  grep -E -i ": warning [A-Z]+[0-9]+" "$work/pack.log" | sort -u; fail "dotnet pack gave warnings"
fi
version=$(ls "$work/packages" | sed -n 's/^Lucene\.Splade\.Embedded\.\(.*\)\.nupkg$/\1/p' | head -n 1)
[ -n "$version" ] || fail "no Lucene.Splade.Embedded package was written"
for p in "$work"/packages/*.nupkg "$work"/packages/*.snupkg; do
  printf '  %-48s %10d bytes\n' "$(basename "$p")" "$(stat -c %s "$p")"
done
runtime_size=$(stat -c %s "$work/packages/Lucene.Splade.$version.nupkg")
[ "$runtime_size" -lt 1048576 ] || fail "the runtime package is $runtime_size bytes, over 1 MB"
nuspec=$(python3 -c 'import sys, zipfile; print(zipfile.ZipFile(sys.argv[1]).read("Lucene.Splade.nuspec").decode("utf-8-sig"))' "$work/packages/Lucene.Splade.$version.nupkg")
if echo "$nuspec" | grep -q -i -E "<dependency id=\"(OnnxSharp|Google.Protobuf|SentenceTransformers|Lucene.Splade.Embedded)"; then
  fail "the runtime package depends on model-building code or on the model"
fi

echo "== a new console app with README.md's quick start as Program.cs, and an empty package cache"
# From here on, packages come from the folder above and the registry only, into a cache of the test's own.
export NUGET_PACKAGES="$work/nuget-cache"
app="$work/QuickStart"
dotnet new console -o "$app" --framework net10.0 >"$work/new.log" 2>&1 || { cat "$work/new.log"; fail "dotnet new console failed"; }
# The first C# block of README.md that uses SpladeAnalyzer is the quick-start program.
awk '/^```csharp/{inblock=1; block=""; next} /^```/{ if (inblock && block ~ /SpladeAnalyzer/) { printf "%s", block; exit } inblock=0; next } inblock{ block = block $0 "\n" }' \
  "$repo/README.md" > "$app/Program.cs"
[ -s "$app/Program.cs" ] || fail "README.md has no C# block that uses SpladeAnalyzer"
cat > "$app/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="lucene-splade-local" value="$work/packages" />
  </packageSources>
</configuration>
CONFIG
(cd "$app" && dotnet add package Lucene.Splade.Embedded --version "$version" >"$work/add.log" 2>&1) || { tail -n 30 "$work/add.log"; fail "dotnet add package failed"; }
(cd "$app" && dotnet build -c Release >"$work/build.log" 2>&1) || { tail -n 30 "$work/build.log"; fail "the quick start does not build"; }

check_output() {
  local output="$1" where="$2"
  echo "$output" | sed 's/^/    /'
  local top
  top=$(echo "$output" | grep -E '^ *[0-9]' | head -n 1)
  echo "$top" | grep -q "Paris" || fail "$where: the top hit is not the Paris document"
}

start=$(date +%s%N)
output=$(cd "$app" && dotnet bin/Release/net10.0/QuickStart.dll 2>&1) || { echo "$output"; fail "the quick start failed to run"; }
end=$(date +%s%N)
check_output "$output" "the built app"
echo "  first run (process start, model load, 3 documents indexed, 1 query): $(( (end - start) / 1000000 )) ms"

echo "== dotnet publish, package cache deleted, run from another folder"
(cd "$app" && dotnet publish -c Release -o "$work/published" >"$work/publish.log" 2>&1) || { tail -n 30 "$work/publish.log"; fail "dotnet publish failed"; }
[ -f "$work/published/lucene-splade/minilm-l6-splade/model.onnx" ] || fail "the published app has no embedded model folder"
rm -rf "$NUGET_PACKAGES"
mkdir -p "$work/elsewhere"
output=$(cd "$work/elsewhere" && dotnet "$work/published/QuickStart.dll" 2>&1) || { echo "$output"; fail "the published app failed to run"; }
check_output "$output" "published app"
echo "  published folder: $(du -sh "$work/published" | cut -f1), of which the model folder $(du -sh "$work/published/lucene-splade" | cut -f1)"
echo "consumer test passed"
