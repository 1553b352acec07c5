# Sourced by the benchmark scripts: `release_build ARGS…` builds with
# `cargo build --release ARGS…` from the project folder, so that
# .cargo/config.toml applies (a build from elsewhere with --manifest-path
# would skip it and time the dynamic binary), and sets `release` to the
# folder the binaries land in: target/<host triple>/release, since the
# config builds for the host as a named target.
release_build() {
    (cd "$root" && cargo build --release --quiet "$@")
    local host
    host=$(cd "$root" && rustc -vV | sed -n 's/^host: //p')
    release=$root/target/$host/release
}
