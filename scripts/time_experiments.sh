#!/usr/bin/env bash
# Reproduces the measurements in docs/TIME.md.
#   scripts/time_experiments.sh [randman|memory|evidence|delay|remedies|all] [OUT_DIR]   (default: all, runs/time)
# randman: BPTT and e-prop (symmetric, random feedback) on the default Randman network, 60 epochs each (~15 min on
# 2 cores); memory: peak live heap of e-prop and BPTT at T = 1000 and 8000 (~5 min); evidence: the cue task, 7 runs
# (~75 min); delay: accuracy as the delay grows, LIF vs ALIF, BPTT vs e-prop, 16 runs of 6 epochs (~25 min);
# remedies: the LIF network that stays at chance on the evidence task, with each remedy surge diagnose names (~6 min).
# Every run uses --threads 2 (memory: 1), so the numbers repeat bit for bit on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
out=${2:-runs/time}
mkdir -p "$out"

train() { # NAME ARGS...: one run into $out/NAME, its final JSON line into $out/NAME.json (KEEP=1 reuses it)
    local name=$1
    shift
    if [[ -n ${KEEP:-} && -s $out/$name.json ]]; then
        cat "$out/$name.json"
    elif ./surge train "$@" --no-plots --json --force --out "$out/$name" > "$out/$name.json"; then
        cat "$out/$name.json"
    else
        echo "$name: did not finish (see the message above)"
    fi
}

if [[ $what == randman || $what == all ]]; then
    train randman-bptt --threads 2
    train randman-eprop --rule eprop --threads 2
    train randman-eprop-random --rule eprop --feedback random --threads 2
    ./surge curves "$out"/randman-bptt "$out"/randman-eprop "$out"/randman-eprop-random --labels bptt,eprop,eprop-random \
        --title "Randman: BPTT and e-prop, validation accuracy" --out "$out/randman_eprop.png" | tee "$out/randman.txt"
fi

if [[ $what == memory || $what == all ]]; then
    # the evidence task with short cues (the delay fills the rest), the alif preset, batch 64, one epoch, in this
    # JVM's default heap (SURGE_FORK=false: no child JVM sized by the memory model)
    for t in 1000 8000; do
        for rule in eprop bptt; do
            SURGE_FORK=false train "memory-$rule-$t" --dataset evidence \
                --evidence cue=10,gap=5,recall=15,samples=64,validation=64,test=64 --time-steps "$t" \
                --batch-size 64 --epochs 1 --threads 1 --rule "$rule"
        done
    done | tee "$out/memory.jsonl"
fi

if [[ $what == evidence || $what == all ]]; then
    for model in alif lif100; do
        for rule in bptt eprop; do
            train "evidence-$model-$rule" --dataset evidence --model "$model" --rule "$rule" --threads 2
        done
    done
    for rule in bptt eprop; do
        train "evidence16-alif-$rule" --dataset evidence --model alif --rule "$rule" --epochs 16 --threads 2
    done
    train evidence60-alif-bptt-best --dataset evidence --model alif --epochs 60 --keep-best --threads 2
fi

if [[ $what == delay || $what == all ]]; then
    # 7 cues and the recall cue take 1200 steps; --time-steps T leaves a delay of T - 1200 steps
    for t in 1250 1450 1700 2250; do
        for model in alif lif100; do
            for rule in bptt eprop; do
                train "delay$t-$model-$rule" --dataset evidence --model "$model" --rule "$rule" --time-steps "$t" \
                    --epochs 6 --keep-best --threads 2
            done
        done
    done | tee "$out/delay.jsonl"
fi

if [[ $what == remedies || $what == all ]]; then
    # lif100 on the evidence task (10 epochs of BPTT) as it is and with each remedy surge diagnose suggests, each run
    # then diagnosed on 8 test samples (one JSON line per spiking layer and the findings)
    remedy() { # NAME ARGS...
        local name=$1
        shift
        train "remedy-$name" --dataset evidence --threads 2 "$@"
        ./surge diagnose --run "$out/remedy-$name" --batch 8 --json || true
    }
    {
        remedy lif100 --model lif100
        remedy lif100-surrogate5 --model lif100 --surrogate fast_sigmoid:5
        remedy lif100-beta0995 --model scripts/models/lif100-beta0995.json
        remedy lif100-theta01 --model scripts/models/lif100-theta01.json
        remedy lif100-theta1 --model scripts/models/lif100-theta1.json
        remedy alif --model alif
    } | tee "$out/remedies.jsonl"
fi
