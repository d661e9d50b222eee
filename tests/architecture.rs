//! ARCHITECTURE.md's map held to the code: its numbered list of rooms is
//! the rule. Every `crate::ROOM` a file of `src/` names (outside comments)
//! must be a room above its own, no two files of one room may use each
//! other, and only `src/settings.rs` reads `std::env`.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The rooms in ARCHITECTURE.md's "Layers" list: module name → rank.
fn rooms() -> BTreeMap<String, usize> {
    let map = fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let layers = map.split("## Layers in `src/`").nth(1).unwrap();
    let layers = layers.split("\n## ").next().unwrap();
    let mut rooms = BTreeMap::new();
    // A numbered line starts a room; its indented lines go on with it.
    let mut rank = None;
    for line in layers.lines() {
        let numbered = line
            .split_once(". ")
            .and_then(|(n, _)| n.parse::<usize>().ok());
        match numbered {
            Some(n) => rank = Some(n),
            None if line.starts_with(' ') => {}
            None => rank = None,
        }
        let Some(rank) = rank else {
            continue;
        };
        for name in line.split("**`src/").skip(1) {
            let name = name.split(['`', '/', '.']).next().unwrap();
            rooms.insert(name.to_owned(), rank);
        }
    }
    rooms
}

/// Every `.rs` file under `dir`.
fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The room of a file: its first component under `src/`.
fn room_of(file: &Path) -> String {
    let rel = file.strip_prefix(root().join("src")).unwrap();
    let first = rel
        .components()
        .next()
        .unwrap()
        .as_os_str()
        .to_string_lossy();
    first.trim_end_matches(".rs").to_owned()
}

/// The file's code, comments left out.
fn code(file: &Path) -> String {
    let text = fs::read_to_string(file).unwrap();
    let lines = text
        .lines()
        .map(|l| l.split("//").next().unwrap_or_default());
    lines.collect::<Vec<_>>().join("\n")
}

/// The names after `pattern` in `code` (`crate::checks` → `checks`).
fn named_after(code: &str, pattern: &str) -> Vec<String> {
    code.split(pattern)
        .skip(1)
        .map(|rest| {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            rest[..end].to_owned()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

fn all_sources() -> Vec<PathBuf> {
    let mut files = Vec::new();
    sources(&root().join("src"), &mut files);
    files.sort();
    files
}

#[test]
fn the_map_lists_every_room_of_src() {
    let rooms = rooms();
    assert!(rooms.len() > 10, "the layers list was read: {rooms:?}");
    for file in all_sources() {
        let room = room_of(&file);
        if room == "lib" {
            continue;
        }
        assert!(
            rooms.contains_key(&room),
            "{} is in no room of ARCHITECTURE.md's layers",
            file.display()
        );
    }
}

#[test]
fn every_import_points_down_the_map() {
    let rooms = rooms();
    let mut wrong = Vec::new();
    // Rooms of one rank may use each other one way only.
    let mut level: Vec<(String, String)> = Vec::new();
    for file in all_sources() {
        let room = room_of(&file);
        let Some(&rank) = rooms.get(&room) else {
            continue;
        };
        // The binary's files name the library as `securekey_cli::`.
        let code = code(&file);
        let used = named_after(&code, "crate::")
            .into_iter()
            .chain(named_after(&code, "securekey_cli::"));
        for used in used {
            match rooms.get(&used) {
                Some(&r) if used != room && r > rank => {
                    wrong.push(format!(
                        "{} ({room}, {rank}) uses {used} ({r})",
                        file.display()
                    ));
                }
                Some(&r) if used != room && r == rank => level.push((room.clone(), used)),
                _ => {}
            }
        }
    }
    for (a, b) in &level {
        if level.contains(&(b.clone(), a.clone())) {
            wrong.push(format!("{a} and {b} use each other"));
        }
    }
    assert!(
        wrong.is_empty(),
        "imports that point up or across:\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_of_a_room_use_each_other() {
    // `use super::NAME` from a file to a sibling file NAME.rs (or NAME/).
    let mut edges = Vec::new();
    for file in all_sources() {
        let dir = file.parent().unwrap();
        let me = file.file_stem().unwrap().to_string_lossy().into_owned();
        let code = code(&file);
        for used in named_after(&code, "super::") {
            let sibling = dir.join(format!("{used}.rs"));
            if used != me && me != "mod" && (sibling.exists() || dir.join(&used).is_dir()) {
                edges.push((dir.join(&me), dir.join(&used)));
            }
        }
    }
    for (a, b) in &edges {
        assert!(
            !edges.contains(&(b.clone(), a.clone())),
            "{} and {} use each other",
            a.display(),
            b.display()
        );
    }
}

#[test]
fn only_settings_reads_the_process_environment() {
    let readers = [
        "env::var(",
        "env::var_os(",
        "env::vars(",
        "env::vars_os(",
        "env::args(",
        "env::args_os(",
    ];
    for file in all_sources() {
        if file.ends_with("src/settings.rs") {
            continue;
        }
        let code = code(&file);
        for reader in readers {
            assert!(
                !code.contains(reader),
                "{} calls std::{reader}…): settings are read once, in src/settings.rs",
                file.display()
            );
        }
    }
}
