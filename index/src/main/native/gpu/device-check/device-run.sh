#!/usr/bin/env bash
# Runs on the device machine, from the repo root: the GPU FAISS tests with a carried JRE and BLAS.
cd .gpucarry || exit 2
echo "== machine"; nvidia-smi -L; uname -r; (gcc --version | head -1) 2>&1; which java 2>&1
tar xJf jre.tar.xz && tar xJf payload.tar.xz || exit 3
cublas=$(find / -name 'libcublas.so.13' -not -path '/proc/*' 2>/dev/null | head -1)
echo "cublas: $cublas"; ls -la $(dirname "$cublas") | grep -E "cublas" | head -4
export LD_LIBRARY_PATH=$PWD/payload/openblas:$PWD/payload/lib:$(dirname "$cublas"):${LD_LIBRARY_PATH:-}
gpu_so=$(find payload/classes -name 'libjnidinostreamfaissgpu.so'); cpu_so=$(find payload/classes -name 'libjnidinostreamfaiss.so')
echo "== ldd"; ldd $gpu_so $cpu_so | grep -E "not found|cublas|libblas|lapack" | sort -u
cp=payload/classes:payload/test-classes:$(ls payload/cp/*.jar | grep -v console | tr '\n' ':')
echo "== tests"
export OPENBLAS_CORETYPE=Haswell
OPENBLAS_NUM_THREADS=1 timeout 330 jre/bin/java -Xmx24g -jar payload/cp/junit-platform-console-standalone-1.13.4.jar execute \
  -cp "$cp" --disable-banner --disable-ansi-colors --details=tree \
  --select-class io.dinostream.index.faiss.GpuSearchTest \
  2>&1 | tee $OUT/junit.log | grep -av "^\s*$" | tr -d "\\000" | tail -60
echo "junit rc=${PIPESTATUS[0]}"
nvidia-smi --query-gpu=name,memory.used,memory.total --format=csv
