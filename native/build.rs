//! Character tables from the Python that builds the core (PYO3_PYTHON, else python3):
//! the core must agree with that interpreter's `str` and `re`, not with Rust's char classes.
use std::{env, path::PathBuf, process::Command};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap()).join("tables.rs");
    let python = env::var("PYO3_PYTHON").unwrap_or_else(|_| "python3".into());
    let status = Command::new(&python)
        .arg("gen_tables.py")
        .arg(&out)
        .status()
        .unwrap_or_else(|e| panic!("cannot run {python} gen_tables.py: {e}"));
    assert!(status.success(), "gen_tables.py failed");
    println!("cargo:rerun-if-changed=gen_tables.py");
    println!("cargo:rerun-if-env-changed=PYO3_PYTHON");
}
