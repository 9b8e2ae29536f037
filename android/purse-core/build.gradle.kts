// The core as an Android library (AAR): the uniffi-generated Kotlin bindings and the
// native library for each ABI, both produced by ../build-rust.sh.
plugins {
    id("com.android.library")
    id("org.jetbrains.kotlin.android")
}

android {
    namespace = "io.purse.core"
    compileSdk = 35
    defaultConfig {
        minSdk = 28
        consumerProguardFiles("consumer-rules.pro")
    }
    sourceSets["main"].kotlin.srcDir("build/generated/uniffi")
    sourceSets["main"].jniLibs.srcDir("build/generated/jniLibs")
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
}

dependencies {
    // JNA with its Android natives; the bindings call the core through it.
    api("net.java.dev.jna:jna:5.14.0@aar")
    api("org.jetbrains.kotlinx:kotlinx-coroutines-android:1.9.0")
}
