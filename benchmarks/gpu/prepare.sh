#!/usr/bin/env bash
# Prepares, on a machine with Maven and a JDK, everything the bare GPU machine needs under .device/
# (git-ignored): compiled classes of every module, all dependency jars, a jlink'd JRE and the JUnit
# console launcher. Then, on the GPU machine (repository root): benchmarks/gpu/run.sh
set -euo pipefail
top=$(git rev-parse --show-toplevel)
cd "$top"
mkdir -p .device/jars .device/classes
mvn -B -q -o -DskipTests test-compile
for m in tensor-core kernels nn rlaif tests benchmarks; do
  [ -d "$m/target/classes" ] && mkdir -p ".device/classes/$m" && cp -r "$m/target/classes/." ".device/classes/$m/"
  [ -d "$m/target/test-classes" ] && mkdir -p ".device/classes/$m-test" && cp -r "$m/target/test-classes/." ".device/classes/$m-test/"
done
mvn -B -q -o dependency:copy-dependencies -DoutputDirectory="$top/.device/jars" -DincludeScope=test -DexcludeGroupIds=dev.plumbline
# the console launcher (not a project dependency): from ~/.m2, fetched once with network if missing
cl=$(ls ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/*/junit-platform-console-standalone-*.jar 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$cl" ]; then
  echo "fetching junit-platform-console-standalone (needs network once)"
  mvn -B -q dependency:get -Dartifact=org.junit.platform:junit-platform-console-standalone:1.14.1
  cl=$(ls ~/.m2/repository/org/junit/platform/junit-platform-console-standalone/*/junit-platform-console-standalone-*.jar | sort -V | tail -1)
fi
cp "$cl" .device/jars/junit-platform-console-standalone.jar
[ -f .device/jre.tgz ] || ../shared/device/make-jre.sh .device 2>/dev/null || /work/shared/device/make-jre.sh .device
du -sh .device
echo "carry .device to the GPU machine (run tool: carry [\".device\"]) and run benchmarks/gpu/run.sh there"
