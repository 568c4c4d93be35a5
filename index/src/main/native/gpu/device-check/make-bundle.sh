#!/usr/bin/env bash
# Assembles /work/main/.gpucarry: what the device run needs besides the repo (JRE, BLAS, jars, classes).
set -euo pipefail
b=/work/main/.gpucarry
rm -rf $b && mkdir -p $b/payload/lib $b/payload/cp
cp /work/gpu/jre.tar.xz $b/
cd /work/gpu/debs
for d in *.deb; do dpkg -x $d /tmp/debx; done
cp -L /tmp/debx/usr/lib/x86_64-linux-gnu/blas/libblas.so.3 /tmp/debx/usr/lib/x86_64-linux-gnu/lapack/liblapack.so.3 \
      /tmp/debx/usr/lib/x86_64-linux-gnu/libgfortran.so.5 /tmp/debx/usr/lib/x86_64-linux-gnu/libquadmath.so.0 \
      /tmp/debx/usr/lib/x86_64-linux-gnu/libgomp.so.1 $b/payload/lib/
m=~/.m2/repository
cp $m/org/bytedeco/javacpp/1.5.12/javacpp-1.5.12.jar $m/org/slf4j/slf4j-api/2.0.17/slf4j-api-2.0.17.jar \
   $m/ch/qos/logback/logback-classic/1.5.18/logback-classic-1.5.18.jar $m/ch/qos/logback/logback-core/1.5.18/logback-core-1.5.18.jar \
   $m/org/junit/platform/junit-platform-console-standalone/1.13.4/junit-platform-console-standalone-1.13.4.jar $b/payload/cp/
cp -r /work/main/index/target/classes $b/payload/classes
cp -r /work/main/index/target/test-classes $b/payload/test-classes
mkdir -p $b/payload/bench/io/dinostream/bench
cp /work/main/bench/target/classes/io/dinostream/bench/{GpuIndexBenchmark*,SyntheticVectors*,RepeatedTiming*}.class $b/payload/bench/io/dinostream/bench/
# OpenBLAS (Debian's pthread build) instead of the reference BLAS: the CPU side of the benchmark needs it.
mkdir -p $b/payload/openblas
cp -L /usr/lib/x86_64-linux-gnu/openblas-pthread/{libblas.so.3,liblapack.so.3,libopenblas.so.0} $b/payload/openblas/
find $b/payload/classes -name "*.cpp" -delete
(cd $b && tar cJf payload.tar.xz payload && rm -rf payload)
cp /work/gpu/device-run.sh $b/
du -sh $b; ls -la $b
