import org.jetbrains.kotlin.gradle.dsl.JvmTarget

plugins {
    alias(libs.plugins.android.application)
    alias(libs.plugins.kotlin.android)
    alias(libs.plugins.kotlin.compose)
}

// The platform's base URL. Debug builds talk to the dev server on the
// development machine (`bst serve`), forwarded with `adb reverse tcp:8765
// tcp:8765`: the core accepts plain http:// only to loopback addresses.
val apiBaseUrl = providers.gradleProperty("banshitong.apiBaseUrl").getOrElse("https://ynbst.example.cn")
val devApiBaseUrl = providers.gradleProperty("banshitong.devApiBaseUrl").getOrElse("http://127.0.0.1:8765")

android {
    namespace = "cn.gov.yn.banshitong.app"
    compileSdk = 35

    defaultConfig {
        applicationId = "cn.gov.yn.banshitong.app"
        minSdk = 26
        targetSdk = 35
        versionCode = 1
        versionName = "0.1.0"

        buildConfigField("String", "API_BASE_URL", "\"$apiBaseUrl\"")

        // The ABIs libbanshitong_ffi is built for. JNA's aar has more (x86);
        // without this filter a device of another ABI would install the app
        // and then fail to load the core.
        ndk {
            abiFilters += listOf("arm64-v8a", "armeabi-v7a", "x86_64")
        }
    }

    buildTypes {
        debug {
            buildConfigField("String", "API_BASE_URL", "\"$devApiBaseUrl\"")
        }
        release {
            isMinifyEnabled = true
            isShrinkResources = true
            // JNA's and the bindings' keep rules come with :banshitong (consumer-rules.pro).
            proguardFiles(getDefaultProguardFile("proguard-android-optimize.txt"))
        }
    }

    buildFeatures {
        compose = true
        buildConfig = true
    }

    compileOptions {
        sourceCompatibility = JavaVersion.VERSION_17
        targetCompatibility = JavaVersion.VERSION_17
    }
}

kotlin {
    compilerOptions {
        jvmTarget = JvmTarget.JVM_17
    }
}

dependencies {
    implementation(project(":banshitong"))

    implementation(platform(libs.androidx.compose.bom))
    implementation(libs.androidx.compose.ui)
    implementation(libs.androidx.compose.ui.tooling.preview)
    implementation(libs.androidx.compose.material3)
    implementation(libs.androidx.activity.compose)
    implementation(libs.androidx.lifecycle.runtime.compose)
    implementation(libs.androidx.lifecycle.viewmodel.ktx)
    implementation(libs.kotlinx.coroutines.android)
    debugImplementation(libs.androidx.compose.ui.tooling)
}
