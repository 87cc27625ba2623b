#!/bin/bash -eu
# Builds every fuzz target with the fuzzing service's sanitizer flags and ships each with its seed
# corpus (fuzz/seeds/<target>/) as <target>_seed_corpus.zip.
cd "$SRC/authconform"
cargo fuzz build -O --features scenario
release=fuzz/target/x86_64-unknown-linux-gnu/release
for target in $(cargo fuzz list); do
  cp "$release/$target" "$OUT/"
  if [ -d "fuzz/seeds/$target" ]; then
    zip -q -j "$OUT/${target}_seed_corpus.zip" fuzz/seeds/"$target"/*
  fi
done
