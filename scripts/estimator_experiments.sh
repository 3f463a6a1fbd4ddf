#!/usr/bin/env bash
# Reproduces the measurements in docs/ESTIMATORS.md.
#   scripts/estimator_experiments.sh [lab|randman|randman-lab|binary|all] [OUT_DIR]   (default: all, runs/estimators)
# lab: ~2 min; randman: 8 runs of 60 epochs (~40 min on 2 cores); binary: 11 runs of 20 epochs on Fashion-MNIST
# (~15 min). Every run uses --threads 2, so the accuracies repeat bit for bit on any machine.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
out=${2:-runs/estimators}
mkdir -p "$out"
cases=(surge-io/src/test/resources/golden/stochastic_*.json)

# train NAME ARGS...: one run into $out/NAME (its final JSON line in $out/NAME.json); a run that diverges is
# reported and left out of the curves, and the script goes on. KEEP=1 keeps runs that finished before.
runs=()
labels=()
train() {
    local name=$1
    shift
    if [[ -n ${KEEP:-} && -f $out/$name/result.json && -s $out/$name.json ]]; then
        cat "$out/$name.json"
    elif ./surge train "$@" --no-plots --json --force --out "$out/$name" > "$out/$name.json"; then
        cat "$out/$name.json"
    else
        echo "$name: did not finish (see the message above); its last good checkpoint is in $out/$name"
    fi
    if [[ -s $out/$name/metrics.jsonl ]]; then
        runs+=("$out/$name")
        labels+=("${name#*-}")
    fi
}

if [[ $what == lab || $what == all ]]; then
    # every estimator against the exact gradient of the expected loss, 10 000 samples each
    ./surge estimators "${cases[@]}" --samples 10000 --seed 0 --plot-dir "$out" | tee "$out/lab.txt"
    ./surge estimators "${cases[@]}" --samples 10000 --seed 0 --json > "$out/lab.jsonl"
    # the unbiasedness target: reinforce with 100 000 samples
    ./surge estimators "${cases[@]}" --estimators reinforce,reinforce_baseline --samples 100000 --seed 0 \
        --plot-dir "$out/reinforce-100k" | tee "$out/reinforce_100k.txt"
fi

if [[ $what == randman || $what == all ]]; then
    # the default Randman network (128 recurrent LIF, T = 100) with escape noise k = 20 on every spiking layer,
    # trained for the same number of forward passes (60 epochs, one sample per batch) by each estimator; rate_l1
    # instead of the default homeostasis, which is not a per-sample loss that REINFORCE could weight
    runs=()
    labels=()
    train randman-deterministic --regularize rate_l1:1 --threads 2
    for e in surrogate stochastic_surrogate straight_through concrete reinforce reinforce_baseline; do
        train "randman-$e" --stochastic 20 --estimator "$e" --regularize rate_l1:1 --threads 2
    done
    ./surge curves "${runs[@]}" --metric val_accuracy --title "Randman, stochastic network (k = 20): validation accuracy" \
        --labels "$(IFS=,; echo "${labels[*]}")" --out "$out/randman_curves.png" | tee "$out/randman.txt"
fi

if [[ $what == randman-lab || $what == all ]]; then
    # bias, variance and cost at Randman's scale (12 800 stochastic spikes per sample: no enumeration), on the
    # surrogate run's trained network (93% with sampled spikes) and 8 test samples, against 20 000
    # reinforce_baseline samples
    ./surge estimators --run "$out/randman-surrogate" --batch 8 --samples 1000 --reference-samples 20000 \
        --plot-dir "$out" | tee "$out/randman_lab.txt"
fi

if [[ $what == binary || $what == all ]]; then
    # a 784-1000-10 MLP with Heaviside hidden units: the ff-wide preset at one time step is exactly that
    # (s = H(Wx + b - 1), logits = s·W2 + b2); each surrogate shape at its default scale, then stochastic binary
    # units (escape noise k = 4) trained by REINFORCE and by the stochastic surrogate
    runs=()
    labels=()
    for s in straight_through rectangle:2 sigmoid fast_sigmoid atan triangle gaussian; do
        train "binary-${s//:/-}" --dataset fashion-mnist --time-steps 1 --model ff-wide --surrogate "$s" --epochs 20 \
            --threads 2
    done
    for e in stochastic_surrogate reinforce reinforce_baseline straight_through; do
        train "binary-stochastic-$e" --dataset fashion-mnist --time-steps 1 --model ff-wide --stochastic 4 \
            --estimator "$e" --epochs 20 --threads 2
    done
    ./surge curves "${runs[@]}" --metric val_accuracy --title "Binary MLP on Fashion-MNIST: validation accuracy" \
        --labels "$(IFS=,; echo "${labels[*]}")" --out "$out/binary_curves.png" | tee "$out/binary.txt"
fi
