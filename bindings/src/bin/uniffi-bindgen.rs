//! `cargo run -p purse-ffi --features bindgen --bin uniffi-bindgen -- generate --library <lib> --language kotlin`
//! (`scripts/bindings.sh` runs it for Kotlin and Swift).
fn main() {
    uniffi::uniffi_bindgen_main()
}
