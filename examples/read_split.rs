//! The floor of loading a CSV folder: read `nodes.csv` and `edges.csv` and
//! split every line into fields with `memchr`, doing nothing else.
//! `benches/compare/run.sh` times it beside `seccoop`, to show how close a
//! load comes to it.
//!
//! cargo run --release --example read_split -- DIR

fn main() -> std::io::Result<()> {
    let dir = std::path::PathBuf::from(std::env::args_os().nth(1).unwrap_or_default());
    let (mut bytes, mut fields, mut field_bytes) = (0usize, 0usize, 0usize);
    for name in ["nodes.csv", "edges.csv"] {
        let data = std::fs::read(dir.join(name))?;
        bytes += data.len();
        let mut start = 0;
        for end in memchr::memchr_iter(b'\n', &data).chain([data.len()]) {
            let line = &data[start..end];
            let mut field = 0;
            for comma in memchr::memchr_iter(b',', line).chain([line.len()]) {
                fields += 1;
                field_bytes += comma - field;
                field = comma + 1;
            }
            start = end + 1;
        }
    }
    println!("{bytes} bytes, {fields} fields of {field_bytes} bytes");
    Ok(())
}
