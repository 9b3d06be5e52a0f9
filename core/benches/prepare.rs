//! Photo preparation benchmark (filled in with the preparation code).
fn main() {}
