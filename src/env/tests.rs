//! Tests of the sources and the index.

use super::*;

fn pairs(vars: &[Var]) -> Vec<(String, String)> {
    vars.iter()
        .map(|v| {
            (
                String::from_utf8_lossy(&v.name).into_owned(),
                String::from_utf8_lossy(&v.value).into_owned(),
            )
        })
        .collect()
}

#[test]
fn dotenv_forms() {
    let input = b"\xEF\xBB\xBF# comment\r\n\r\nexport A=1\r\nB='x y' # c\nC=\"q\\\"r\\n\"\nD=plain # c\nE= spaced  \nF=a#b\nexport\tG=g\n";
    let vars = parse_dotenv(input).unwrap();
    assert_eq!(
        pairs(&vars),
        [
            ("A", "1"),
            ("B", "x y"),
            ("C", "q\"r\n"),
            ("D", "plain"),
            ("E", "spaced"),
            ("F", "a#b"),
            ("G", "g"),
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
}

#[test]
fn dotenv_multiline_double_quotes_count_lines() {
    let vars = parse_dotenv(b"A=\"one\ntwo\"\nB\n").unwrap_err();
    assert_eq!(vars.line, 3);
}

#[test]
fn dotenv_heroku_shell_output() {
    // `'\''` is the shell's way to put a quote inside single quotes.
    let vars = parse_dotenv(b"SECURE_KEY='A,B'\nOTHER='it'\\''s'\n").unwrap();
    assert_eq!(
        pairs(&vars),
        [
            ("SECURE_KEY".into(), "A,B".into()),
            ("OTHER".into(), "it's".into())
        ]
    );
}

#[test]
fn dotenv_multiline_single_quotes_as_shells_read_them() {
    // Newlines inside single quotes are the value's, CRLF lines joined by
    // "\n"; `'\''` may glue segments on either side of a line break; the
    // lines after the value are numbered from where it ends.
    let vars = parse_dotenv(b"A='one\r\ntwo'\r\nB='it'\\''s\nfine' # c\nC='\n'\nD=x\n").unwrap();
    assert_eq!(
        pairs(&vars),
        [
            ("A", "one\ntwo"),
            ("B", "it's\nfine"),
            ("C", "\n"),
            ("D", "x")
        ]
        .map(|(a, b)| (a.to_owned(), b.to_owned()))
    );
    assert_eq!(parse_dotenv(b"A='one\ntwo'\nB\n").unwrap_err().line, 3);
    // Never closed: the line where it opened.
    let err = parse_dotenv(b"X=1\nA='one\ntwo\nB=3\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(err.reason.contains("never closed"), "{}", err.reason);
    // Text after the closing quote, lines later, is named at the opening.
    assert_eq!(parse_dotenv(b"A='one\ntwo' three\n").unwrap_err().line, 1);
}

#[test]
fn dotenv_errors_name_the_line_not_the_content() {
    let err = parse_dotenv(b"A=1\nSECRETVALUE\n").unwrap_err();
    assert_eq!(err.line, 2);
    assert!(!err.reason.contains("SECRET"));
    assert_eq!(parse_dotenv(b"1A=x").unwrap_err().line, 1);
    assert_eq!(parse_dotenv(b"A='x").unwrap_err().line, 1);
    assert_eq!(parse_dotenv(b"A=\"x").unwrap_err().line, 1);
    assert_eq!(parse_dotenv(b"A='x' y").unwrap_err().line, 1);
}

#[test]
fn dotenv_keeps_non_utf8_bytes() {
    let vars = parse_dotenv(b"A=\xff\xfe\n").unwrap();
    assert_eq!(vars[0].value, b"\xff\xfe");
}

#[test]
fn heroku_json() {
    let vars = parse_heroku_json(br#"{"B":"2","A":"1","N":null}"#).unwrap();
    assert_eq!(vars.len(), 3);
    assert!(parse_heroku_json(b"[1]").is_err());
    let err = parse_heroku_json(br#"{"A":{"secret":"x"}}"#).unwrap_err();
    assert!(err.reason.contains("#1") && !err.reason.contains("secret"));
    let err = parse_heroku_json(br#"{"A":"SECRET"#).unwrap_err();
    assert!(!err.reason.contains("SECRET"));
    // Deep nesting is walked without recursion or a tree: no stack
    // overflow, and the value is refused for what it is.
    let deep = format!("{{\"A\":{}", "[".repeat(100_000));
    let err = parse_heroku_json(deep.as_bytes()).unwrap_err();
    assert!(err.reason.contains("not valid JSON"), "{}", err.reason);
    let deep = format!("{{\"A\":{}{}}}", "[".repeat(100_000), "]".repeat(100_000));
    let err = parse_heroku_json(deep.as_bytes()).unwrap_err();
    assert!(
        err.reason
            .contains("value of its var #1 (by name order) is not a string"),
        "{}",
        err.reason
    );
    // Too many vars is found before anything is built.
    let many = format!(
        "{{{}\"Z\":\"\"}}",
        "\"A\":\"\",".repeat(crate::input::MAX_VARS)
    );
    assert!(
        parse_heroku_json(many.as_bytes())
            .unwrap_err()
            .too_many_vars
    );
    let many = "A=\n".repeat(crate::input::MAX_VARS + 1);
    assert!(parse_dotenv(many.as_bytes()).unwrap_err().too_many_vars);
}

#[test]
fn detection() {
    assert_eq!(detect(b" \n{\"A\":\"1\"}"), Some(Format::HerokuJson));
    assert_eq!(detect(b"A=1\n"), Some(Format::Dotenv));
    assert_eq!(detect(b"A='1'\n"), Some(Format::Dotenv));
    assert_eq!(detect(b""), Some(Format::Dotenv));
    assert_eq!(detect(b"just some text\n"), None);
    assert_eq!(detect(b"\x7fELF\x02\x01"), None);
}

#[test]
fn later_duplicates_win() {
    let env = Env::new(
        "t",
        vec![
            Var {
                name: b"A".to_vec(),
                value: b"1".to_vec(),
            },
            Var {
                name: b"A".to_vec(),
                value: b"2".to_vec(),
            },
        ],
    );
    assert_eq!(env.get("A"), Some(&b"2"[..]));
    assert_eq!(env.vars.len(), 1);
}

#[test]
fn get_uses_the_index_and_survives_changed_vars() {
    let var = |n: &str, v: &str| Var {
        name: n.as_bytes().to_vec(),
        value: v.as_bytes().to_vec(),
    };
    let env = Env::new(
        "t",
        (0..1000)
            .map(|i| var(&format!("V{i}"), &i.to_string()))
            .collect(),
    );
    assert_eq!(env.get("V999"), Some(&b"999"[..]));
    assert_eq!(env.get("NOPE"), None);
    assert_eq!(env, env.clone());
}

#[test]
fn large_envs_dedupe_and_find_every_name() {
    let var = |n: usize, v: &str| Var {
        name: format!("VAR_{n}").into_bytes(),
        value: v.as_bytes().to_vec(),
    };
    let mut vars: Vec<Var> = (0..1000).map(|n| var(n, "first")).collect();
    vars.extend((0..1000).step_by(3).map(|n| var(n, "later")));
    let env = Env::new("t", vars);
    assert_eq!(env.vars().len(), 1000, "duplicates replaced in place");
    for n in 0..1000 {
        let want: &[u8] = if n % 3 == 0 { b"later" } else { b"first" };
        assert_eq!(env.get(&format!("VAR_{n}")), Some(want), "VAR_{n}");
        assert_eq!(env.vars()[n].name, format!("VAR_{n}").into_bytes());
    }
    assert_eq!(env.get("VAR_1000"), None);
}

#[test]
fn var_debug_hides_value() {
    let var = Var {
        name: b"SECURE_KEY".to_vec(),
        value: b"TOPSECRET".to_vec(),
    };
    assert!(!format!("{var:?}").contains("TOPSECRET"));
}
