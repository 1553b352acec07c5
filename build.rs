//! Links the `seccoop` binary as a position-dependent executable on
//! Linux with glibc.
//!
//! Why: a position-independent executable makes the dynamic loader apply
//! about 18,000 relocations (430 KB of them) at every start, and the pages
//! they write are copied. That was a third of the time of a command on the
//! built-in graph: `seccoop --version` took 1.8–2.1 ms as a PIE and
//! 1.2–1.5 ms linked this way (hyperfine medians, BENCHMARKS.md). A fully
//! static binary starts no faster, and needs a `--target` build.
//!
//! What it costs: the binary's own code is not placed at a random address
//! (the libraries, heap and stack still are). Set `SECCOOP_PIE=1` when
//! building to keep a position-independent executable. Only the binary is
//! linked this way; the library, tests and fuzz targets are as before.

fn main() {
    println!("cargo::rerun-if-env-changed=SECCOOP_PIE");
    let var = |name: &str| std::env::var(name).unwrap_or_default();
    let linux_gnu = var("CARGO_CFG_TARGET_OS") == "linux" && var("CARGO_CFG_TARGET_ENV") == "gnu";
    if linux_gnu && var("SECCOOP_PIE") != "1" {
        println!("cargo::rustc-link-arg-bins=-no-pie");
    }
}
