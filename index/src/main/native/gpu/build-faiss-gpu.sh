#!/usr/bin/env bash
# Builds libfaiss_gpu.a: the GPU half of FAISS 1.7.3 (faiss/gpu), compiled from the same source release
# as Debian's libfaiss-dev, so it links against Debian's CPU libfaiss.a with the same headers.
# Debian ships no CUDA build of FAISS; docs/index.md ("GPU") says when and how to use this.
#
# usage: build-faiss-gpu.sh FAISS_SOURCE_DIR OUTPUT_DIR
# env:   CUDA_HOME  (bin/nvcc, include/; default /usr/local/cuda)
#        CUDA_ARCHS (space-separated SM numbers; default "90"), JOBS (default: all cores)
set -euo pipefail
src=$(cd "$1" && pwd)
out=$(mkdir -p "$2" && cd "$2" && pwd)
cuda=${CUDA_HOME:-/usr/local/cuda}
archs=${CUDA_ARCHS:-90}
jobs=${JOBS:-$(nproc)}
nvcc=$cuda/bin/nvcc
[[ -x $nvcc ]] || { echo "no nvcc at $nvcc: set CUDA_HOME" >&2; exit 2; }
[[ -f $src/faiss/gpu/StandardGpuResources.h ]] || { echo "$src is not a FAISS source tree" >&2; exit 2; }

gencode=()
for arch in $archs; do gencode+=("-gencode=arch=compute_$arch,code=sm_$arch"); done
mkdir -p "$out/obj"

compile() { # one source file -> one object; echoes the failure's output and fails
    local file=$1 object
    object="$out/obj/$(echo "${file#faiss/gpu/}" | tr / _).o"
    [[ -s $object && $object -nt $src/$file ]] && return 0
    case $file in
        *.cu) "$nvcc" -std=c++17 -O3 "${gencode[@]}" -Xfatbin=-compress-all -Xcompiler -fPIC,-fopenmp \
                  -I"$src" -c "$src/$file" -o "$object.tmp" ;;
        *.cpp) g++ -std=c++17 -O3 -fPIC -fopenmp -I"$src" -I"$cuda/include" -c "$src/$file" -o "$object.tmp" ;;
    esac && mv "$object.tmp" "$object"
}
export -f compile
export src out nvcc cuda
export GENCODE="${gencode[*]}"

cd "$src"
files=$(find faiss/gpu \( -name '*.cu' -o -name '*.cpp' \) -not -path '*/test/*' -not -path '*/perf/*' | sort)
echo "compiling $(echo "$files" | wc -l) files for sm_{$archs} on $jobs jobs"
# gencode travels as a string through xargs: rebuild the array in each child.
# Every file is tried; the build fails at the end if any did, naming them.
if ! echo "$files" | xargs -P "$jobs" -I{} bash -c 'gencode=($GENCODE); compile "$1" || { echo "FAILED: $1" >&2; exit 1; }' _ {}; then
    echo "some files failed to compile (FAILED lines above)" >&2
    exit 1
fi
rm -f "$out/libfaiss_gpu.a"
ar rcs "$out/libfaiss_gpu.a" "$out"/obj/*.o
echo "wrote $out/libfaiss_gpu.a ($(du -h "$out/libfaiss_gpu.a" | cut -f1))"
