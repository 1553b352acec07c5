//! Links the `seccoop` binary as a position-dependent executable on
//! Linux with glibc.
//!
//! Two ways, both for start-up time (BENCHMARKS.md, "A static binary"):
//!
//! - **Static** (the default on x86-64, set in `.cargo/config.toml`):
//!   `crt-static` with the static relocation model gives one static,
//!   position-dependent executable. Nothing is left for a dynamic loader:
//!   no libraries to find and map, no symbols to bind, and no
//!   `libgcc_s`, whose start-up routine queries the processor with
//!   `cpuid` (about 9.5 µs a query on this project's virtual machine).
//!   Every command on the built-in graph starts 0.44–0.53 ms sooner than
//!   with the dynamic build below. The build script has nothing to add.
//! - **Dynamic** (other glibc targets, or whenever `RUSTFLAGS` is set and
//!   so replaces the configured flags): `-no-pie`. A position-independent
//!   executable makes the loader apply about 18,000 relocations (430 KB)
//!   at every start, and the pages they write are copied; `--version` took
//!   1.8–2.1 ms as a PIE and 1.2–1.5 ms linked this way. A static PIE
//!   (`crt-static` alone) applies the same relocations itself.
//!
//! What it costs: the binary's code, and with the static build the C
//! library's too, is not placed at a random address (heap, stack and
//! mappings still are). `RUSTFLAGS= SECCOOP_PIE=1 cargo install --path .`
//! builds the dynamic, position-independent binary instead. Only the
//! binary is linked this way; the library, tests and fuzz targets follow
//! the flags alone.

fn main() {
    println!("cargo::rerun-if-env-changed=SECCOOP_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    let static_crt = var("CARGO_CFG_TARGET_FEATURE")
        .split(',')
        .any(|f| f == "crt-static");
    // With `crt-static` the relocation model decides: `-no-pie` on a
    // static PIE would leave a binary that cannot start.
    if linux_gnu && !static_crt && var("SECCOOP_PIE") != "1" {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
