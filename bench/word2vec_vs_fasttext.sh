#!/usr/bin/env bash
# word2vec training, maas beside fastText 0.9.2 (Debian `fasttext`, -maxn 0: plain
# word2vec without subwords), in one run on the same machine: skip-gram and CBOW on
# the State of the Union addresses, dim 100, window 5, 5 negatives, 5 epochs,
# min-count 5, subsampling 1e-3, 2 threads. Prints wall and CPU seconds, words/s/thread
# (as each tool reports it; corpus words x epochs / wall / threads; and words x epochs
# per CPU-second, which a busy machine disturbs least) and the analogy accuracy of both
# models on bench/word2vec_sotu_analogies.txt (evaluated by maas's evaluator, 3CosAdd
# over the whole vocabulary). Both with their default learning rate, 0.05.
# Usage: bench/word2vec_vs_fasttext.sh [BUILD_DIR]   (needs `apt install fasttext`;
#        build the tool first: cmake --build build --target bench_word2vec_train)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
tool="$build/bench_word2vec_train"
questions="$root/bench/word2vec_sotu_analogies.txt"
sotu="$root/../shared/data/text/sotu.txt"
threads=2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# fastText's input: lower-cased, non-letters replaced by spaces, one speech per line
# (maas splits and lower-cases the same way itself; both read this file).
tr -c 'A-Za-z\n' ' ' < "$sotu" | tr 'A-Z' 'a-z' > "$work/sotu.txt"
words=$(wc -w < "$work/sotu.txt")
echo "corpus: $words words; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

# "wall cpu" seconds of a command (its output to $log).
timed() {
  local log="$1"
  shift
  /usr/bin/time -f '%e %U %S' -o "$work/time" "$@" > "$log" 2>&1
  awk '{print $1, $2 + $3}' "$work/time"
}
for mode in skipgram cbow; do
  read -r ft_wall ft_cpu < <(timed "$work/ft_$mode.log" fasttext "$mode" -input "$work/sotu.txt" \
    -output "$work/ft_$mode" -dim 100 -ws 5 -neg 5 -epoch 5 -minCount 5 -t 1e-3 -thread $threads -maxn 0 -verbose 2)
  read -r maas_wall maas_cpu < <(timed "$work/maas_$mode.log" "$tool" "$work/sotu.txt" --mode "$mode" --dim 100 \
    --window 5 --negative 5 --epochs 5 --min-count 5 --sample 1e-3 --threads $threads --out "$work/maas_$mode.vec")
  ft_reported=$(tr '\r' '\n' < "$work/ft_$mode.log" | grep -o 'words/sec/thread: *[0-9]*' | tail -1 | grep -o '[0-9]*$')
  maas_reported=$(grep -o 'words_per_second_per_thread=[0-9]*' "$work/maas_$mode.log" | cut -d= -f2)
  ft_acc=$("$tool" --vectors "$work/ft_$mode.vec" --eval "$questions" | grep -o '"analogy_accuracy":[0-9.e-]*' | cut -d: -f2)
  maas_acc=$("$tool" --vectors "$work/maas_$mode.vec" --eval "$questions" | grep -o '"analogy_accuracy":[0-9.e-]*' | cut -d: -f2)
  for tool_name in fastText maas; do
    if [ $tool_name = fastText ]; then wall=$ft_wall cpu=$ft_cpu rep=$ft_reported acc=$ft_acc
    else wall=$maas_wall cpu=$maas_cpu rep=$maas_reported acc=$maas_acc; fi
    printf '%-8s %-8s %6.1f s wall %6.1f s CPU | words/s/thread: reported %7s, by wall %7.0f, per CPU-second %7.0f | analogy accuracy %.3f\n' \
      "$mode" "$tool_name" "$wall" "$cpu" "$rep" "$(echo "$words * 5 / $wall / $threads" | bc -l)" \
      "$(echo "$words * 5 / $cpu" | bc -l)" "$acc"
  done
  printf '%-8s maas / fastText: %.2fx by wall, %.2fx per CPU-second\n' "$mode" "$(echo "$ft_wall / $maas_wall" | bc -l)" \
    "$(echo "$ft_cpu / $maas_cpu" | bc -l)"
done
