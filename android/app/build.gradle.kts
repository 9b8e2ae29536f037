plugins {
    id("com.android.application")
    id("org.jetbrains.kotlin.android")
    id("org.jetbrains.kotlin.plugin.compose")
}

android {
    namespace = "io.purse.app"
    compileSdk = 35
    defaultConfig {
        applicationId = "io.purse.app"
        minSdk = 28
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"
        // The backend the wallet enrolls with. The core allows plain HTTP only to loopback:
        // on a device or emulator, `adb reverse tcp:8080 tcp:8080` makes the host backend local.
        buildConfigField("String", "BACKEND_URL", "\"http://127.0.0.1:8080\"")
    }
    buildFeatures {
        compose = true
        buildConfig = true
    }
    packaging {
        // Native libraries stay uncompressed and 16 KiB-aligned in the APK.
        jniLibs.useLegacyPackaging = false
    }
    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
    kotlinOptions { jvmTarget = "17" }
    // The view-model tests run on the workstation's JVM against the host build of the core
    // and a live reference backend (cargo build -p purse-ffi -p purse-cli first).
    sourceSets["test"].kotlin.srcDir("../../bindings/kotlin/testing")
    testOptions.unitTests.all {
        it.systemProperty("jna.library.path", "${rootDir}/../target/debug")
        it.systemProperty("purse.cli", "${rootDir}/../target/debug/purse")
    }
}

dependencies {
    implementation(project(":purse-core"))
    implementation(platform("androidx.compose:compose-bom:2024.12.01"))
    implementation("androidx.compose.ui:ui")
    implementation("androidx.compose.material3:material3")
    implementation("androidx.compose.ui:ui-tooling-preview")
    implementation("androidx.activity:activity-compose:1.9.3")
    implementation("androidx.fragment:fragment-ktx:1.8.5")
    implementation("androidx.lifecycle:lifecycle-viewmodel-compose:2.8.7")
    implementation("androidx.lifecycle:lifecycle-runtime-compose:2.8.7")
    implementation("androidx.biometric:biometric:1.1.0")
    implementation("androidx.camera:camera-camera2:1.4.1")
    implementation("androidx.camera:camera-lifecycle:1.4.1")
    implementation("androidx.camera:camera-view:1.4.1")
    testImplementation("junit:junit:4.13.2")
    // On the JVM, JNA's desktop jar (the AAR's natives are for phones).
    testImplementation("net.java.dev.jna:jna:5.14.0")
}
