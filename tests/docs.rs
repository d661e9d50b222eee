//! The README's and docs/'s examples, run against the real binary by
//! trycmd: in every `console` code block, each `$ securekey …` line and its
//! exact output (stdout and stderr together; a `? N` line gives the exit
//! status). A doc whose example drifts from the behaviour fails here.
//!
//! trycmd runs each command from the package root (the examples' paths are
//! relative to it) with this process's environment, so the settings that
//! change an output are pinned here: an empty `SECUREKEY_*` is the same as
//! an unset one, and output to a pipe has no colour anyway.

#[test]
fn doc_examples_match_the_binary() {
    trycmd::TestCases::new()
        .register_bin(
            "securekey",
            std::path::Path::new(env!("CARGO_BIN_EXE_securekey")),
        )
        .env("SECUREKEY_REQUIRE", "")
        .env("SECUREKEY_FILE", "")
        .env("SECUREKEY_LOG", "")
        .env("SECUREKEY_BOOT", "")
        .env("HEROKU_APP_NAME", "")
        .env("NO_COLOR", "1")
        .case("README.md")
        .case("docs/*.md");
}
