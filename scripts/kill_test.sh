#!/usr/bin/env bash
# Kill-and-resume test: `surge train` is killed with kill -9 at random moments (before its first checkpoint too),
# then started again with --resume, until it completes; its final weights must equal an uninterrupted run's bit for
# bit. Prints one line per kill and a closing 'kill test: N passed, M failed' line; exit 0 when they are equal.
#
#   scripts/kill_test.sh [KILLS (default 25)] [SEED (default 1)]
#
# Runs the CLI from SURGE_CP (a class path, as the -Pkill test passes it) or else from the jar that ./surge builds.
# Environment: JAVA (default: java on the PATH).
set -euo pipefail
kills="${1:-25}"
seed="${2:-1}"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java="${JAVA:-java}"
if [ -n "${SURGE_CP:-}" ]; then
  cli=("$java" --add-modules jdk.incubator.vector -cp "$SURGE_CP" dev.surge.cli.Main)
else
  "$root/surge" --version >/dev/null 2>&1 || { echo "kill test: cannot build the CLI (./surge --version)" >&2; exit 2; }
  cli=("$java" --add-modules jdk.incubator.vector -jar "$root/surge-cli/target/surge-run.jar")
fi
work="$(mktemp -d "${TMPDIR:-/tmp}/surge-kill-XXXXXX")"
trap 'rm -rf "$work"' EXIT
args=(train --time-steps 50 --limit 600 --batch-size 50 --threads 2 --epochs 40 --seed "$seed" --no-plots --json)

"${cli[@]}" "${args[@]}" --out "$work/ref" > "$work/ref.log" 2>&1 || { echo "kill test: the reference run failed" >&2;
  cat "$work/ref.log" >&2; exit 2; }

RANDOM=$seed
run="$work/killed"
before_checkpoint=0
for ((i = 1; i <= kills; i++)); do
  extra=()
  [ -f "$run/config.json" ] && extra=(--resume)
  "${cli[@]}" "${args[@]}" --out "$run" "${extra[@]}" > "$work/run-$i.log" 2>&1 &
  pid=$!
  # 0.1 to 4.0 s: some kills land during start-up or the first epoch, before any checkpoint
  sleep "$(awk -v r=$RANDOM 'BEGIN { printf "%.2f", 0.1 + 3.9 * r / 32767 }')"
  if kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
    state="no checkpoint yet"
    if [ -f "$run/checkpoint.safetensors" ]; then
      state="$(wc -l < "$run/metrics.jsonl" 2>/dev/null || echo 0) epochs saved"
    else
      before_checkpoint=$((before_checkpoint + 1))
    fi
    echo "kill $i: killed pid $pid ($state)"
  else
    wait "$pid" || true
    echo "kill $i: the run had already finished"
    break
  fi
  # a training child JVM notices its parent's death and halts before its next write; give it a moment
  sleep 1
done
extra=()
[ -f "$run/config.json" ] && extra=(--resume)
if ! "${cli[@]}" "${args[@]}" --out "$run" "${extra[@]}" > "$work/final.log" 2>&1; then
  if ! grep -q '"stop"' "$work/final.log"; then
    echo "kill test: the final run failed:" >&2; cat "$work/final.log" >&2
    echo "kill test: 0 passed, 1 failed"
    exit 1
  fi
fi
if cmp -s "$work/ref/model.safetensors" "$run/model.safetensors"; then
  echo "kill test: $kills kills ($before_checkpoint before the first checkpoint), final weights bit-identical"
  echo "kill test: 1 passed, 0 failed"
else
  echo "kill test: final weights differ from the uninterrupted run's" >&2
  echo "kill test: 0 passed, 1 failed"
  exit 1
fi
