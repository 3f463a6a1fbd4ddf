#!/usr/bin/env python3
"""Surge against the PyTorch reference implementations, side by side on the same machine in one run.

For each workload and each of R rounds, runs `surge bench --workload W --json` (its own JVM) and then each PyTorch
peer of shared/bench/bench_peers.py (its own process) one after the other, so that the machine's load drifts over
all of them alike. Reports, per workload, the median over rounds of each implementation's median ms per step, the
minimum, the largest peak RSS, and Surge's ratios to each peer. Surge first warms its JIT compiler up on a throwaway
copy of the network (3 seconds, then until the compiler is idle; `surge bench --warmup-seconds`), then times a fresh
network after --warmup untimed steps from its initial weights; the peers time theirs after
--peer-warmup steps (PyTorch runs precompiled kernels from the first step).

    /usr/bin/python3 scripts/bench_vs_pytorch.py --peers ref,ref_hoisted --threads 2 --rounds 3

Needs Debian's python3-torch and libopenblas0-openmp for the peers (see shared/bench/PEERS.md) and a built
surge-cli jar (./surge builds it). Writes the raw results as JSON to --out.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def surge_run(w, steps, warmup, threads, extra):
    cmd = [os.path.join(ROOT, "surge")] + extra + ["bench", "--workload", w, "--steps", str(steps), "--warmup",
                                                   str(warmup), "--threads", str(threads), "--json"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800)
    for line in reversed(p.stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"error": "surge rc=%s: %s" % (p.returncode, p.stderr[-1500:])}


def peer_run(peers_script, peer, w, steps, warmup, threads):
    cmd = ["/usr/bin/python3", peers_script, "--child", peer, w, "--steps", str(steps), "--warmup", str(warmup),
           "--budget-s", "120", "--threads", str(threads)]
    env = dict(os.environ)
    env.update({"OMP_NUM_THREADS": str(threads), "OPENBLAS_NUM_THREADS": str(threads)})
    blas = "/usr/lib/x86_64-linux-gnu/openblas-openmp"   # as bench_peers.py does: OpenBLAS, not the reference BLAS
    if os.path.exists(os.path.join(blas, "libblas.so.3")):
        env["LD_LIBRARY_PATH"] = blas + (":" + env["LD_LIBRARY_PATH"] if env.get("LD_LIBRARY_PATH") else "")
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=1800, env=env)
    for line in reversed(p.stdout.strip().splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    return {"error": "%s rc=%s: %s" % (peer, p.returncode, p.stderr[-1500:])}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workloads", default="W1,W2,W3,W4")
    ap.add_argument("--peers", default="ref,ref_hoisted")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--warmup", type=int, default=10)
    ap.add_argument("--peer-steps", type=int, default=10)
    ap.add_argument("--peer-warmup", type=int, default=3)
    ap.add_argument("--peers-script", default=os.path.join(os.path.dirname(ROOT), "shared", "bench", "bench_peers.py"))
    ap.add_argument("--out", default="bench_vs_pytorch.json")
    a = ap.parse_args()
    if not os.path.exists(a.peers_script):
        sys.exit("bench_vs_pytorch: %s not found (pass --peers-script)" % a.peers_script)
    peers = [p for p in a.peers.split(",") if p]
    runs = []
    t0 = time.time()
    for w in [w for w in a.workloads.split(",") if w]:
        for r in range(a.rounds):
            s = surge_run(w, a.steps, a.warmup, a.threads, [])
            s.update(impl="surge", round=r, workload=w)
            runs.append(s)
            print(json.dumps({k: s.get(k) for k in ("impl", "workload", "round", "ms_median", "ms_min", "peak_rss_mb",
                                                     "error")}), flush=True)
            for p in peers:
                q = peer_run(a.peers_script, p, w, a.peer_steps, a.peer_warmup, a.threads)
                q.update(impl=p, round=r, workload=w)
                runs.append(q)
                print(json.dumps({k: q.get(k) for k in ("impl", "workload", "round", "ms_median", "ms_min",
                                                         "peak_rss_mb", "error")}), flush=True)
            with open(a.out, "w") as f:
                json.dump({"runs": runs, "threads": a.threads, "loadavg": os.getloadavg()}, f, indent=1)
    print()
    print("| workload | " + " | ".join(["surge"] + peers) + " | surge ÷ fastest peer | surge RSS ÷ smallest peer RSS |")
    print("|---|" + "---|" * (len(peers) + 3))
    for w in [w for w in a.workloads.split(",") if w]:
        cells, med = [], {}
        rss = {}
        for impl in ["surge"] + peers:
            rs = [r for r in runs if r["workload"] == w and r["impl"] == impl and "error" not in r]
            if not rs:
                cells.append("unavailable")
                continue
            med[impl] = statistics.median(r["ms_median"] for r in rs)
            mn = min(r["ms_min"] for r in rs)
            rss[impl] = max(r["peak_rss_mb"] for r in rs)
            cells.append("%.1f / %.1f ms, %.0f MB" % (med[impl], mn, rss[impl]))
        peer_meds = [med[p] for p in peers if p in med]
        peer_rss = [rss[p] for p in peers if p in rss]
        ratio = "%.3f" % (med["surge"] / min(peer_meds)) if "surge" in med and peer_meds else "n/a"
        rratio = "%.2f" % (rss["surge"] / min(peer_rss)) if "surge" in rss and peer_rss else "n/a"
        print("| %s | %s | %s | %s |" % (w, " | ".join(cells), ratio, rratio))
    print("total %.0f s; medians over %d rounds of per-run medians; RSS the largest peak seen" % (time.time() - t0,
                                                                                                 a.rounds))


if __name__ == "__main__":
    main()
