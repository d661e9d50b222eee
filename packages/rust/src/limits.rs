//! The key file format's constants, below both the reader (`key_file`)
//! and its errors (`error`), which name them: neither imports the other.

/// The key file format's version.
pub const FORMAT_VERSION: u64 = 1;

/// The most a key file may hold: 1 MiB. Heroku caps an app's config vars
/// at 64 KB in all, whose pairs make a key file of at most about 100 KB.
pub const MAX_BYTES: u64 = 1024 * 1024;
