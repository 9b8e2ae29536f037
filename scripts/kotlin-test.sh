#!/usr/bin/env bash
# Compiles the generated Kotlin bindings with kotlinc and runs their JUnit tests on the JVM
# against the real native library and a live loopback backend.
# Installs what it needs (kotlinc from npm into target/tools, JNA and JUnit from apt);
# running it again installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

. scripts/install.sh

KOTLIN_VERSION=2.4.20
tools=target/tools/kotlin-$KOTLIN_VERSION
kotlin_home="$tools/node_modules/kotlin-compiler"
missing=()
[ -f /usr/share/java/jna.jar ] || missing+=(libjna-java)
[ -f /usr/share/java/junit4.jar ] || missing+=(junit4)
command -v java >/dev/null 2>&1 || missing+=(openjdk-17-jdk-headless)
[ -x "$kotlin_home/bin/kotlinc" ] || command -v npm >/dev/null 2>&1 || missing+=(npm)
[ ${#missing[@]} -eq 0 ] || apt_install "${missing[@]}"
if [ ! -x "$kotlin_home/bin/kotlinc" ]; then
    echo "==> installing kotlin-compiler $KOTLIN_VERSION (npm)"
    mkdir -p "$tools"
    retry npm install --no-audit --no-fund --silent --prefix "$tools" "kotlin-compiler@$KOTLIN_VERSION"
fi

# Builds the library, the generator and the CLI (the tests start its backend).
./scripts/bindings.sh debug >/dev/null

cp_compile="/usr/share/java/jna.jar:$kotlin_home/lib/kotlinx-coroutines-core-jvm.jar:/usr/share/java/junit4.jar"
out=target/kotlin
rm -rf "$out" && mkdir -p "$out"
# The Android app's view-models are plain Kotlin (no Android imports): compiling them here,
# without an Android SDK, is what proves it.
echo "==> kotlinc: generated bindings, the Android view-models and their tests"
"$kotlin_home/bin/kotlinc" -nowarn -cp "$cp_compile" -d "$out/tests.jar" \
    target/bindings/kotlin bindings/kotlin/testing bindings/kotlin/test \
    android/app/src/main/kotlin/io/purse/app/viewmodel android/app/src/test/kotlin

echo "==> Kotlin tests on the JVM"
java -Djna.library.path="$PWD/target/debug" -Dpurse.cli="$PWD/target/debug/purse" \
    -cp "$out/tests.jar:$cp_compile:$kotlin_home/lib/kotlin-stdlib.jar:/usr/share/java/hamcrest-core.jar" \
    org.junit.runner.JUnitCore io.purse.core.WalletTest io.purse.app.viewmodel.ViewModelTest
