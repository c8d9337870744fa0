#!/usr/bin/env bash
# Runs the sample's `export --url` against a real Elasticsearch and OpenSearch, for anyone with docker (this was never
# run where the project is built: no server can be installed there). It
#  1. starts docker-compose.yml (single-node Elasticsearch 9.0.0 on :9200 and OpenSearch 3.0.0 on :9201, security off;
#     ES_VERSION / OPENSEARCH_VERSION pick others, e.g. ES_VERSION=8.15.0 OPENSEARCH_VERSION=2.19.0);
#  2. indexes the sample corpus with the sample console (SPLADE + BM25, the embedded model);
#  3. exports it to both clusters (index splade-sample: a sparse_vector or rank_features field, bulk with retries);
#  4. counts the documents there and runs one sparse_vector and one neural_sparse query with precomputed weights;
#  5. stops the containers (KEEP=1 leaves them running).
# Exits non-zero when a step fails or a cluster holds fewer documents than the corpus.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
compose=(docker compose -f "$here/docker-compose.yml")
index="$repo/artifacts/engines-index"
corpus="$repo/samples/Lucene.Splade.Sample/Data/corpus.jsonl"
sample=(dotnet run -c Release --project "$repo/samples/Lucene.Splade.Sample" --)

cleanup() { if [ "${KEEP:-0}" != "1" ]; then "${compose[@]}" down >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT

wait_for() {
  local url="$1"
  for _ in $(seq 1 90); do
    if curl -fsS "$url" >/dev/null 2>&1; then return 0; fi
    sleep 2
  done
  echo "no answer from $url after 180 s" >&2
  return 1
}

echo "== starting the clusters"
"${compose[@]}" up -d
wait_for http://localhost:9200
wait_for http://localhost:9201

echo "== indexing the sample corpus"
"${sample[@]}" index "$corpus" --index "$index" --rebuild
documents=$(grep -c . "$corpus")

check() {
  local name="$1" url="$2" query="$3"
  echo "== $name: export --url $url"
  "${sample[@]}" export --index "$index" --format "$name" --url "$url" --index-name splade-sample
  local count
  count=$(curl -fsS "$url/splade-sample/_count" | sed -n 's/.*"count":\([0-9]*\).*/\1/p')
  echo "   $count of $documents documents in $name"
  [ "$count" -eq "$documents" ] || { echo "$name holds $count documents, expected $documents" >&2; return 1; }
  echo "   top hits for 'dog puppy':"
  curl -fsS -H 'Content-Type: application/json' "$url/splade-sample/_search" -d "$query"
  echo
}

check elasticsearch http://localhost:9200 \
  '{"size":3,"_source":["title"],"query":{"sparse_vector":{"field":"splade","query_vector":{"dog":1.0,"puppy":1.0},"prune":false}}}'
check opensearch http://localhost:9201 \
  '{"size":3,"_source":["title"],"query":{"neural_sparse":{"splade":{"query_tokens":{"dog":1.0,"puppy":1.0}}}}}'
echo "both clusters hold every document"
